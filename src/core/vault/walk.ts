import { readdirSync, realpathSync, statSync, type Dirent } from 'node:fs';
import { readdir, realpath, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import ignore, { type Ignore } from 'ignore';
import picomatch from 'picomatch';
import { BerthError } from '../errors.js';
import { isInside, NoteReader, UNREADABLE } from './noteReader.js';

/**
 * Decides which paths belong to the vault: no dot-files or dot-folders (`.obsidian`, `.git`,
 * `.trash`), no node_modules, nothing a .gitignore ignores, nothing an `exclude` glob matches.
 * A glob without a slash matches a name at any depth (`Templates`, `*.excalidraw.md`).
 */
export class VaultFilter {
  private readonly excluded: ((path: string) => boolean) | undefined;
  /** .gitignore rules by the folder that holds them ('' for the root). */
  private readonly gitignores = new Map<string, Ignore>();

  /**
   * `keepDotNames` is for backups: `.obsidian` holds the person's settings and `.trash` what they
   * deleted, neither of which a health report reads but both of which a restore must give back.
   */
  constructor(
    exclude: readonly string[],
    private readonly keepDotNames = false,
  ) {
    this.excluded = exclude.length ? picomatch([...exclude], { dot: true, basename: true }) : undefined;
  }

  /** Whether one entry is out, given that its parent folder is in. `name` is the path's last part. */
  skips(path: string, isDirectory: boolean, name = path.slice(path.lastIndexOf('/') + 1)): boolean {
    if ((name.charCodeAt(0) === 46 && !this.keepDotNames) || name === 'node_modules') return true;
    if (this.excluded?.(path)) return true;
    // Most vaults have no .gitignore: no iterator per entry for an empty map.
    if (this.gitignores.size === 0) return false;
    for (const [folder, rules] of this.gitignores) {
      if (folder && !path.startsWith(`${folder}/`)) continue;
      const relative = folder ? path.slice(folder.length + 1) : path;
      if (rules.ignores(isDirectory ? `${relative}/` : relative)) return true;
    }
    return false;
  }

  /** Whether a file belongs to the vault, checking every folder above it too. */
  includes(path: string): boolean {
    const parts = path.split('/');
    for (let i = 1; i < parts.length; i++) {
      if (this.skips(parts.slice(0, i).join('/'), true)) return false;
    }
    return !this.skips(path, false);
  }

  addGitignore(folder: string, text: string): void {
    this.gitignores.set(folder, ignore().add(text));
  }
}

export interface WalkResult {
  /** Vault-relative paths with '/' separators. */
  files: string[];
  /** Folders that could not be listed (with a trailing '/') and .gitignore files that could not be read. */
  unreadable: string[];
}

/** How long the walk may hold the event loop before it yields (see VaultIndex for why synchronous calls). */
const SLICE_MS = 10;

/**
 * Lists the vault's files under `folder` (vault-relative, '' for the whole vault), with readdirSync
 * in slices that yield to the event loop, like the reads (see VaultIndex for why synchronous calls).
 * A subfolder that cannot be listed is reported in `unreadable` rather than failing the scan; the
 * vault folder itself failing is an error. `realRoot` is the vault folder's real path: a symbolic
 * link counts only when it leads to a regular file inside it.
 */
export async function walkVault(root: string, realRoot: string, filter: VaultFilter, folder = '', signal?: AbortSignal): Promise<WalkResult> {
  const files: string[] = [];
  const unreadable: string[] = [];
  const folders = [folder];
  const links: string[] = [];
  let reader: NoteReader | undefined;
  let sliceStart = performance.now();
  for (let dir = folders.pop(); dir !== undefined; dir = folders.pop()) {
    if (performance.now() - sliceStart > SLICE_MS) {
      await new Promise(setImmediate);
      signal?.throwIfAborted();
      sliceStart = performance.now();
    }
    let entries;
    try {
      entries = readdirSync(join(root, dir), { withFileTypes: true });
    } catch (error) {
      if (dir === '') throw error;
      const { code } = error as NodeJS.ErrnoException;
      // Gone since its parent was listed, or replaced by a file: nothing to report.
      if (code !== 'ENOENT' && code !== 'ENOTDIR') unreadable.push(`${dir}/`);
      continue;
    }
    if (entries.some((e) => e.name === '.gitignore' && e.isFile())) {
      const path = dir ? `${dir}/.gitignore` : '.gitignore';
      const text = (reader ??= new NoteReader(realRoot)).read(join(root, path));
      if (text === UNREADABLE) unreadable.push(path);
      else if (text !== undefined) filter.addGitignore(dir, text);
    }
    sortEntries(dir, entries, filter, files, folders, links);
    for (const path of links.splice(0)) if (leadsToVaultFile(join(root, path), realRoot)) files.push(path);
  }
  return { files, unreadable };
}

/**
 * Files one folder's entries as files, folders to walk and symbolic links to look at. Out of the
 * async walk, whose every loop V8 would otherwise compile with all of it: a large compile that
 * finishes long after the walk, while the scan's own code waits for the compiler.
 */
function sortEntries(dir: string, entries: Dirent[], filter: VaultFilter, files: string[], folders: string[], links: string[]): void {
  for (let i = 0; i < entries.length; i++) {
    const entry = entries[i]!;
    const path = dir ? `${dir}/${entry.name}` : entry.name;
    // Symlinked folders are not followed: they can loop or lead out of the vault, and Obsidian warns against them.
    const isDirectory = entry.isDirectory();
    if (filter.skips(path, isDirectory, entry.name)) continue;
    if (isDirectory) folders.push(path);
    else if (entry.isFile()) files.push(path);
    else if (entry.isSymbolicLink()) links.push(path);
  }
}

/** Whether a symbolic link leads to a regular file whose real path is inside the vault's. */
export function leadsToVaultFile(path: string, realRoot: string): boolean {
  try {
    const real = realpathSync.native(path);
    return isInside(real, realRoot) && statSync(real).isFile();
  } catch {
    return false;
  }
}

/**
 * Fails with a one-line error a person can act on when the vault folder is missing or unreadable;
 * else gives its real path, the bound of every read.
 */
export async function checkVaultFolder(root: string): Promise<string> {
  let info;
  try {
    info = await stat(root);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') {
      throw new BerthError(`No folder at ${root}.`, 'Pass the folder that holds your notes, e.g. "berth vault health ~/Notes".', 'VAULT_NOT_FOUND');
    }
    throw new BerthError(`Cannot read ${root}: ${code ?? (error as Error).message}.`, 'Check that you may read this folder.', 'VAULT_UNREADABLE');
  }
  if (!info.isDirectory()) {
    throw new BerthError(`${root} is a file, not a folder.`, 'Pass the folder that holds your notes, not a note.', 'VAULT_NOT_FOUND');
  }
  try {
    await readdir(root);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new BerthError(`Cannot read ${root}: ${code ?? (error as Error).message}.`, 'Check that you may read this folder.', 'VAULT_UNREADABLE');
  }
  return realpath(root);
}
