import { mkdir, realpath, stat } from 'node:fs/promises';
import { basename, dirname, join, relative, sep } from 'node:path';
import { performance } from 'node:perf_hooks';
import type { Progress } from '../../operations.js';
import { stateDir } from '../../sessions/audit.js';
import { BERTH_VERSION } from '../../version.js';
import { checkVaultFolder, VaultFilter } from '../walk.js';
import { isPartial, removeOrphans } from './atomicFile.js';
import { megabytes, type Manifest } from './format.js';
import { listForBackup } from './listing.js';
import { applyRetention, backupFileName, isBackupOf, vaultBackupFolder } from './retention.js';
import { writeArchive } from './writer.js';

export interface BackupRequest {
  root: string;
  /** A file to write, or a folder to write into (with retention); the state folder's backups/ when absent. */
  out?: string;
  exclude: readonly string[];
  keepDotFolders: boolean;
  keep: number;
  /** The vault's score now, from the health code (a live index where the face keeps one). */
  score(): Promise<number>;
  signal: AbortSignal;
  progress(update: Progress): void;
  env?: NodeJS.ProcessEnv;
}

export interface BackupResult {
  file: string;
  manifest: Manifest;
  archiveBytes: number;
  skipped: { path: string; reason: string }[];
  removed: string[];
  seconds: number;
}

/** Where the archive goes, and the folder whose old backups retention prunes (none for an explicit file). */
async function destination(request: BackupRequest, realRoot: string, at: Date): Promise<{ file: string; folder: string; retained: boolean }> {
  const name = backupFileName(realRoot, at);
  if (request.out === undefined) {
    const folder = vaultBackupFolder(join(stateDir(request.env), 'backups'), realRoot);
    return { file: join(folder, name), folder, retained: true };
  }
  const isFolder = request.out.endsWith(sep) || request.out.endsWith('/') || (await stat(request.out).then((s) => s.isDirectory(), () => false));
  if (isFolder) return { file: join(request.out, name), folder: request.out, retained: true };
  return { file: request.out, folder: dirname(request.out), retained: false };
}

/**
 * The backup as a whole: the score, the listing, the archive written atomically, then retention.
 * An output folder inside the vault is left out of the backup, and so are earlier backups lying in
 * the vault itself.
 */
export async function backupVault(request: BackupRequest): Promise<BackupResult> {
  const started = performance.now();
  const realRoot = await checkVaultFolder(request.root);
  const createdAt = new Date();
  const { file, folder, retained } = await destination(request, realRoot, createdAt);
  await mkdir(folder, { recursive: true, mode: 0o700 });
  await removeOrphans(folder);

  request.progress({ message: 'Scoring the vault' });
  const score = await request.score();

  request.progress({ message: 'Listing the vault' });
  const inVault = relative(realRoot, await realpath(folder)).split(sep).join('/');
  const outputName = basename(file);
  const leaveOut = (path: string) => {
    if (inVault === '') return !path.includes('/') && (path === outputName || isPartial(path) || isBackupOf(realRoot, path));
    return !inVault.startsWith('..') && (path === inVault || path.startsWith(`${inVault}/`));
  };
  const listing = await listForBackup(request.root, realRoot, new VaultFilter(request.exclude, request.keepDotFolders), leaveOut, request.signal);

  let lastReport = 0;
  const { manifest, archiveBytes } = await writeArchive({
    root: request.root,
    entries: listing.entries,
    about: {
      format: 'berth-backup',
      formatVersion: 1,
      berthVersion: BERTH_VERSION,
      createdAt: createdAt.toISOString(),
      vault: { name: basename(realRoot), path: realRoot, score },
    },
    file,
    signal: request.signal,
    onBytes: (done) => {
      // A report per chunk would flood a terminal and the extension's progress notification.
      const now = performance.now();
      if (now - lastReport < 100 && done < listing.bytes) return;
      lastReport = now;
      request.progress({ message: `Backing up: ${megabytes(done)} of ${megabytes(listing.bytes)}`, fraction: listing.bytes ? done / listing.bytes : 1 });
    },
  });
  const removed = retained ? await applyRetention(folder, realRoot, request.keep) : [];
  return { file, manifest, archiveBytes, skipped: listing.skipped, removed, seconds: (performance.now() - started) / 1000 };
}
