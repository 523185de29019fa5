import { posix } from 'node:path';
import { fewAdd, fewItems, fewRemove, type Few } from './few.js';

/**
 * The comparison key Obsidian effectively uses for names: case-insensitive, and blind to Unicode
 * normalization, because macOS hands out NFD file names while people type NFC.
 */
export function nameKey(name: string): string {
  // normalize() returns an ASCII string itself at once: no need to test for non-ASCII first.
  return name.normalize('NFC').toLowerCase();
}

/**
 * The key under which links wait for a file: the name key without `.md`, since `[[Note]]` looks for
 * both `Note` and `Note.md`. A file's arrival or departure concerns exactly the links filed under
 * `dependencyKey` of its name.
 */
export function dependencyKey(key: string): string {
  return key.endsWith('.md') ? key.slice(0, -3) : key;
}

/** Whether the path ends with `.md` in any case. */
export function isNotePath(path: string): boolean {
  const n = path.length;
  // `| 32` lower-cases an ASCII letter, and only M and D become m (109) and d (100).
  return n >= 3 && path.charCodeAt(n - 3) === 46 && (path.charCodeAt(n - 2) | 32) === 109 && (path.charCodeAt(n - 1) | 32) === 100;
}

export function baseName(path: string): string {
  return path.slice(path.lastIndexOf('/') + 1);
}

function dirName(path: string): string {
  const slash = path.lastIndexOf('/');
  return slash === -1 ? '' : path.slice(0, slash);
}

/** What the table holds: anything with a vault-relative path and its folder's key (the graph keeps its file nodes). */
export interface Named {
  readonly path: string;
  /** `folderKey(path)`. */
  readonly folderKey: string;
}

/**
 * The key of a path's folder ('' at the root), under which path lookups compare the files of one
 * name: a file's whole key is its folder's and its name's (see `NameEntry`).
 */
export function folderKey(path: string): string {
  return nameKey(dirName(path));
}

/** The key of the entry a file goes in: its name's, without `.md` for a note. */
function entryKey(path: string): string {
  return nameKey(baseName(isNotePath(path) ? path.slice(0, -3) : path));
}

/**
 * Everything filed under one name key without its `.md` (see `dependencyKey`): the files of that
 * name, notes apart, and what waits on the name. `[[Note]]` looks for `note` and `note.md`, as a
 * path and as a name, all in the entry `note`; a path lookup (`[[a/Note]]`) reads the entry of the
 * path's last part and compares its files' folder keys. So a file makes one entry, not one for its
 * name and one for its path, and a lookup needs no `${key}.md` strings: map operations in a large
 * heap are among the costliest steps of building the index.
 */
export class NameEntry<T extends Named, W extends object> {
  /** Files of this name that are not notes (an attachment `img.png`, a file without extension). */
  named: Few<T> = undefined;
  /** Notes of this name with `.md`. */
  namedMd: Few<T> = undefined;
  waiting: Few<W> = undefined;

  constructor(readonly key: string) {}
}

/**
 * Every file of the vault by file name, under `nameKey`, so that resolving a link is a map lookup
 * or two rather than a scan of the vault (the cost Foam pays, issues #1251/#1375).
 */
export class NameTable<T extends Named, W extends object> {
  private readonly entries = new Map<string, NameEntry<T, W>>();

  /** A file comes in; each file once (the graph keeps one node per path). Returns the entry of its name. */
  add(file: T): NameEntry<T, W> {
    const entry = this.entry(entryKey(file.path));
    if (isNotePath(file.path)) entry.namedMd = fewAdd(entry.namedMd, file);
    else entry.named = fewAdd(entry.named, file);
    return entry;
  }

  delete(file: T): void {
    const entry = this.entries.get(entryKey(file.path));
    if (!entry) return;
    if (isNotePath(file.path)) entry.namedMd = fewRemove(entry.namedMd, file);
    else entry.named = fewRemove(entry.named, file);
    this.release(entry);
  }

  /** The entry for a key, made if missing; `release` drops it again once it holds nothing. */
  entry(key: string): NameEntry<T, W> {
    let entry = this.entries.get(key);
    if (!entry) this.entries.set(key, (entry = new NameEntry(key)));
    return entry;
  }

  release(entry: NameEntry<T, W>): void {
    if (!entry.named && !entry.namedMd && !entry.waiting) this.entries.delete(entry.key);
  }

  /** The files whose name key is `key`. */
  withName(key: string): readonly T[] {
    const stem = dependencyKey(key);
    const entry = this.entries.get(stem);
    return fewItems(stem === key ? entry?.named : entry?.namedMd);
  }

  /** The name keys that more than one file has. */
  forEachSharedName(callback: (key: string) => void): void {
    this.entries.forEach((entry) => {
      if (Array.isArray(entry.named)) callback(entry.key);
      if (Array.isArray(entry.namedMd)) callback(`${entry.key}.md`);
    });
  }
}

/** The last part of a key: case and NFC never cross a '/', so a name's key is its path key's tail. */
function tail(key: string): string {
  return key.slice(key.lastIndexOf('/') + 1);
}

/** A link that more than one file could mean. */
export class Ambiguous {
  constructor(readonly candidates: string[]) {}
}

/** What a link resolves to: the file itself, Ambiguous, or undefined when it is broken. */
export type Resolution<T> = T | Ambiguous | undefined;

export interface LinkTarget {
  /** The path part of the link, trimmed (and percent-decoded for markdown links); '' for the same note. */
  path: string;
  syntax: 'wikilink' | 'markdown';
}

/**
 * Resolves a link the way Obsidian does: markdown links (and `./`, `../` wikilinks) relative to the
 * note's folder first, then the path from the vault root, then any file whose name matches, anywhere;
 * `.md` may be left out. A root-level `Note.md` wins `[[Note]]` over `sub/Note.md` (Obsidian's exact
 * path lookup); only when the name lookup finds several files is the link ambiguous.
 *
 * `deps` receives the entries of the names looked up (made if missing, under `dependencyKey`):
 * adding or removing a file with one of those names is the only thing that can change the answer.
 */
export function resolveLink<T extends Named, W extends object>(
  table: NameTable<T, W>,
  source: T,
  path: string,
  syntax: LinkTarget['syntax'],
  deps: Set<NameEntry<T, W>>,
): Resolution<T> {
  if (path === '') return source;
  if (isRelative(path, syntax)) {
    const joined = joinRelative(dirName(source.path), path);
    const found = isPath(joined) ? lookupPath(table, nameKey(joined), deps) : undefined;
    if (found) return found;
  }
  const absolute = isClean(path) ? path : posix.normalize(path.replace(/^\/+/, ''));
  // One key for the whole path; the name's key is its tail (case and NFC never cross a '/').
  const key = nameKey(absolute);
  if (!isPath(absolute)) return lookupName(table, key, deps);
  if (key.includes('/')) return lookupPath(table, key, deps) ?? lookupName(table, key, deps);
  return lookupBare(table, key, deps);
}

/**
 * `lookupPath` then `lookupName` of a key without a folder, most links' kind, whose path and name
 * lookups read the same entries: each is looked up once.
 */
function lookupBare<T extends Named, W extends object>(table: NameTable<T, W>, key: string, deps: Set<NameEntry<T, W>>): Resolution<T> {
  if (!key.endsWith('.md')) {
    const entry = addDep(table, key, deps);
    return (
      answer(inFolder(entry.named, '')) ??
      answer(inFolder(entry.namedMd, '')) ??
      answer(entry.named) ??
      answer(entry.namedMd)
    );
  }
  const stem = key.slice(0, -3);
  const entry = addDep(table, stem, deps);
  const atRoot = inFolder(entry.namedMd, '');
  if (atRoot) return answer(atRoot);
  // `x.md.md` is looked for only once `x.md` is not there (see lookupPath).
  const full = addDep(table, key, deps);
  return answer(inFolder(full.namedMd, '')) ?? answer(entry.namedMd) ?? answer(full.namedMd);
}

/**
 * `posix.join(folder, path)` for a note's folder and a link's relative path, by hand for the usual
 * forms (`x.md`, `./x.md`, `../a/x.md`): posix.join normalizes character by character, and a scan
 * joins one path per relative link group.
 */
export function joinRelative(folder: string, path: string): string {
  let rest = path;
  let base = folder;
  for (;;) {
    if (rest.startsWith('./')) rest = rest.slice(2);
    else if (rest.startsWith('../') && base !== '') {
      rest = rest.slice(3);
      base = dirName(base);
    } else break;
  }
  if (rest === '' || !isClean(rest)) return posix.join(folder, path);
  return base ? `${base}/${rest}` : rest;
}

/**
 * Whether posix.normalize would leave the path as it is: no leading '/', no '//', no '.' or '..'
 * segment. Plain checks, not a regex, which is slower in a fresh process, and most paths have no
 * '/' at all.
 */
function isClean(path: string): boolean {
  if (!path.includes('/')) return path !== '.' && path !== '..';
  return !(
    path.charCodeAt(0) === 47 ||
    path.includes('//') ||
    path.startsWith('./') ||
    path.startsWith('../') ||
    path.includes('/./') ||
    path.includes('/../') ||
    path.endsWith('/.') ||
    path.endsWith('/..')
  );
}

/**
 * The key of a link group: links with equal keys resolve alike while the vault's files stay the
 * same. Syntax and destination as written (`raw`) fix the path and fragment, and with them whether
 * the link is read from the note itself (`[[#h]]`: the note is part of the key), from its folder (a
 * relative link: the folder is), or from the vault root (nothing more).
 */
export function groupKey(source: string, raw: string, path: string, syntax: LinkTarget['syntax']): string {
  const from = path === '' ? source : isRelative(path, syntax) ? dirName(source) : '';
  return JSON.stringify([syntax, from, raw]);
}

function isRelative(path: string, syntax: LinkTarget['syntax']): boolean {
  return syntax === 'markdown' ? !path.startsWith('/') : path.startsWith('./') || path.startsWith('../');
}

function isPath(path: string): boolean {
  return path !== '.' && !path.startsWith('../');
}

/** The files whose whole path key is `key`, then `key` + `.md`. */
function lookupPath<T extends Named, W extends object>(table: NameTable<T, W>, key: string, deps: Set<NameEntry<T, W>>): Resolution<T> {
  const folder = dirName(key);
  if (!key.endsWith('.md')) {
    const entry = addDep(table, tail(key), deps);
    return answer(inFolder(entry.named, folder)) ?? answer(inFolder(entry.namedMd, folder));
  }
  const stem = key.slice(0, -3);
  const found = inFolder(addDep(table, tail(stem), deps).namedMd, folder);
  // `[[x.md]]` also looks for `x.md.md`: waiting on that name only once the first lookup failed
  // spares an entry per markdown link's target (a change to the first answer re-resolves anyway).
  return found ? answer(found) : answer(inFolder(addDep(table, tail(key), deps).namedMd, folder));
}

function lookupName<T extends Named, W extends object>(table: NameTable<T, W>, key: string, deps: Set<NameEntry<T, W>>): Resolution<T> {
  const slash = key.lastIndexOf('/');
  // slice() of the whole string is the string itself, hash and all.
  const name = key.slice(slash + 1);
  if (!name || name === '.' || name === '..') return undefined;
  // `[[folder/name]]` that is not a path from the root still matches a file whose path ends with it.
  const suffix = slash === -1 ? undefined : `/${key}`;
  const stem = dependencyKey(name);
  const entry = addDep(table, stem, deps);
  if (stem === name) return answer(withSuffix(entry, entry.named, suffix)) ?? answer(withSuffix(entry, entry.namedMd, suffix));
  const full = addDep(table, name, deps);
  return answer(withSuffix(entry, entry.namedMd, suffix && suffix.slice(0, -3))) ?? answer(withSuffix(full, full.namedMd, suffix));
}

/**
 * The files of an entry's list in the folder whose key is `folder`: those at the path whose key is
 * `${folder}/${entry.key}`, since every file of an entry has the entry's name.
 */
function inFolder<T extends Named>(files: Few<T>, folder: string): Few<T> {
  if (!Array.isArray(files)) return files && (files as T).folderKey === folder ? files : undefined;
  const found = files.filter((file) => file.folderKey === folder);
  return found.length > 1 ? found : found[0];
}

/** The files of an entry's list whose whole key ends with `suffix` (a '/' and a key). */
function withSuffix<T extends Named, W extends object>(entry: NameEntry<T, W>, files: Few<T>, suffix: string | undefined): Few<T> | readonly T[] {
  if (!files || suffix === undefined) return files;
  return fewItems(files).filter((file) => `${file.folderKey}/${entry.key}`.endsWith(suffix));
}

/** The entry files named `key` (without `.md`, see `dependencyKey`) go in; a file arriving there re-resolves the link. */
function addDep<T extends Named, W extends object>(table: NameTable<T, W>, key: string, deps: Set<NameEntry<T, W>>): NameEntry<T, W> {
  const entry = table.entry(key);
  deps.add(entry);
  return entry;
}

/** The file, or Ambiguous for several; undefined for none (where the caller looks next). */
function answer<T extends Named>(files: Few<T> | readonly T[]): Resolution<T> {
  if (files === undefined) return undefined;
  if (!Array.isArray(files)) return files as T;
  if (files.length === 0) return undefined;
  if (files.length === 1) return files[0]!;
  return new Ambiguous(files.map((file) => file.path).sort());
}
