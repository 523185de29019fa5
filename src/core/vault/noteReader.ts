import { closeSync, constants, fstatSync, openSync, readSync, realpathSync } from 'node:fs';
import { sep } from 'node:path';

const FIRST_SIZE = 64 * 1024;

/**
 * O_NONBLOCK: a FIFO or device swapped in after the walk saw a file must not block the open (the
 * descriptor's fstat then turns it away). O_NOFOLLOW: a symbolic link fails to open, so the only
 * links read are those checked to stay inside the vault. Windows has neither; there the walk's
 * and the index's lstat checks stand alone.
 */
const OPEN_FLAGS = constants.O_RDONLY | (constants.O_NONBLOCK ?? 0) | (constants.O_NOFOLLOW ?? 0);

/** What `read` gives for a file that exists but may not be read (permissions, I/O errors). */
export const UNREADABLE: unique symbol = Symbol('unreadable');

/**
 * Reads whole files as UTF-8 into one buffer that grows to the largest file and is reused, for a
 * scan that reads thousands of notes one after another: each call of readFileSync would also pay
 * for its option parsing and a buffer of its own.
 *
 * Only regular files inside the vault are read: never a FIFO, socket or device, and never a file
 * whose real path lies outside `realRoot` (the vault folder's real path).
 */
export class NoteReader {
  private buffer = Buffer.allocUnsafe(FIRST_SIZE);

  constructor(private readonly realRoot: string) {}

  /**
   * The file's text; undefined when it is gone or is no file of the vault (a scan leaves it out);
   * UNREADABLE when it is there but cannot be read.
   */
  read(path: string): string | undefined | typeof UNREADABLE {
    let fd = this.open(path);
    if (fd === 'link') fd = this.openLinked(path);
    if (typeof fd !== 'number') return fd;
    try {
      if (!fstatSync(fd).isFile()) return undefined;
      let length = 0;
      // A read of a regular file returns less than asked only at its end, so a short read ends
      // the file without one more read to see nothing come.
      for (;;) {
        const room = this.buffer.length - length;
        const read = readSync(fd, this.buffer, length, room, null);
        length += read;
        if (read < room) break;
        this.grow(length);
      }
      return this.buffer.toString('utf8', 0, length);
    } catch {
      return UNREADABLE;
    } finally {
      closeSync(fd);
    }
  }

  /** A symbolic link is opened at its real path, and only when that lies inside the vault. */
  private openLinked(path: string): number | undefined | typeof UNREADABLE {
    let real: string;
    try {
      real = realpathSync.native(path);
    } catch (error) {
      return failure(error);
    }
    if (!isInside(real, this.realRoot)) return undefined;
    const fd = this.open(real);
    // Swapped for another link since realpath: left out rather than followed.
    return fd === 'link' ? undefined : fd;
  }

  private open(path: string): number | 'link' | undefined | typeof UNREADABLE {
    try {
      return openSync(path, OPEN_FLAGS);
    } catch (error) {
      const { code } = error as NodeJS.ErrnoException;
      // O_NOFOLLOW on a link: ELOOP on Linux and macOS, EMLINK on FreeBSD.
      if (code === 'ELOOP' || code === 'EMLINK') return 'link';
      return failure(error);
    }
  }

  private grow(keep: number): void {
    const bigger = Buffer.allocUnsafe(this.buffer.length * 2);
    this.buffer.copy(bigger, 0, 0, keep);
    this.buffer = bigger;
  }
}

/** Gone (or a link that loops) is no file; anything else (EACCES, EPERM, EIO) is a file that cannot be read. */
function failure(error: unknown): undefined | typeof UNREADABLE {
  const { code } = error as NodeJS.ErrnoException;
  return code === 'ENOENT' || code === 'ENOTDIR' || code === 'ELOOP' ? undefined : UNREADABLE;
}

/** Whether `real` (a real path) lies inside the folder whose real path is `realRoot`. */
export function isInside(real: string, realRoot: string): boolean {
  return real.startsWith(realRoot.endsWith(sep) ? realRoot : realRoot + sep);
}
