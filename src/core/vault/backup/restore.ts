import { createHash } from 'node:crypto';
import { chmodSync, closeSync, constants, createReadStream, fchmodSync, futimesSync, lstatSync, lutimesSync, mkdirSync, openSync, realpathSync, symlinkSync, unlinkSync, utimesSync, writeSync } from 'node:fs';
import { mkdir, readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { BerthError } from '../../errors.js';
import type { Progress } from '../../operations.js';
import { describeProblems, type Problem } from './check.js';
import type { Manifest, ManifestEntry } from './format.js';
import { readArchive, type ArchiveEntry, type EntrySink } from './reader.js';
import { acceptEntry, checkPlan, Refusal, type Accepted } from './rules.js';
import { trustedManifest, type OpenArchive } from './verify.js';

export interface RestoreOptions {
  archive: OpenArchive;
  file: string;
  /** The target folder; created when missing. */
  to: string;
  /** Restore into a folder that already holds files: the backup's replace those at the same paths, others stay. */
  force: boolean;
  signal: AbortSignal;
  progress(update: Progress): void;
}

/** O_NOFOLLOW and O_EXCL: a file is created where nothing is, never written through a link put there meanwhile. */
const CREATE = constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | (constants.O_NOFOLLOW ?? 0);
/** Folders stay open to their owner until the end, so that a read-only folder can still be filled. */
const FOLDER_WHILE_RESTORING = 0o700;

function refused(file: string, refusal: Refusal): BerthError {
  return new BerthError(
    `Refused to restore ${file}: the entry ${refusal.entry} is unsafe, ${refusal.reason}. Nothing was written.`,
    'This archive was not written by berth vault backup, or was changed since; do not extract it with other tools either.',
    'RESTORE_REFUSED',
  );
}

/** Whether the target exists with files in it; a path that is not a folder is refused. */
async function targetState(to: string): Promise<'missing' | 'empty' | 'full'> {
  let stats;
  try {
    stats = await stat(to);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return 'missing';
    throw error;
  }
  if (!stats.isDirectory()) throw new BerthError(`${to} is a file, not a folder.`, 'Name a folder to restore into (a missing one is created).', 'INPUT_INVALID');
  return (await readdir(to)).length ? 'full' : 'empty';
}

/**
 * Restores a backup in three passes over the one open archive. The first reads it all: every
 * entry's header is judged (rules.ts), then the whole plan against the target, then every hash
 * against the manifest; a refusal or damage ends the restore before anything is written. The
 * second writes, with the same checks, and the entries must be those the first pass saw. The third
 * reads the restored files back against the manifest.
 */
export async function restoreArchive(options: RestoreOptions): Promise<{ manifest: Manifest; to: string }> {
  const { archive, file, force, signal } = options;
  const state = await targetState(options.to);
  if (state === 'full' && !force) {
    throw new BerthError(`${options.to} is not empty.`, 'Restore into a new or empty folder, or pass --force to put the backup’s files over what is there (files at other paths stay).', 'TARGET_NOT_EMPTY');
  }

  // Pass 1: nothing is written.
  const accepted: Accepted[] = [];
  const onBytes = (from: number, span: number, message: string) => (done: number, total: number) => options.progress({ message, fraction: from + (span * done) / total });
  let contents;
  try {
    contents = await readArchive(archive.fd, archive.size, file, {
      signal,
      onEntry: (entry) => void accepted.push(acceptEntry(entry)),
      onBytes: onBytes(0, 0.35, 'Checking the backup'),
    });
    checkPlan(accepted, state === 'missing' ? options.to : realpathSync(options.to), state === 'full');
  } catch (error) {
    throw error instanceof Refusal ? refused(file, error) : error;
  }
  const manifest = trustedManifest(contents, file);

  // Pass 2.
  await mkdir(options.to, { recursive: true });
  const to = realpathSync(options.to);
  const writer = new EntryWriter(to, new Map(manifest.entries.map((record) => [record.path, record])));
  const partial = `${to} holds a partial restore: empty it and restore again`;
  try {
    const second = await readArchive(archive.fd, archive.size, file, {
      signal,
      onEntry: (entry) => {
        const expected = accepted[entry.index];
        if (!expected || !sameEntry(expected.entry, entry)) throw new BerthError(`${file} changed while it was restored (at ${entry.path}).`, `${partial}, from a backup nothing writes to.`, 'RESTORE_FAILED');
        return writer.write(expected, entry);
      },
      onBytes: onBytes(0.35, 0.35, 'Restoring'),
    });
    if (second.damage) throw new BerthError(`${file} changed while it was restored: ${second.damage.problem}.`, `${partial}.`, 'RESTORE_FAILED');
    writer.finishFolders();
  } catch (error) {
    if (error instanceof BerthError) throw error;
    const { code, path } = error as NodeJS.ErrnoException;
    throw new BerthError(`Restoring into ${to} failed${path ? ` at ${path}` : ''}: ${code ?? (error as Error).message}.`, `${partial} once the cause is fixed (space, permissions).`, 'RESTORE_FAILED');
  } finally {
    writer.close();
  }

  // Pass 3.
  options.progress({ message: 'Verifying the restored files', fraction: 0.7 });
  const problems = await checkRestored(to, manifest.entries, signal, (fraction) => options.progress({ message: 'Verifying the restored files', fraction: 0.7 + 0.3 * fraction }));
  if (problems.length) {
    throw new BerthError(`The restore into ${to} does not match the backup: ${describeProblems(problems)}.`, 'Something changed the files while they were restored, or the disk is failing; restore again into an empty folder.', 'RESTORE_FAILED');
  }
  return { manifest, to };
}

const sameEntry = (a: ArchiveEntry, b: ArchiveEntry) => a.path === b.path && a.type === b.type && a.size === b.size && a.mode === b.mode && a.linkpath === b.linkpath;

/**
 * Writes entries as the parser hands them over, synchronously inside its events: one file open at a
 * time, whatever the vault's size, and no entry begun before the one before it is closed.
 */
class EntryWriter {
  private fd: number | undefined;
  private readonly folders: { path: string; mode: number; mtime: number }[] = [];

  constructor(
    private readonly root: string,
    /** The manifest's records by vault path: their times have the file system's fraction of a second, tar's headers whole seconds. */
    private readonly records: ReadonlyMap<string, ManifestEntry>,
  ) {}

  write(item: Accepted, entry: ArchiveEntry): EntrySink | undefined {
    const absolute = join(this.root, item.path);
    // Seconds as a double: utimes keeps the fraction, a Date would cut it to the millisecond.
    const mtime = this.records.get(item.path)!.mtime / 1000;
    this.parents(item.path);
    if (item.kind === 'directory') {
      if (lstatOrUndefined(absolute)?.isDirectory() !== true) mkdirSync(absolute, FOLDER_WHILE_RESTORING);
      else chmodSync(absolute, FOLDER_WHILE_RESTORING | (entry.mode & 0o777));
      this.folders.push({ path: absolute, mode: entry.mode & 0o777, mtime });
      return undefined;
    }
    if (lstatOrUndefined(absolute)) unlinkSync(absolute);
    if (item.kind === 'symlink') {
      symlinkSync(entry.linkpath!, absolute);
      lutimesSync(absolute, mtime, mtime);
      return undefined;
    }
    const fd = (this.fd = openSync(absolute, CREATE, 0o600));
    return {
      data: (chunk) => {
        for (let at = 0; at < chunk.length; ) at += writeSync(fd, chunk, at);
      },
      end: () => {
        fchmodSync(fd, entry.mode & 0o777);
        futimesSync(fd, mtime, mtime);
        this.close();
      },
    };
  }

  /** Folders the archive did not list first are made as plain folders; a link or file in their place is an error (checkPlan refused it). */
  private parents(path: string): void {
    const parts = path.split('/');
    for (let depth = 1; depth < parts.length; depth++) {
      const folder = join(this.root, ...parts.slice(0, depth));
      const stats = lstatOrUndefined(folder);
      if (!stats) mkdirSync(folder, FOLDER_WHILE_RESTORING);
      else if (!stats.isDirectory()) throw new BerthError(`${folder} is no longer a folder.`, 'Something changed the target folder during the restore; empty it and restore again.', 'RESTORE_FAILED');
    }
  }

  /** Modes and times of folders last, deepest first: writing into a folder changes its time, and a read-only one could not be filled. */
  finishFolders(): void {
    for (const folder of this.folders.reverse()) {
      chmodSync(folder.path, folder.mode);
      utimesSync(folder.path, folder.mtime, folder.mtime);
    }
  }

  close(): void {
    if (this.fd === undefined) return;
    closeSync(this.fd);
    this.fd = undefined;
  }
}

function lstatOrUndefined(path: string) {
  try {
    return lstatSync(path);
  } catch {
    return undefined;
  }
}

/** Reads back what was restored: every record's type, size, mode, time, link target and SHA-256. */
async function checkRestored(root: string, records: readonly ManifestEntry[], signal: AbortSignal, onFraction: (fraction: number) => void): Promise<Problem[]> {
  const problems: Problem[] = [];
  const total = records.reduce((sum, record) => sum + (record.type === 'file' ? record.size : 0), 0) || 1;
  let done = 0;
  for (const record of records) {
    signal.throwIfAborted();
    const absolute = join(root, record.path);
    const stats = lstatOrUndefined(absolute);
    const problem = (text: string) => problems.push({ path: record.path, problem: text });
    if (!stats) {
      problem('it was not restored');
      continue;
    }
    // utimes takes a double of seconds and sets microseconds: the time comes back to the microsecond, not the nanosecond.
    if (Math.abs(stats.mtimeMs - record.mtime) > 0.002) problem('its modification time was not restored');
    if (record.type === 'symlink') {
      if (!stats.isSymbolicLink()) problem('it is not a symbolic link');
      continue;
    }
    if ((stats.mode & 0o777) !== record.mode) problem(`its mode is ${(stats.mode & 0o777).toString(8)}, not ${record.mode.toString(8)}`);
    if (record.type === 'directory') {
      if (!stats.isDirectory()) problem('it is not a folder');
      continue;
    }
    if (!stats.isFile() || stats.size !== record.size) {
      problem('its size differs from the backup');
      continue;
    }
    if ((await hashFile(absolute)) !== record.sha256) problem('its content differs from the backup');
    done += record.size;
    onFraction(done / total);
  }
  return problems;
}

async function hashFile(path: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path, { highWaterMark: 1 << 20 })) hash.update(chunk as Buffer);
  return hash.digest('hex');
}
