import { read, write } from 'node:fs';
import { Writable } from 'node:stream';
import { promisify } from 'node:util';

const readFd = promisify(read);

/**
 * Reads bytes `start`..`end` (inclusive) of an open descriptor in chunks of up to `size`, each a
 * buffer of its own (the consumer may keep it), waiting for `onChunk` before the next read. Not
 * fs.ReadStream: destroying one closes its descriptor even with autoClose off, and these
 * descriptors belong to the caller, who reads the same one again.
 */
export async function readRange(fd: number, start: number, end: number, size: number, onChunk: (chunk: Buffer) => void | Promise<void>, signal?: AbortSignal): Promise<number> {
  let position = start;
  while (position <= end) {
    signal?.throwIfAborted();
    const buffer = Buffer.allocUnsafe(Math.min(size, end - position + 1));
    const { bytesRead } = await readFd(fd, buffer, 0, buffer.length, position);
    if (bytesRead === 0) break;
    position += bytesRead;
    await onChunk(bytesRead === buffer.length ? buffer : buffer.subarray(0, bytesRead));
  }
  return position - start;
}

/** A writable stream onto a descriptor the caller keeps: it never closes it, so the caller can fsync first. */
export class DescriptorWriter extends Writable {
  bytesWritten = 0;
  /** The write under way: destroying waits for it, so that the caller's close never races a write onto a reused descriptor. */
  private inFlight: Promise<void> = Promise.resolve();

  constructor(private readonly fd: number) {
    super({ highWaterMark: 1 << 20 });
  }

  override _write(chunk: Buffer, _encoding: BufferEncoding, done: (error?: Error | null) => void): void {
    this.inFlight = new Promise<void>((settle) => {
      const next = (offset: number) => {
        write(this.fd, chunk, offset, chunk.length - offset, null, (error, written) => {
          if (error) {
            settle();
            return done(error);
          }
          this.bytesWritten += written;
          if (offset + written < chunk.length) return next(offset + written);
          settle();
          done();
        });
      };
      next(0);
    });
  }

  override _destroy(error: Error | null, done: (error?: Error | null) => void): void {
    void this.inFlight.then(() => done(error));
  }
}
