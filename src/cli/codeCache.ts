import { createHash } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { homedir } from 'node:os';
import { basename, dirname, isAbsolute, join } from 'node:path';
import { Script } from 'node:vm';

/** The person's own cache folder, never a shared one: what is read from there runs. */
export function codeCacheDir(env: NodeJS.ProcessEnv = process.env): string {
  const base = env.XDG_CACHE_HOME && isAbsolute(env.XDG_CACHE_HOME) ? env.XDG_CACHE_HOME : join(homedir(), '.cache');
  return join(base, 'berth', 'code-cache');
}

/**
 * Requires a CommonJS bundle through V8's code cache, so that a run neither parses the bundle nor
 * compiles again the functions an earlier run compiled. The bundle is compiled here as Node would
 * compile it, with the cache of the first run that had none, taken at exit so that it holds what
 * that run compiled; `variant` keeps one cache per kind of run (the CLI's part of the catalog).
 * Node 22.1 and later have module.enableCompileCache, but it keeps only what is compiled at load,
 * which saves half as much. A cache that cannot be read or written is only a slower start, never an error.
 */
export function requireCached(file: string, variant: string, dir = codeCacheDir()): unknown {
  const source = readFileSync(file);
  const stem = `${basename(file, '.js')}-${variant}-`;
  // V8 checks its version and flags, but knows a source only by its length: the name carries a hash of the content.
  const name = `${stem}${createHash('sha256').update(process.versions.v8).update(source).digest('hex').slice(0, 16)}.v8`;
  const cachedData = readOrNothing(join(dir, name));
  // The wrapper Node puts around a CommonJS module, on a line of its own so that line numbers stay the file's.
  const script = new Script(`(function (exports, require, module, __filename, __dirname) {\n${source.toString('utf8')}\n})`, {
    filename: file,
    lineOffset: -1,
    ...(cachedData ? { cachedData } : {}),
  });
  const module = { exports: {} };
  (script.runInThisContext() as (...args: unknown[]) => void).call(module.exports, module.exports, createRequire(file), module, file, dirname(file));
  if (!cachedData || script.cachedDataRejected) process.once('exit', () => save(dir, stem, name, () => script.createCachedData()));
  return module.exports;
}

function readOrNothing(path: string): Buffer | undefined {
  try {
    return readFileSync(path);
  } catch {
    return undefined;
  }
}

/** Writes the cache whole or not at all (runs may end together), and drops the stale caches of the same bundle and variant. */
function save(dir: string, stem: string, name: string, data: () => Buffer): void {
  try {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    const temporary = join(dir, `${name}.${process.pid}.tmp`);
    writeFileSync(temporary, data(), { mode: 0o600 });
    renameSync(temporary, join(dir, name));
    for (const stale of readdirSync(dir).filter((entry) => entry.startsWith(stem) && entry.endsWith('.v8') && entry !== name)) rmSync(join(dir, stale), { force: true });
  } catch {
    // No cache this time.
  }
}
