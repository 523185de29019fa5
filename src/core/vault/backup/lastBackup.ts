import { readdir, realpath, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { stateDir } from '../../sessions/audit.js';
import { isPartial } from './atomicFile.js';
import { isBackupOf, vaultBackupFolder } from './retention.js';

export interface LastBackup {
  file: string;
  /** When it was written: the file's time, which a copy elsewhere keeps only if copied with it. */
  at: Date;
}

/**
 * The newest backup of a vault in its folder under the state folder's backups/ (where `vault
 * backup` writes by default); undefined when there is none, or no such folder yet.
 */
export async function lastBackup(root: string, env: NodeJS.ProcessEnv = process.env): Promise<LastBackup | undefined> {
  const realRoot = await realpath(root).catch(() => root);
  const folder = await vaultBackupsFolder(root, env);
  const names = await readdir(folder).catch(() => [] as string[]);
  let newest: LastBackup | undefined;
  for (const name of names.filter((n) => isBackupOf(realRoot, n) && !isPartial(n))) {
    const info = await stat(join(folder, name)).catch(() => undefined);
    if (info?.isFile() && (!newest || info.mtime > newest.at)) newest = { file: join(folder, name), at: info.mtime };
  }
  return newest;
}

/** Where `vault backup` puts this vault's backups by default. */
export async function vaultBackupsFolder(root: string, env: NodeJS.ProcessEnv = process.env): Promise<string> {
  return vaultBackupFolder(join(stateDir(env), 'backups'), await realpath(root).catch(() => root));
}

/** How old a backup is, in the largest whole unit, and whether that is past the warning age. */
export function backupAge(last: LastBackup | undefined, now: Date, warnDays: number): { age: string; stale: boolean } {
  if (!last) return { age: 'never', stale: true };
  const seconds = Math.max(0, (now.getTime() - last.at.getTime()) / 1000);
  const units: [number, string][] = [
    [86_400, 'day'],
    [3600, 'hour'],
    [60, 'minute'],
  ];
  const [size, unit] = units.find(([s]) => seconds >= s) ?? [1, 'second'];
  const count = Math.floor(seconds / size);
  const age = unit === 'second' ? 'just now' : `${count} ${unit}${count === 1 ? '' : 's'} ago`;
  return { age, stale: seconds > warnDays * 86_400 };
}
