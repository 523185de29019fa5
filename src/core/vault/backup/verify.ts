import { close, fstat, open } from 'node:fs';
import { promisify } from 'node:util';
import { BerthError } from '../../errors.js';
import { checkContents, describeProblems } from './check.js';
import type { Manifest } from './format.js';
import { readArchive, type ArchiveContents, type ReadOptions } from './reader.js';

const openFd = promisify(open);
const closeFd = promisify(close);
const fstatFd = promisify(fstat);

/** An archive opened for reading: one descriptor for every pass, so a file renamed over it meanwhile is not read. */
export interface OpenArchive {
  fd: number;
  size: number;
  close(): Promise<void>;
}

export async function openArchive(file: string): Promise<OpenArchive> {
  let fd: number;
  try {
    fd = await openFd(file, 'r');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new BerthError(`No backup at ${file}.`, 'Name a .tar.gz file that berth vault backup wrote; it prints where each one goes.', 'BACKUP_NOT_FOUND');
    throw new BerthError(`Cannot read ${file}: ${code ?? (error as Error).message}.`, 'Check that the file is there and readable.', 'BACKUP_NOT_FOUND');
  }
  const stats = await fstatFd(fd).catch(async (error: unknown) => {
    await closeFd(fd);
    throw error;
  });
  if (!stats.isFile()) {
    await closeFd(fd);
    throw new BerthError(`${file} is not a file.`, 'Name a .tar.gz file that berth vault backup wrote.', 'BACKUP_NOT_FOUND');
  }
  return { fd, size: stats.size, close: () => closeFd(fd) };
}

/**
 * Reads the whole archive and checks it against its manifest: every entry's header and every
 * file's SHA-256. Fails naming the damaged files; gives the manifest and what was read otherwise.
 */
export async function verifyArchive(archive: OpenArchive, file: string, options: ReadOptions): Promise<{ manifest: Manifest; contents: ArchiveContents }> {
  const contents = await readArchive(archive.fd, archive.size, file, options);
  return { manifest: trustedManifest(contents, file), contents };
}

/** The manifest of an archive whose every entry agrees with it; a BACKUP_DAMAGED error naming the files otherwise. */
export function trustedManifest(contents: ArchiveContents, file: string): Manifest {
  const { manifest, problems } = checkContents(contents);
  if (manifest && problems.length === 0) return manifest;
  throw new BerthError(
    `The backup ${file} is damaged: ${describeProblems(problems)}.`,
    'Do not restore from it; use another backup (berth vault backup keeps the last ones), and check the disk it was on.',
    'BACKUP_DAMAGED',
  );
}
