import { lstat, readdir, readlink } from 'node:fs/promises';
import { join } from 'node:path';
import { BerthError } from '../../errors.js';
import { NoteReader, UNREADABLE } from '../noteReader.js';
import type { VaultFilter } from '../walk.js';
import { followLink } from './linkScope.js';

/** One thing the backup stores, as lstat saw it while listing. */
export interface SourceEntry {
  /** Vault-relative, with "/" separators. */
  path: string;
  type: 'file' | 'directory' | 'symlink';
  size: number;
  mode: number;
  mtime: number;
  /** A symbolic link's text, stored as it is and never followed. */
  target?: string;
}

export interface Listing {
  /** Folders before what they hold, names in code-point order: the same vault gives the same archive. */
  entries: SourceEntry[];
  /** What the backup leaves out, and why (links leading outside the vault, FIFOs, sockets, devices). */
  skipped: { path: string; reason: string }[];
  /** The files' total size. */
  bytes: number;
}

/** Why a link is left out, by how it leaves the vault. */
const OUTSIDE_VAULT = {
  absolute: (target: string) => `it links to the absolute path ${target}, and a restore keeps no link leading out of its folder`,
  'climbs out': (target: string) => `it links to ${target}, outside the vault`,
  loops: (target: string) => `it links to ${target}, which loops`,
};

const byName = (a: { name: string }, b: { name: string }) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0);

function unreadable(path: string, error: unknown): BerthError {
  const code = (error as NodeJS.ErrnoException).code ?? (error as Error).message;
  return new BerthError(`Cannot read ${path}: ${code}.`, 'A backup must hold every file: fix its permissions, or leave it out with --exclude.', 'VAULT_UNREADABLE');
}

/**
 * Lists what a backup of the vault at `root` holds: what the scan's filter lets in, except what
 * `leaveOut` names (the archive being written, when it lies inside the vault). Nothing is followed:
 * a symbolic link is stored as a link, and one that would lead outside the vault once restored is
 * left out, since a restore refuses it.
 */
export async function listForBackup(root: string, realRoot: string, filter: VaultFilter, leaveOut: (path: string) => boolean, signal?: AbortSignal): Promise<Listing> {
  const entries: SourceEntry[] = [];
  const skipped: Listing['skipped'] = [];
  const reader = new NoteReader(realRoot);

  const walk = async (dir: string): Promise<void> => {
    signal?.throwIfAborted();
    let names;
    try {
      names = (await readdir(join(root, dir), { withFileTypes: true })).sort(byName);
    } catch (error) {
      throw unreadable(join(root, dir), error);
    }
    if (names.some((entry) => entry.name === '.gitignore' && entry.isFile())) {
      const text = reader.read(join(root, dir, '.gitignore'));
      if (text === UNREADABLE) throw unreadable(join(root, dir, '.gitignore'), new Error('permission denied'));
      if (text !== undefined) filter.addGitignore(dir, text);
    }
    for (const { name } of names) {
      const path = dir ? `${dir}/${name}` : name;
      let stats;
      try {
        stats = await lstat(join(root, path));
      } catch (error) {
        // Deleted since the folder was listed: it is simply not part of this backup.
        if ((error as NodeJS.ErrnoException).code === 'ENOENT') continue;
        throw unreadable(join(root, path), error);
      }
      if (filter.skips(path, stats.isDirectory(), name) || leaveOut(path)) continue;
      const common = { path, mode: stats.mode & 0o777, mtime: stats.mtimeMs };
      if (stats.isDirectory()) {
        entries.push({ ...common, type: 'directory', size: 0 });
        await walk(path);
      } else if (stats.isFile()) {
        entries.push({ ...common, type: 'file', size: stats.size });
      } else if (stats.isSymbolicLink()) {
        entries.push({ ...common, type: 'symlink', size: 0, target: await readlink(join(root, path)) });
      } else {
        skipped.push({ path, reason: 'it is not a file, folder or symbolic link (a FIFO, socket or device)' });
      }
    }
  };
  await walk('');
  return { entries: withoutEscapingLinks(entries, skipped), skipped, bytes: entries.reduce((sum, entry) => sum + (entry.type === 'file' ? entry.size : 0), 0) };
}

/**
 * Leaves out the links that lead outside the vault, judged over the links the archive keeps (as a
 * restore judges them). Leaving one out can change where another leads, hence the loop.
 */
function withoutEscapingLinks(entries: SourceEntry[], skipped: Listing['skipped']): SourceEntry[] {
  let kept = entries;
  for (;;) {
    const links = new Map(kept.flatMap((entry) => (entry.type === 'symlink' ? [[entry.path, entry.target!] as const] : [])));
    const escaping = new Set<string>();
    for (const [path, target] of links) {
      const destination = followLink(path, target, (p) => links.get(p));
      if ('outside' in destination) {
        escaping.add(path);
        skipped.push({ path, reason: OUTSIDE_VAULT[destination.outside](target) });
      }
    }
    if (!escaping.size) return kept;
    kept = kept.filter((entry) => !escaping.has(entry.path));
  }
}
