import { createHash } from 'node:crypto';
import { readdir, unlink } from 'node:fs/promises';
import { basename, join } from 'node:path';

/** A file or folder name made of the vault's name: what a person recognises in a listing, nothing a shell or Windows trips on. */
function safeName(name: string): string {
  const cleaned = name.normalize('NFC').replace(/[\u0000-\u001f\u007f/\\:*?"<>|]+/g, '-').replace(/^[.\s-]+|[.\s]+$/g, '');
  return cleaned.slice(0, 60) || 'vault';
}

/**
 * Each vault's backups have a folder of their own under the backups folder, named after the vault
 * and a hash of its real path: two vaults called "Notes" keep apart, and retention counts only one
 * vault's backups.
 */
export function vaultBackupFolder(backups: string, realRoot: string): string {
  const id = createHash('sha256').update(realRoot).digest('hex').slice(0, 8);
  return join(backups, `${safeName(basename(realRoot))}-${id}`);
}

/** `Notes-2025-01-31T12-00-00.123Z.tar.gz`: names sort by time, to the millisecond. */
export function backupFileName(realRoot: string, at: Date): string {
  return `${safeName(basename(realRoot))}-${at.toISOString().replace(/:/g, '-')}.tar.gz`;
}

const STAMPED = /-(\d{4}-\d\d-\d\dT\d\d-\d\d-\d\d\.\d{3}Z)\.tar\.gz$/;

/** Whether a file name is one Berth gives this vault's backups. */
export function isBackupOf(realRoot: string, name: string): boolean {
  const prefix = `${safeName(basename(realRoot))}-`;
  return name.startsWith(prefix) && STAMPED.exec(name)?.index === prefix.length - 1;
}

/**
 * Keeps the newest `keep` backups of the vault in `folder` and removes the older ones: only files
 * named as Berth names this vault's backups, so nothing else in the folder is ever touched.
 */
export async function applyRetention(folder: string, realRoot: string, keep: number): Promise<string[]> {
  const ours = (await readdir(folder)).filter((name) => isBackupOf(realRoot, name));
  const byAge = ours.sort((a, b) => (STAMPED.exec(a)![1]! < STAMPED.exec(b)![1]! ? -1 : 1));
  const removed: string[] = [];
  for (const name of byAge.slice(0, Math.max(0, byAge.length - keep))) {
    // Already gone (another run's retention): nothing to report.
    await unlink(join(folder, name)).then(() => removed.push(join(folder, name)), () => undefined);
  }
  return removed;
}
