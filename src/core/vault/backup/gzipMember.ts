import { read } from 'node:fs';
import { promisify } from 'node:util';
import { crc32 } from 'node:zlib';

const readFd = promisify(read);

/** Where the deflate data of a one-member gzip file lies, and what its trailer promises. */
export interface GzipMember {
  /** First byte of the deflate data. */
  start: number;
  /** Last byte of the deflate data (inclusive, as createReadStream takes it). */
  end: number;
  crc32: number;
  /** The uncompressed size modulo 2^32, as gzip records it. */
  size32: number;
}

export class NotGzipError extends Error {}

/** The header's optional parts (RFC 1952, 2.3.1). */
const FHCRC = 2;
const FEXTRA = 4;
const FNAME = 8;
const FCOMMENT = 16;
const HEADER_READ = 64 * 1024;

/**
 * Reads a gzip file's header and trailer. Berth inflates the deflate data itself and checks the
 * trailer's CRC at the end, rather than letting zlib's gunzip do both: gunzip fails on a bad CRC
 * before handing over the last output, which holds the manifest, and without the manifest a
 * damaged archive could not say which file is damaged.
 */
export async function gzipMember(fd: number, fileSize: number): Promise<GzipMember> {
  const head = Buffer.alloc(Math.min(HEADER_READ, fileSize));
  const { bytesRead } = await readFd(fd, head, 0, head.length, 0);
  if (bytesRead < 18 || head[0] !== 0x1f || head[1] !== 0x8b || head[2] !== 8) throw new NotGzipError('it is not a gzip file');
  const flags = head[3]!;
  let at = 10;
  if (flags & FEXTRA) at += 2 + head.readUInt16LE(at);
  for (const flag of [FNAME, FCOMMENT]) {
    if (!(flags & flag)) continue;
    const zero = head.indexOf(0, at);
    if (zero < 0) throw new NotGzipError('its gzip header is damaged');
    at = zero + 1;
  }
  if (flags & FHCRC) at += 2;
  if (at > fileSize - 8) throw new NotGzipError('its gzip header is damaged');
  const trailer = Buffer.alloc(8);
  await readFd(fd, trailer, 0, 8, fileSize - 8);
  return { start: at, end: fileSize - 9, crc32: trailer.readUInt32LE(0), size32: trailer.readUInt32LE(4) };
}

/** Tracks the inflated bytes against the trailer: the CRC and the size gzip recorded. */
export class TrailerCheck {
  private crc = 0;
  private size = 0;

  constructor(private readonly member: GzipMember) {}

  add(chunk: Buffer): void {
    this.crc = crc32(chunk, this.crc);
    this.size += chunk.length;
  }

  /** What is wrong with the whole, or undefined when CRC and size agree. */
  problem(): string | undefined {
    if (this.size % 2 ** 32 !== this.member.size32) return 'its uncompressed size differs from the one gzip recorded';
    if (this.crc >>> 0 !== this.member.crc32) return 'its gzip checksum (CRC-32) does not match its content';
    return undefined;
  }
}
