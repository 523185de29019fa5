import { execFile } from 'node:child_process';
import { nameKey } from '../resolve.js';

/** One rename git recorded, with vault-relative paths. */
export interface Rename {
  from: string;
  to: string;
  /** The commit that made it (abbreviated), for the plan's reasons. */
  commit: string;
}

export type RenameHistory = { source: 'git'; renames: Rename[] } | { source: 'none'; why: string };

/** Large histories print a lot of names; this is ample for a vault's and bounded all the same. */
const MAX_OUTPUT = 256 * 1024 * 1024;

/**
 * The renames in git's history of the vault folder, oldest first, with paths relative to the vault
 * (`--relative`, so a vault inside a larger repository works too). git runs without a shell, with
 * NUL-separated output (no quoting of unusual names). No git, or a folder outside any repository,
 * is no error: the repair then has only names to go by, and says why.
 */
export function gitRenames(root: string, signal?: AbortSignal): Promise<RenameHistory> {
  const args = ['-c', 'core.quotePath=false', 'log', '--reverse', '--diff-filter=R', '-M', '--name-status', '-z', '--format=%x01%h', '--relative', '--', '.'];
  return new Promise((resolve, reject) => {
    execFile('git', args, { cwd: root, maxBuffer: MAX_OUTPUT, encoding: 'utf8', ...(signal ? { signal } : {}), env: { ...process.env, GIT_OPTIONAL_LOCKS: '0' } }, (error, stdout, stderr) => {
      if (signal?.aborted) return reject(signal.reason);
      if (error) {
        const code = (error as NodeJS.ErrnoException).code;
        if (code === 'ENOENT') return resolve({ source: 'none', why: 'git is not installed' });
        const said = stderr.trim().split('\n')[0] ?? '';
        if (/not a git repository/i.test(said)) return resolve({ source: 'none', why: 'the vault is not in a git repository' });
        // An empty repository has no log: nothing was renamed yet.
        if (/does not have any commits/i.test(said)) return resolve({ source: 'git', renames: [] });
        return resolve({ source: 'none', why: `git log failed: ${said || error.message}` });
      }
      resolve({ source: 'git', renames: parseRenames(stdout) });
    });
  });
}

/** git's `-z --name-status` output: `\x01<commit>` tokens, then `R<score>`, old path, new path. */
export function parseRenames(output: string): Rename[] {
  const tokens = output.split('\0');
  const renames: Rename[] = [];
  let commit = '';
  for (let i = 0; i < tokens.length; i++) {
    const token = tokens[i]!.replace(/^\n+/, '');
    if (token.startsWith('\x01')) commit = token.slice(1).trim();
    else if (/^R\d*$/.test(token) && i + 2 < tokens.length) {
      renames.push({ from: tokens[i + 1]!, to: tokens[i + 2]!, commit });
      i += 2;
    }
  }
  return renames;
}

/**
 * Where a file that was once at `path` is now, following later renames (a -> b, then b -> c);
 * undefined when it was never renamed. Paths compare as the resolver does (case, Unicode form).
 */
export function followRenames(path: string, renames: readonly Rename[]): { path: string; via: Rename[] } | undefined {
  let current = nameKey(path);
  let now: string | undefined;
  const via: Rename[] = [];
  for (const rename of renames) {
    if (nameKey(rename.from) !== current) continue;
    now = rename.to;
    current = nameKey(rename.to);
    via.push(rename);
  }
  return now === undefined ? undefined : { path: now, via };
}
