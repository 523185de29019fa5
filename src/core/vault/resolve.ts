import { posix } from 'node:path';

/**
 * The comparison key Obsidian effectively uses for names: case-insensitive, and blind to Unicode
 * normalization, because macOS hands out NFD file names while people type NFC.
 */
export function nameKey(name: string): string {
  // normalize() is the costlier half and changes nothing in ASCII, which most names are.
  return (NON_ASCII.test(name) ? name.normalize('NFC') : name).toLowerCase();
}

const NON_ASCII = /[^\x00-\x7f]/;

/**
 * The key under which links wait for a file: the name key without `.md`, since `[[Note]]` looks for
 * both `Note` and `Note.md`. A file's arrival or departure concerns exactly the links filed under
 * `dependencyKey` of its name.
 */
export function dependencyKey(key: string): string {
  return key.endsWith('.md') ? key.slice(0, -3) : key;
}

export function isNotePath(path: string): boolean {
  return /\.md$/i.test(path);
}

export function baseName(path: string): string {
  return path.slice(path.lastIndexOf('/') + 1);
}

function dirName(path: string): string {
  const slash = path.lastIndexOf('/');
  return slash === -1 ? '' : path.slice(0, slash);
}

/**
 * Every file of the vault by path and by file name, both under `nameKey`, so that resolving a link
 * is a couple of map lookups rather than a scan of the vault (the cost Foam pays, issues #1251/#1375).
 * Arrays rather than Sets: nearly every key has one file, and a scan fills tens of thousands of keys.
 */
export class NameTable {
  private readonly byPath = new Map<string, string[]>();
  private readonly byName = new Map<string, string[]>();

  add(path: string): void {
    addTo(this.byPath, nameKey(path), path);
    addTo(this.byName, nameKey(baseName(path)), path);
  }

  delete(path: string): void {
    deleteFrom(this.byPath, nameKey(path), path);
    deleteFrom(this.byName, nameKey(baseName(path)), path);
  }

  atPath(key: string): readonly string[] | undefined {
    return this.byPath.get(key);
  }

  withName(key: string): readonly string[] | undefined {
    return this.byName.get(key);
  }

  /** The name keys that more than one file has. */
  *sharedNames(): IterableIterator<string> {
    for (const [key, paths] of this.byName) if (paths.length > 1) yield key;
  }
}

function addTo(map: Map<string, string[]>, key: string, value: string): void {
  const paths = map.get(key);
  if (!paths) map.set(key, [value]);
  else if (!paths.includes(value)) paths.push(value);
}

function deleteFrom(map: Map<string, string[]>, key: string, value: string): void {
  const paths = map.get(key);
  const at = paths ? paths.indexOf(value) : -1;
  if (at === -1) return;
  if (paths!.length === 1) map.delete(key);
  else paths!.splice(at, 1);
}

export type Resolution =
  | { status: 'resolved'; target: string }
  | { status: 'ambiguous'; candidates: string[] }
  | { status: 'broken' };

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
 * `deps` receives the dependency keys of the names looked up: adding or removing a file with one of
 * those names is the only thing that can change the answer.
 */
export function resolveLink(table: NameTable, source: string, link: LinkTarget, deps: string[]): Resolution {
  if (link.path === '') return { status: 'resolved', target: source };
  if (isRelative(link)) {
    const joined = posix.join(dirName(source), link.path);
    const found = lookupPath(table, joined, nameKey(joined), deps);
    if (found) return found;
  }
  const absolute = UNCLEAN.test(link.path) ? posix.normalize(link.path.replace(/^\/+/, '')) : link.path;
  // One key for the whole path; the name's key is its tail (case and NFC never cross a '/').
  const key = nameKey(absolute);
  return lookupPath(table, absolute, key, deps) ?? lookupName(table, key, deps);
}

/** Paths that posix.normalize would change: a leading '/', '//', '.' or '..' segments. */
const UNCLEAN = /^\/|\/\/|(^|\/)\.\.?(\/|$)/;

/** Links with equal keys resolve alike while the vault's files stay the same: a cache key for bulk builds. */
export function resolutionKey(source: string, link: LinkTarget): string {
  if (link.path === '') return `\0${source}`;
  // No path holds a NUL, so the three forms never collide.
  return isRelative(link) ? `${dirName(source)}\0${link.path}` : link.path;
}

function isRelative(link: LinkTarget): boolean {
  return link.syntax === 'markdown' ? !link.path.startsWith('/') : link.path.startsWith('./') || link.path.startsWith('../');
}

function lookupPath(table: NameTable, path: string, key: string, deps: string[]): Resolution | undefined {
  if (path === '.' || path.startsWith('../')) return undefined;
  addDeps(key, deps);
  return answer(table.atPath(key)) ?? answer(table.atPath(`${key}.md`));
}

function lookupName(table: NameTable, key: string, deps: string[]): Resolution {
  const slash = key.lastIndexOf('/');
  const name = key.slice(slash + 1);
  if (!name || name === '.' || name === '..') return { status: 'broken' };
  addDeps(key, deps);
  // `[[folder/name]]` that is not a path from the root still matches a file whose path ends with it.
  const suffix = slash === -1 ? undefined : `/${key}`;
  return (
    answer(withSuffix(table.withName(name), suffix)) ??
    answer(withSuffix(table.withName(`${name}.md`), suffix && `${suffix}.md`)) ?? { status: 'broken' }
  );
}

function withSuffix(paths: readonly string[] | undefined, suffix: string | undefined): readonly string[] | undefined {
  if (!paths || suffix === undefined) return paths;
  return paths.filter((path) => nameKey(path).endsWith(suffix));
}

function addDeps(pathKey: string, deps: string[]): void {
  const key = pathKey.slice(pathKey.lastIndexOf('/') + 1);
  const dep = dependencyKey(key);
  if (!deps.includes(dep)) deps.push(dep);
  // `[[x.md]]` also looks for a file named `x.md.md`, whose dependency key is `x.md`.
  if (dep !== key && !deps.includes(key)) deps.push(key);
}

function answer(paths: readonly string[] | undefined): Resolution | undefined {
  if (!paths || paths.length === 0) return undefined;
  if (paths.length === 1) return { status: 'resolved', target: paths[0]! };
  return { status: 'ambiguous', candidates: [...paths].sort() };
}
