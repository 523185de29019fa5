import { lstatSync } from 'node:fs';
import { isAbsolute, join, posix, relative, resolve, sep } from 'node:path';
import { performance } from 'node:perf_hooks';
import type { Progress } from '../operations.js';
import { VaultGraph, type IndexedLink } from './graph.js';
import { buildReport, type VaultReport } from './health.js';
import { parseNote, type ParsedNote } from './links.js';
import { NoteReader, UNREADABLE } from './noteReader.js';
import { baseName, isNotePath } from './resolve.js';
import { checkVaultFolder, leadsToVaultFile, VaultFilter, walkVault } from './walk.js';

export interface VaultIndexOptions {
  /** Globs of vault paths to leave out (the `berth.vault.exclude` setting), e.g. `Templates/**`. */
  exclude?: readonly string[];
}

export interface ScanOptions {
  signal?: AbortSignal;
  onProgress?: (update: Progress) => void;
}

/**
 * Notes are read synchronously (see NoteReader) in slices of about 10 ms, yielding to the event
 * loop between slices: synchronous reads take a fraction of the time of Node's callback or promise
 * reads, even with many in flight, and slicing keeps the extension host responsive.
 */
const SLICE_MS = 10;
const PROGRESS_EVERY = 1000;

/**
 * The vault's link index. `scan()` reads the whole vault once; after that, `update`, `remove` and
 * `rename` apply one file's change (touching only the links it can affect) and `report()` returns
 * the current health report, rebuilt from maintained facts only when something changed.
 *
 * Paths may be absolute or vault-relative; the index speaks vault-relative paths with '/'.
 * Changes run one at a time, in call order, so a burst of file events cannot interleave.
 * Changing a .gitignore (passed to `update`) rescans, since it can change which files belong.
 *
 * Nothing outside the vault is read, and nothing that could block: only regular files, symbolic
 * links to regular files whose real path is inside the vault's, and real folders (a symlinked
 * folder is never followed, by the scan or by a change).
 */
export class VaultIndex {
  readonly root: string;
  /** The vault folder's real path, known once a scan has checked the folder. */
  private realRoot = '';
  private readonly exclude: readonly string[];
  /** Folders that could not be listed (with a trailing '/'), and .gitignore files that could not be read. */
  private unreadable = new Set<string>();
  private filter: VaultFilter;
  private graph = new VaultGraph();
  private scanned = false;
  private cached: VaultReport | undefined;
  private queue: Promise<unknown> = Promise.resolve();

  constructor(root: string, options: VaultIndexOptions = {}) {
    this.root = resolve(root);
    this.exclude = [...(options.exclude ?? [])];
    this.filter = new VaultFilter(this.exclude);
  }

  /** Reads the whole vault. Throws a BerthError if the folder is missing or unreadable. */
  scan(options: ScanOptions = {}): Promise<VaultReport> {
    return this.enqueue(async () => {
      await this.fullScan(options);
      return this.report();
    });
  }

  /**
   * A file or folder was added or changed. `text` is a note's current content when it differs
   * from the disk (an unsaved editor). A path that no longer exists is removed.
   */
  update(path: string, text?: string): Promise<void> {
    return this.enqueue(async () => {
      const rel = this.relativePath(path);
      if (!rel) return;
      if (!this.scanned || baseName(rel) === '.gitignore') return void (await this.fullScan({}));
      await this.apply(rel, text);
    });
  }

  /** A file or folder was deleted. */
  remove(path: string): Promise<void> {
    return this.enqueue(async () => {
      const rel = this.relativePath(path);
      if (rel) this.forgetUnder(rel);
      this.cached = undefined;
    });
  }

  /** A file or folder was moved; notes keep their parsed content, so nothing is read again. */
  rename(from: string, to: string): Promise<void> {
    return this.enqueue(async () => {
      const source = this.relativePath(from);
      const destination = this.relativePath(to);
      if (!this.scanned) return void (await this.fullScan({}));
      const moves: [string, string | undefined][] = [];
      let movedUnreadable = false;
      if (source) {
        this.forEachUnder(source, (file) => moves.push([file, destination && destination + file.slice(source.length)]));
        this.forEachUnreadableUnder(source, (path) => {
          this.unreadable.delete(path);
          movedUnreadable = true;
        });
      }
      // Only the disk knows whether a folder that could not be listed can be where it went: the
      // destination is walked anew, as for a move the index knew nothing of.
      if (destination && (moves.length === 0 || movedUnreadable)) {
        for (const [oldPath] of moves) this.graph.removeFile(oldPath);
        return void (await this.apply(destination));
      }
      for (const [oldPath, newPath] of moves) {
        const content = this.graph.content(oldPath);
        this.graph.removeFile(oldPath);
        if (newPath) await this.apply(newPath, undefined, content);
      }
      this.cached = undefined;
    });
  }

  report(): VaultReport {
    return (this.cached ??= buildReport(this.root, this.graph, this.unreadable));
  }

  /** The links written in a note, with what each resolves to (for diagnostics). */
  linksFrom(path: string): readonly IndexedLink[] {
    const rel = this.relativePath(path);
    return rel ? this.graph.linksFrom(rel) : [];
  }

  /** The links that resolve to a file: its backlinks. */
  linksTo(path: string): IndexedLink[] {
    const rel = this.relativePath(path);
    return rel ? this.graph.linksTo(rel) : [];
  }

  /** How to name each note in a link: its file name without `.md`, or its path where names repeat. */
  noteNames(): string[] {
    return this.graph.noteNames();
  }

  /** Every note's vault-relative path, sorted. */
  notePaths(): string[] {
    return this.graph.paths().filter(isNotePath).sort();
  }

  has(path: string): boolean {
    const rel = this.relativePath(path);
    return rel !== undefined && this.graph.has(rel);
  }

  /** The vault-relative form of a path ('/' separators), or undefined when it lies outside the vault. */
  relativePath(path: string): string | undefined {
    const rel = isAbsolute(path) ? relative(this.root, path).split(sep).join('/') : path.replace(/\\/g, '/');
    const normal = posix.normalize(rel).replace(/\/$/, '');
    if (normal === '.' || normal === '..' || normal.startsWith('../') || posix.isAbsolute(normal)) return undefined;
    return normal;
  }

  absolutePath(rel: string): string {
    return sep === '/' ? `${this.root}/${rel}` : join(this.root, ...rel.split('/'));
  }

  private enqueue<T>(task: () => Promise<T>): Promise<T> {
    const result = this.queue.then(task);
    this.queue = result.catch(() => undefined);
    return result;
  }

  private async fullScan({ signal, onProgress }: ScanOptions): Promise<void> {
    const realRoot = await checkVaultFolder(this.root);
    onProgress?.({ message: 'Listing the vault…' });
    const filter = new VaultFilter(this.exclude);
    const { files, unreadable } = await walkVault(this.root, realRoot, filter, '', signal);
    const notePaths = files.filter(isNotePath);
    const graph = VaultGraph.startBuild(notePaths, files.filter((path) => !isNotePath(path)));
    const reader = new NoteReader(realRoot);
    let reported = 0;
    for (let done = 0; done < notePaths.length; ) {
      done = this.readSlice(graph, reader, notePaths, done);
      if (done === notePaths.length) break;
      if (done - reported >= PROGRESS_EVERY) {
        reported = done;
        onProgress?.({ message: `Reading notes (${done}/${notePaths.length})`, fraction: done / notePaths.length });
      }
      await new Promise(setImmediate);
      signal?.throwIfAborted();
    }
    graph.finishBuild();
    this.graph = graph;
    this.filter = filter;
    this.realRoot = realRoot;
    this.unreadable = new Set(unreadable);
    this.scanned = true;
    this.cached = undefined;
  }

  /**
   * Reads and files notes from `from` on for about SLICE_MS, and returns where it stopped. A sync
   * function of its own: in the async scan, the loop's optimised code was thrown away when it
   * reached a yield, and ran unoptimised until V8 compiled it again.
   */
  private readSlice(graph: VaultGraph, reader: NoteReader, paths: readonly string[], from: number): number {
    const until = performance.now() + SLICE_MS;
    let next = from;
    while (next < paths.length) {
      const path = paths[next]!;
      const text = reader.read(this.absolutePath(path));
      if (text === undefined) graph.removeFile(path);
      else if (text === UNREADABLE) graph.addUnreadableBuiltNote(path);
      else graph.addBuiltNote(path, parseNote(text));
      next++;
      // A note takes a small fraction of a slice: reading the clock every 16 notes is often enough.
      if (next % 16 === 0 && performance.now() > until) break;
    }
    return next;
  }

  /** Brings one path (file or new folder) in line with the disk. */
  private async apply(rel: string, text?: string, content?: ParsedNote): Promise<void> {
    this.cached = undefined;
    if (!this.filter.includes(rel) || this.behindLinkedFolder(rel)) return this.forgetUnder(rel);
    if (content && isNotePath(rel)) return this.graph.setNote(rel, content);
    if (text !== undefined && isNotePath(rel)) return this.graph.setNote(rel, parseNote(text));
    const path = this.absolutePath(rel);
    let info;
    try {
      info = lstatSync(path);
    } catch {
      return this.forgetUnder(rel);
    }
    if (info.isDirectory()) {
      this.forEachUnreadableUnder(rel, (folder) => this.unreadable.delete(folder));
      const { files, unreadable } = await walkVault(this.root, this.realRoot, this.filter, rel);
      for (const path of unreadable) {
        this.unreadable.add(path);
        // A folder that cannot be listed has no files the index can know of, as in a scan.
        if (path.endsWith('/')) this.forEachUnder(path.slice(0, -1), (file) => this.graph.removeFile(file));
      }
      for (const file of files) await this.apply(file);
      return;
    }
    // As in a scan: a link counts only when it leads to a regular file inside the vault, a FIFO,
    // socket or device never (reading one could block).
    if (info.isSymbolicLink() ? !leadsToVaultFile(path, this.realRoot) : !info.isFile()) return this.forgetUnder(rel);
    if (!isNotePath(rel)) return this.graph.addAttachment(rel);
    const read = new NoteReader(this.realRoot).read(path);
    if (read === undefined) this.graph.removeFile(rel);
    else if (read === UNREADABLE) this.graph.setUnreadableNote(rel);
    else this.graph.setNote(rel, parseNote(read));
  }

  /**
   * Whether a folder above `rel` is a symbolic link: a scan does not follow those, so a change
   * behind one (a path through `r -> /`) is no change of the vault. A folder that is missing is
   * not a link (an unsaved note may wait for it).
   */
  private behindLinkedFolder(rel: string): boolean {
    for (let slash = rel.indexOf('/'); slash !== -1; slash = rel.indexOf('/', slash + 1)) {
      try {
        if (!lstatSync(this.absolutePath(rel.slice(0, slash))).isDirectory()) return true;
      } catch {
        return false;
      }
    }
    return false;
  }

  /** Drops the file at `rel`, or everything under the folder `rel`, with what could not be read there. */
  private forgetUnder(rel: string): void {
    this.forEachUnder(rel, (file) => this.graph.removeFile(file));
    this.forEachUnreadableUnder(rel, (path) => this.unreadable.delete(path));
  }

  /** Calls `fn` for each unreadable folder or .gitignore at or under `rel` (`rel/` itself included). */
  private forEachUnreadableUnder(rel: string, fn: (path: string) => void): void {
    const prefix = `${rel}/`;
    for (const path of [...this.unreadable]) if (path === rel || path.startsWith(prefix)) fn(path);
  }

  /** Calls `fn` for the file at `rel`, or for every file under the folder `rel`. */
  private forEachUnder(rel: string, fn: (file: string) => void): void {
    if (this.graph.has(rel)) return fn(rel);
    const prefix = `${rel}/`;
    for (const file of this.graph.paths()) if (file.startsWith(prefix)) fn(file);
  }
}
