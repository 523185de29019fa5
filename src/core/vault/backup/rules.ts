import { lstatSync, readlinkSync } from 'node:fs';
import { join } from 'node:path';
import { VAULT_PREFIX } from './format.js';
import { describeOutside, followLink } from './linkScope.js';
import type { ArchiveEntry } from './reader.js';

/** An entry a restore will not write, and why, in words a person can act on. */
export class Refusal extends Error {
  constructor(
    readonly entry: string,
    readonly reason: string,
  ) {
    super(`${entry}: ${reason}`);
  }
}

const KIND: Record<string, 'file' | 'directory' | 'symlink'> = { File: 'file', Directory: 'directory', SymbolicLink: 'symlink' };
const TYPE_WORDS: Record<string, string> = {
  CharacterDevice: 'a character device',
  BlockDevice: 'a block device',
  FIFO: 'a FIFO (named pipe)',
};

/** An entry that passed the checks of its own header: its vault path and what it is. */
export interface Accepted {
  entry: ArchiveEntry;
  /** Vault-relative, "/"-separated, without a trailing "/". */
  path: string;
  kind: 'file' | 'directory' | 'symlink';
}

/**
 * What can be judged from one header alone, as it is read: the path must be a plain relative path
 * under `vault/` (no absolute path, no `..`, no empty or `.` part), and the entry a file, folder
 * or symbolic link: never a hard link, which can reach any file on the machine, and never a
 * device or FIFO.
 */
export function acceptEntry(entry: ArchiveEntry): Accepted {
  const refuse = (reason: string) => new Refusal(entry.path, reason);
  const { path, type } = entry;
  if (path.startsWith('/') || /^[a-zA-Z]:/.test(path) || path.startsWith('\\')) throw refuse('its path is absolute');
  const parts = path.replace(/\/$/, '').split('/');
  if (parts.includes('..')) throw refuse('its path climbs out of the target folder with ".."');
  if (type === 'Link') throw refuse(`it is a hard link (to ${entry.linkpath}); a Berth backup holds none, and one could reach any file on this machine`);
  if (TYPE_WORDS[type]) throw refuse(`it is ${TYPE_WORDS[type]}, not a file, folder or symbolic link`);
  const kind = KIND[type];
  if (!kind) throw refuse(`its type (${type}) is not a file, folder or symbolic link`);
  if (!path.startsWith(VAULT_PREFIX)) throw refuse('it lies outside the vault/ folder of a Berth backup');
  const rest = parts.slice(1);
  if (rest.length === 0) throw refuse('it names the target folder itself');
  if (rest.some((part) => part === '' || part === '.' || part.includes('\\') || part.includes('\0'))) throw refuse('its path is not a plain relative path');
  if (kind === 'symlink' && entry.linkpath?.startsWith('/')) throw refuse(describeOutside(entry.linkpath, 'absolute'));
  return { entry, path: rest.join('/'), kind };
}

/** What is already at a path of the target folder, as lstat sees it. */
function onDisk(target: string, path: string): 'none' | 'directory' | 'symlink' | 'other' {
  try {
    const stats = lstatSync(join(target, path));
    return stats.isDirectory() ? 'directory' : stats.isSymbolicLink() ? 'symlink' : 'other';
  } catch {
    return 'none';
  }
}

/**
 * What can be judged only from the whole archive and the target folder, before anything is
 * written: no path twice; nothing written through a symbolic link (the archive's or one already in
 * the target) or under a file; every link, followed through the archive's links and the target's,
 * staying inside the target; and, restoring over existing files, no folder where a file is or the
 * reverse.
 */
export function checkPlan(accepted: readonly Accepted[], target: string, targetHasFiles: boolean): void {
  const kinds = new Map<string, Accepted>();
  for (const item of accepted) {
    if (kinds.has(item.path)) throw new Refusal(item.entry.path, 'it appears twice in the archive');
    kinds.set(item.path, item);
  }
  const archiveLinks = new Map(accepted.flatMap((item) => (item.kind === 'symlink' ? [[item.path, item.entry.linkpath!] as const] : [])));
  const diskLink = (path: string) => {
    if (!targetHasFiles || kinds.has(path) || onDisk(target, path) !== 'symlink') return undefined;
    return readlinkSync(join(target, path));
  };
  const linkAt = (path: string) => archiveLinks.get(path) ?? diskLink(path);

  for (const item of accepted) {
    const parts = item.path.split('/');
    for (let depth = 1; depth < parts.length; depth++) {
      const folder = parts.slice(0, depth).join('/');
      const above = kinds.get(folder);
      if (above?.kind === 'symlink') throw new Refusal(item.entry.path, `it would be written through the symbolic link ${above.entry.path}`);
      if (above?.kind === 'file') throw new Refusal(item.entry.path, `its folder ${above.entry.path} is a file in the archive`);
      if (!above && targetHasFiles && onDisk(target, folder) === 'symlink') throw new Refusal(item.entry.path, `it would be written through the symbolic link ${join(target, folder)} already in the target folder`);
    }
    if (item.kind === 'symlink') {
      const destination = followLink(item.path, item.entry.linkpath!, linkAt);
      if ('outside' in destination) throw new Refusal(item.entry.path, describeOutside(item.entry.linkpath!, destination.outside));
    }
    if (targetHasFiles) {
      const there = onDisk(target, item.path);
      if (item.kind === 'directory' && there !== 'none' && there !== 'directory') throw new Refusal(item.entry.path, `${join(target, item.path)} exists and is not a folder; move it away first`);
      if (item.kind !== 'directory' && there === 'directory') throw new Refusal(item.entry.path, `${join(target, item.path)} is a folder in the target; move it away first`);
    }
  }
}
