import { posix } from 'node:path';

/**
 * The comparison key Obsidian effectively uses for names: case-insensitive, and blind to Unicode
 * normalization, because macOS hands out NFD file names while people type NFC.
 */
export function nameKey(name: string): string {
  return name.normalize('NFC').toLowerCase();
}

export function isNotePath(path: string): boolean {
  return /\.md$/i.test(path);
}

export function baseName(path: string): string {
  return path.slice(path.lastIndexOf('/') + 1);
}

export function dirName(path: string): string {
  const slash = path.lastIndexOf('/');
  return slash === -1 ? '' : path.slice(0, slash);
}

/**
 * Every file of the vault by path and by file name, both under `nameKey`, so that resolving a link
 * is a couple of map lookups rather than a scan of the vault (the cost Foam pays, issues #1251/#1375).
 */
export class NameTable {
  private readonly byPath = new Map<string, Set<string>>();
  private readonly byName = new Map<string, Set<string>>();

  add(path: string): void {
    addTo(this.byPath, nameKey(path), path);
    addTo(this.byName, nameKey(baseName(path)), path);
  }

  delete(path: string): void {
    deleteFrom(this.byPath, nameKey(path), path);
    deleteFrom(this.byName, nameKey(baseName(path)), path);
  }

  atPath(key: string): ReadonlySet<string> | undefined {
    return this.byPath.get(key);
  }

  withName(key: string): ReadonlySet<string> | undefined {
    return this.byName.get(key);
  }

  names(): IterableIterator<[string, ReadonlySet<string>]> {
    return this.byName.entries();
  }
}

function addTo(map: Map<string, Set<string>>, key: string, value: string): void {
  const set = map.get(key);
  if (set) set.add(value);
  else map.set(key, new Set([value]));
}

function deleteFrom(map: Map<string, Set<string>>, key: string, value: string): void {
  const set = map.get(key);
  if (!set) return;
  set.delete(value);
  if (set.size === 0) map.delete(key);
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
 * `deps` receives the file-name keys the answer depends on: adding or removing a file with one of
 * those names is the only thing that can change it.
 */
export function resolveLink(table: NameTable, source: string, link: LinkTarget, deps: Set<string>): Resolution {
  if (link.path === '') return { status: 'resolved', target: source };
  const relative = link.syntax === 'markdown' ? !link.path.startsWith('/') : /^\.\.?\//.test(link.path);
  if (relative) {
    const joined = posix.normalize(posix.join(dirName(source), link.path));
    const found = lookupPath(table, joined, deps);
    if (found) return found;
  }
  const absolute = posix.normalize(link.path.replace(/^\/+/, ''));
  const found = lookupPath(table, absolute, deps);
  if (found) return found;
  return lookupName(table, absolute, deps);
}

function lookupPath(table: NameTable, path: string, deps: Set<string>): Resolution | undefined {
  if (path === '.' || path.startsWith('../')) return undefined;
  addDeps(path, deps);
  return answer(table.atPath(nameKey(path))) ?? answer(table.atPath(nameKey(`${path}.md`)));
}

function lookupName(table: NameTable, path: string, deps: Set<string>): Resolution {
  const name = baseName(path);
  if (!name || name === '.' || name === '..') return { status: 'broken' };
  addDeps(path, deps);
  // `[[folder/name]]` that is not a path from the root still matches a file whose path ends with it.
  const suffix = path.includes('/') ? `/${nameKey(path)}` : undefined;
  const matching = (key: string, ext: string) => {
    const paths = table.withName(key);
    if (!paths || !suffix) return paths;
    const tail = suffix + ext;
    return new Set([...paths].filter((p) => nameKey(p).endsWith(tail)));
  };
  return answer(matching(nameKey(name), '')) ?? answer(matching(nameKey(`${name}.md`), '.md')) ?? { status: 'broken' };
}

function addDeps(path: string, deps: Set<string>): void {
  const key = nameKey(baseName(path));
  deps.add(key);
  deps.add(`${key}.md`);
}

function answer(paths: ReadonlySet<string> | undefined): Resolution | undefined {
  if (!paths || paths.size === 0) return undefined;
  if (paths.size === 1) return { status: 'resolved', target: paths.values().next().value as string };
  return { status: 'ambiguous', candidates: [...paths].sort() };
}
