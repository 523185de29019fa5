import { createHash } from 'node:crypto';
import { createInflateRaw } from 'node:zlib';
import { Parser } from 'tar/parse';
import type { ReadEntry } from 'tar/read-entry';
import { BerthError } from '../../errors.js';
import { MANIFEST_NAME, MAX_MANIFEST_BYTES } from './format.js';
import { readRange } from './fdStreams.js';
import { gzipMember, NotGzipError, TrailerCheck } from './gzipMember.js';

/** An entry as its tar header (with any pax or GNU long-name records applied) describes it. */
export interface ArchiveEntry {
  /** Position in the archive, from 0, the manifest not counted. */
  index: number;
  path: string;
  /** tar's name for the type: File, Directory, SymbolicLink, Link, CharacterDevice, FIFO…; Unsupported for one tar does not know. */
  type: string;
  size: number;
  mode: number;
  mtime: Date | undefined;
  linkpath: string | undefined;
  /** A file's SHA-256, once its data has been read to the end. */
  sha256?: string;
}

export interface ArchiveContents {
  entries: ArchiveEntry[];
  /** The manifest's text, when the archive held exactly one that could be read whole. */
  manifest?: string;
  /** Why the manifest could not be taken, when it could not. */
  manifestProblem?: string;
  /** What stopped the reading before the end, or what the end showed (a CRC that does not match), with where. */
  damage?: { problem: string; near?: string };
}

/** Where an entry's data goes as it is read; what either call throws stops the reading. */
export interface EntrySink {
  data(chunk: Buffer): void;
  end(): void;
}

export interface ReadOptions {
  signal: AbortSignal;
  /**
   * Sees each entry as it begins, before any of its data: it may throw to stop the reading (a
   * refused entry), or return a sink that gets the data too, beside the hashing.
   */
  onEntry?(entry: ArchiveEntry): EntrySink | void;
  /** The compressed bytes read so far, for progress. */
  onBytes?(done: number, total: number): void;
}

const FILE_TYPES = new Set(['File', 'OldFile', 'ContiguousFile']);
/** Thrown into the read loop once the result is settled, to end it quietly. */
const STOP = Symbol('stop');

/**
 * Reads a Berth backup from an open descriptor to its end: every entry with its header fields and,
 * for files, the SHA-256 of its data, and the manifest's text. Damage does not throw: it is
 * reported with the entry it was found in, so that a caller can name the file; what the hooks
 * throw (a refusal, a cancellation) and read errors of the file itself do.
 */
export async function readArchive(fd: number, fileSize: number, what: string, options: ReadOptions): Promise<ArchiveContents> {
  let member;
  try {
    member = await gzipMember(fd, fileSize);
  } catch (error) {
    if (error instanceof NotGzipError) throw new BerthError(`${what} is not a Berth backup: ${error.message}.`, 'Name a .tar.gz file that berth vault backup wrote.', 'BACKUP_DAMAGED');
    throw error;
  }
  const trailer = new TrailerCheck(member);
  const contents: ArchiveContents = { entries: [] };
  let current: string | undefined;
  let last: string | undefined;
  const manifestChunks: Buffer[] = [];
  let manifestBytes = 0;
  let manifests = 0;

  const inflate = createInflateRaw();
  const parser = new Parser({ strict: true });

  return new Promise<ArchiveContents>((resolve, reject) => {
    let settled = false;
    const finish = (error?: unknown) => {
      if (settled) return;
      settled = true;
      options.signal.removeEventListener('abort', onAbort);
      inflate.destroy();
      if (error) return reject(error);
      if (manifests === 1 && manifestBytes <= MAX_MANIFEST_BYTES) contents.manifest = Buffer.concat(manifestChunks).toString('utf8');
      else contents.manifestProblem = manifests === 0 ? 'the archive has no manifest' : manifests > 1 ? 'the archive has more than one manifest' : 'the manifest is too large';
      resolve(contents);
    };
    const damaged = (problem: string) => {
      contents.damage ??= { problem, ...(current ? { near: current } : last ? { near: `after ${last}` } : {}) };
      finish();
    };
    const onAbort = () => finish(new BerthError(`Reading ${what} was cancelled.`, undefined, 'CANCELLED'));
    options.signal.addEventListener('abort', onAbort);

    const onEntry = (entry: ReadEntry) => {
      if (settled) return entry.resume();
      if (entry.path === MANIFEST_NAME) {
        manifests++;
        entry.on('data', (chunk: Buffer) => {
          manifestBytes += chunk.length;
          if (manifestBytes <= MAX_MANIFEST_BYTES) manifestChunks.push(chunk);
        });
        return;
      }
      const info: ArchiveEntry = {
        index: contents.entries.length,
        path: entry.path,
        type: entry.ignore ? 'Unsupported' : entry.type,
        size: entry.size,
        mode: entry.mode ?? 0,
        mtime: entry.mtime,
        linkpath: entry.linkpath,
      };
      contents.entries.push(info);
      current = info.path;
      let sink: EntrySink | void;
      try {
        sink = options.onEntry?.(info);
      } catch (error) {
        entry.resume();
        return finish(error);
      }
      // One listener for the hash and the sink: a second one would miss what the first one's
      // subscription flushed from the entry's buffer.
      const hash = FILE_TYPES.has(info.type) ? createHash('sha256') : undefined;
      entry.on('data', (chunk: Buffer) => {
        if (settled) return;
        hash?.update(chunk);
        try {
          sink?.data(chunk);
        } catch (error) {
          finish(error);
        }
      });
      entry.on('end', () => {
        if (settled) return;
        if (hash) info.sha256 = hash.digest('hex');
        current = undefined;
        last = info.path;
        try {
          sink?.end();
        } catch (error) {
          finish(error);
        }
      });
    };
    parser.on('entry', onEntry);
    // Types tar does not know are skipped by its parser; a reader of backups must still see them.
    parser.on('ignoredEntry', (entry: ReadEntry) => {
      if (entry.meta) return;
      entry.ignore = true;
      onEntry(entry);
    });
    parser.on('error', (error: Error) => damaged(`its tar data is damaged (${error.message.replace(/^TAR_\w+: /, '')})`));
    parser.on('end', () => {
      if (settled) return;
      const consumed = inflate.bytesWritten;
      if (consumed < member.end - member.start + 1) return damaged('there is data after its compressed stream ends');
      const problem = trailer.problem();
      if (problem) {
        current = undefined;
        last = undefined;
        return damaged(problem);
      }
      finish();
    });

    inflate.on('error', (error) => damaged(`its compressed data is damaged (${error.message})`));
    inflate.on('data', (chunk: Buffer) => {
      trailer.add(chunk);
      if (!parser.write(chunk)) {
        inflate.pause();
        parser.once('drain', () => inflate.resume());
      }
    });
    inflate.on('end', () => parser.end());

    let read = 0;
    readRange(fd, member.start, member.end, 1 << 20, async (chunk) => {
      if (settled) throw STOP;
      options.onBytes?.((read += chunk.length), fileSize);
      if (!inflate.write(chunk)) await drained(inflate);
    }).then(
      () => settled || inflate.end(),
      (error: unknown) => {
        if (error !== STOP) finish(new BerthError(`Cannot read ${what}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}.`, 'Check that the file is there and readable.', 'BACKUP_NOT_FOUND'));
      },
    );
  });
}

/** Waits for a stream to drain, or to close (destroyed when the reading stops early). */
function drained(stream: NodeJS.EventEmitter): Promise<void> {
  return new Promise((resume) => {
    const done = () => {
      stream.off('drain', done).off('close', done);
      resume();
    };
    stream.on('drain', done).on('close', done);
  });
}
