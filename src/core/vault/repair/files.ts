import { fchmod, write } from 'node:fs';
import { lstat, mkdir, readFile, unlink, utimes } from 'node:fs/promises';
import { dirname } from 'node:path';
import { promisify } from 'node:util';
import { AtomicFile } from '../backup/atomicFile.js';

// AtomicFile hands out a bare descriptor, which node:fs/promises does not take.
const writeFd = promisify(write);
const fchmodFd = promisify(fchmod);

/** A file's bytes, mode and time, or null when there is none. */
export interface FileState {
  bytes: Buffer;
  mode: number;
  mtimeMs: number;
}

export async function readState(path: string): Promise<FileState | null> {
  try {
    const info = await lstat(path);
    // A repair edits regular files only; anything else at a planned path is a change it must not paper over.
    if (!info.isFile()) return { bytes: Buffer.from(`not a regular file (mode ${info.mode.toString(8)})`), mode: info.mode & 0o7777, mtimeMs: info.mtimeMs };
    return { bytes: await readFile(path), mode: info.mode & 0o7777, mtimeMs: info.mtimeMs };
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw error;
  }
}

/**
 * Writes a vault file whole or not at all (a temporary file beside it, flushed, renamed), with the
 * mode it had, so that a repair killed midway never leaves a note cut short.
 */
export async function writeAtomically(path: string, bytes: Uint8Array, mode: number, mtimeMs?: number): Promise<void> {
  const file = await AtomicFile.create(path);
  try {
    for (let done = 0; done < bytes.length; ) done += (await writeFd(file.fd, bytes, done, bytes.length - done)).bytesWritten;
    await fchmodFd(file.fd, mode);
    await file.commit();
  } catch (error) {
    await file.discard();
    throw error;
  }
  if (mtimeMs !== undefined) await utimes(path, new Date(), new Date(mtimeMs));
}

export async function removeFile(path: string): Promise<void> {
  await unlink(path);
}

/** Makes the folders a new file needs, returning those it made (outermost first), which an undo removes again. */
export async function makeFolders(folder: string): Promise<string[]> {
  const missing: string[] = [];
  for (let current = folder; ; current = dirname(current)) {
    const exists = await lstat(current).then(
      () => true,
      () => false,
    );
    if (exists) break;
    missing.unshift(current);
    if (dirname(current) === current) break;
  }
  if (missing.length) await mkdir(folder, { recursive: true });
  return missing;
}
