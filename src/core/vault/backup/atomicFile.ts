import { randomBytes } from 'node:crypto';
import { close, fsync, open, rename, unlink } from 'node:fs';
import { promisify } from 'node:util';
import { readdir } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';

const openFd = promisify(open);
const closeFd = promisify(close);
const fsyncFd = promisify(fsync);
const renameFile = promisify(rename);
const unlinkFile = promisify(unlink);

/** `.NAME.PID.RANDOM.partial`: hidden, and saying whose it is, so that a later run can tell an orphan. */
const PARTIAL = /^\.(.+)\.(\d+)\.[0-9a-f]{8}\.partial$/;

/**
 * A file that appears under its final name only once it is whole: it is written under a temporary
 * name in the same folder (a rename across file systems would copy), flushed to the disk, then
 * renamed, and the folder flushed so that the rename itself survives a crash. A process killed
 * before the rename leaves only the temporary file, never a truncated file under the final name.
 */
export class AtomicFile {
  private constructor(
    readonly path: string,
    readonly temporary: string,
    /** The temporary file's descriptor, open for writing until commit or discard. */
    readonly fd: number,
  ) {}

  static async create(path: string): Promise<AtomicFile> {
    const temporary = join(dirname(path), `.${basename(path)}.${process.pid}.${randomBytes(4).toString('hex')}.partial`);
    return new AtomicFile(path, temporary, await openFd(temporary, 'wx', 0o600));
  }

  private closed = false;

  async commit(): Promise<void> {
    await fsyncFd(this.fd);
    await this.close();
    await renameFile(this.temporary, this.path);
    await syncFolder(dirname(this.path));
  }

  /** Removes the temporary file; the final name was never touched. */
  async discard(): Promise<void> {
    await this.close().catch(() => undefined);
    await unlinkFile(this.temporary).catch(() => undefined);
  }

  private async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await closeFd(this.fd);
  }
}

async function syncFolder(folder: string): Promise<void> {
  const fd = await openFd(folder, 'r');
  try {
    await fsyncFd(fd);
  } finally {
    await closeFd(fd);
  }
}

/** Whether a process with this id is alive (a permission error means it is, just not ours). */
function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Removes what killed writers left in `folder` (their processes are gone); a live writer's file stays. */
export async function removeOrphans(folder: string): Promise<string[]> {
  const removed: string[] = [];
  for (const name of await readdir(folder).catch(() => [] as string[])) {
    const match = PARTIAL.exec(name);
    if (!match || alive(Number(match[2]))) continue;
    await unlinkFile(join(folder, name)).then(
      () => removed.push(name),
      () => undefined,
    );
  }
  return removed;
}

export const isPartial = (name: string) => PARTIAL.test(name);
