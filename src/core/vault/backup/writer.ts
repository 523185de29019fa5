import { createHash } from 'node:crypto';
import { once } from 'node:events';
import { close, constants, fstat, open } from 'node:fs';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { promisify } from 'node:util';
import { createGzip } from 'node:zlib';
import { Header } from 'tar/header';
import { Pack } from 'tar/pack';
import { ReadEntry } from 'tar/read-entry';
import type { Minipass } from 'minipass';
import { BerthError } from '../../errors.js';
import { AtomicFile } from './atomicFile.js';
import { DescriptorWriter, readRange } from './fdStreams.js';
import { archiveName, MANIFEST_NAME, type Manifest, type ManifestEntry } from './format.js';
import type { SourceEntry } from './listing.js';

const openFd = promisify(open);
const closeFd = promisify(close);
const fstatFd = promisify(fstat);

/** Large reads: the gzip stream, not the file system, should set the pace. */
const READ_SIZE = 1 << 20;
/** O_NOFOLLOW: a file swapped for a link after the listing is refused, not followed out of the vault. */
const OPEN_FLAGS = constants.O_RDONLY | (constants.O_NOFOLLOW ?? 0) | (constants.O_NONBLOCK ?? 0);

export interface WriteOptions {
  root: string;
  entries: readonly SourceEntry[];
  /** The manifest's header: everything but the entries, which the writer fills in. */
  about: Omit<Manifest, 'entries'>;
  /** The archive to write, atomically. */
  file: string;
  signal: AbortSignal;
  /** The files' bytes stored so far. */
  onBytes(done: number): void;
}

/**
 * Writes the archive with tar's Pack: each entry is handed to it as a ReadEntry whose data Berth
 * reads itself, so that the SHA-256 in the manifest is the hash of exactly the bytes stored, even
 * when a file changes while it is read. Compression runs in Node's zlib thread pool, beside the
 * reading and hashing on the main thread.
 */
export async function writeArchive(options: WriteOptions): Promise<{ manifest: Manifest; archiveBytes: number }> {
  const target = await AtomicFile.create(options.file);
  const pack = new PackFeeder();
  const output = new DescriptorWriter(target.fd);
  // Pack is a Minipass stream, which pipeline() takes as an async iterable.
  const written = pipeline(pack.pack, createGzip(), output);
  // A failed write (a full disk) must not leave a file waiting for a drain that will never come.
  const failed = new Promise<never>((_, reject) => written.catch(reject));
  failed.catch(() => undefined);
  try {
    const records: ManifestEntry[] = [];
    let bytes = 0;
    for (const entry of options.entries) {
      options.signal.throwIfAborted();
      records.push(await addEntry({ pack, root: options.root, signal: options.signal, onBytes: (n) => options.onBytes((bytes += n)), failed }, entry));
    }
    const manifest: Manifest = { ...options.about, entries: records };
    const text = Buffer.from(`${JSON.stringify(manifest, null, 1)}\n`);
    await pack.add(new Header({ path: MANIFEST_NAME, type: 'File', mode: 0o644, size: text.length, mtime: new Date(options.about.createdAt) }), failed).then((entry) => entry.end(text));
    pack.pack.end();
    await written;
    await target.commit();
    return { manifest, archiveBytes: output.bytesWritten };
  } catch (error) {
    // Not the pipeline's promise: Pack, a Minipass stream, may never say it closed.
    const closed = output.closed ? Promise.resolve() : once(output, 'close');
    output.destroy();
    await closed;
    await target.discard();
    if (options.signal.aborted) throw new BerthError('The backup was cancelled; nothing was written under its name.', undefined, 'CANCELLED');
    throw error;
  }
}

/**
 * Hands entries to tar's Pack a few at a time. Pack counts each entry handed over as a job until
 * it has been written, and pipes the next one only while fewer than its `jobs` (4) are counted: a
 * run of folders handed over faster than gzip takes them would leave it waiting forever.
 */
class PackFeeder {
  private static readonly AHEAD = 2;
  private handed: Minipass | undefined;
  private readonly writing: Promise<unknown>[] = [];
  readonly pack = new Pack({ onWriteEntry: (entry) => void (this.handed = entry) });

  /** The entry to write the header's data into, once the pack has room for it. */
  async add(header: Header, failed: Promise<never>): Promise<ReadEntry> {
    while (this.writing.length >= PackFeeder.AHEAD) await Promise.race([this.writing.shift(), failed]);
    const entry = new ReadEntry(header);
    this.pack.add(entry);
    this.writing.push(once(this.handed!, 'end'));
    return entry;
  }
}

/** What adding an entry needs: where it goes, where it comes from, and what stops it. */
interface Adding {
  pack: PackFeeder;
  root: string;
  signal: AbortSignal;
  onBytes(n: number): void;
  /** Rejects when the archive can no longer be written. */
  failed: Promise<never>;
}

async function addEntry(adding: Adding, source: SourceEntry): Promise<ManifestEntry> {
  const { pack, failed } = adding;
  const { path, mode, mtime } = source;
  if (source.type === 'directory') {
    (await pack.add(new Header({ path: archiveName(source), type: 'Directory', mode, mtime: new Date(mtime) }), failed)).end();
    return { type: 'directory', path, mode, mtime };
  }
  if (source.type === 'symlink') {
    (await pack.add(new Header({ path: archiveName(source), type: 'SymbolicLink', linkpath: source.target!, mode: 0o777, mtime: new Date(mtime) }), failed)).end();
    return { type: 'symlink', path, target: source.target!, mtime };
  }
  return addFile(adding, source);
}

/** One file, read once: its descriptor's stat decides the size and mode stored, and what is read is what is hashed. */
async function addFile({ pack, root, signal, onBytes, failed }: Adding, source: SourceEntry): Promise<ManifestEntry> {
  const absolute = join(root, source.path);
  let fd: number;
  try {
    fd = await openFd(absolute, OPEN_FLAGS);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw changed(absolute, 'was deleted');
    if (code === 'ELOOP') throw changed(absolute, 'was replaced by a symbolic link');
    throw new BerthError(`Cannot read ${absolute}: ${code ?? (error as Error).message}.`, 'Fix its permissions, or leave it out with --exclude.', 'VAULT_UNREADABLE');
  }
  try {
    const stats = await fstatFd(fd);
    if (!stats.isFile()) throw changed(absolute, 'is no longer a regular file');
    const mode = stats.mode & 0o777;
    // Not stats.mtime: Node rounds it to the millisecond, which can carry it into the next second.
    const entry = await pack.add(new Header({ path: archiveName(source), type: 'File', mode, size: stats.size, mtime: new Date(Math.floor(stats.mtimeMs)) }), failed);
    const hash = createHash('sha256');
    const read = await readRange(
      fd,
      0,
      stats.size - 1,
      READ_SIZE,
      async (chunk) => {
        hash.update(chunk);
        onBytes(chunk.length);
        if (!entry.write(chunk)) await Promise.race([once(entry, 'drain'), failed]);
      },
      signal,
    );
    // Shorter than its stat said: the archive would be misaligned, so the backup stops here.
    if (read !== stats.size) throw changed(absolute, 'got shorter while it was read');
    entry.end();
    return { type: 'file', path: source.path, size: stats.size, mode, mtime: stats.mtimeMs, sha256: hash.digest('hex') };
  } finally {
    await closeFd(fd);
  }
}

function changed(path: string, what: string): BerthError {
  return new BerthError(`${path} ${what} during the backup.`, 'Something is writing to the vault; run the backup again when it is done. Nothing was written under the backup’s name.', 'VAULT_CHANGED');
}
