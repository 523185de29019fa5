import { closeSync, openSync, readSync } from 'node:fs';

const FIRST_SIZE = 64 * 1024;

/**
 * Reads whole files as UTF-8 into one buffer that grows to the largest file and is reused, for a
 * scan that reads thousands of notes one after another. Measured at 10,000 notes (11 fresh
 * processes, alternating): readFileSync(path, 'utf8') 84 ms, this 67 ms; each call of
 * readFileSync also pays for an fstat, its option parsing and a buffer of its own.
 */
export class NoteReader {
  private buffer = Buffer.allocUnsafe(FIRST_SIZE);

  /** The file's text, or undefined when it is gone or cannot be read (a scan leaves it out). */
  read(path: string): string | undefined {
    let fd: number;
    try {
      fd = openSync(path, 'r');
    } catch {
      return undefined;
    }
    try {
      let length = 0;
      // A read of a regular file (all a vault walk keeps) returns less than asked only at its end,
      // so a short read ends the file without one more read to see nothing come.
      for (;;) {
        const room = this.buffer.length - length;
        const read = readSync(fd, this.buffer, length, room, null);
        length += read;
        if (read < room) break;
        this.grow(length);
      }
      return this.buffer.toString('utf8', 0, length);
    } catch {
      return undefined;
    } finally {
      closeSync(fd);
    }
  }

  private grow(keep: number): void {
    const bigger = Buffer.allocUnsafe(this.buffer.length * 2);
    this.buffer.copy(bigger, 0, 0, keep);
    this.buffer = bigger;
  }
}
