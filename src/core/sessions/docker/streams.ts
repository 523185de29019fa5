import { PassThrough, type Readable } from 'node:stream';

/**
 * Splits a buffered (non-follow) log or exec answer of a non-TTY container: frames of an 8-byte
 * header (stream 1 = stdout, 2 = stderr; big-endian length) and their payload.
 */
export function demuxBuffer(buffer: Buffer): { stdout: Buffer; stderr: Buffer } {
  const out: Buffer[] = [];
  const err: Buffer[] = [];
  let offset = 0;
  while (offset + 8 <= buffer.length) {
    const kind = buffer[offset];
    const size = buffer.readUInt32BE(offset + 4);
    const payload = buffer.subarray(offset + 8, offset + 8 + size);
    (kind === 2 ? err : out).push(payload);
    offset += 8 + size;
  }
  return { stdout: Buffer.concat(out), stderr: Buffer.concat(err) };
}

export function readableOf(buffer: Buffer): Readable {
  const stream = new PassThrough();
  stream.end(buffer);
  return stream;
}
