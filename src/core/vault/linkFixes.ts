import { posix } from 'node:path';
import { BerthError } from '../errors.js';
import type { IndexedLink } from './graph.js';
import type { VaultIndex } from './index.js';
import type { EditSet, TextEdit } from './edits.js';
import { newNotePath } from './newNote.js';
import { baseName, nameKey } from './resolve.js';
import { closestNoteName } from './suggest.js';

/** The broken link at a 1-based line and column of a note, or why there is none to fix. */
export function brokenLinkAt(index: VaultIndex, note: string, line: number, column: number): IndexedLink {
  const link = index.linksFrom(note).find((candidate) => candidate.line === line && candidate.column === column);
  if (!link) throw new BerthError(`${note} has no link at line ${line}, column ${column}.`, 'Give the line and column where the link starts (as the report lists them).', 'LINK_NOT_FOUND');
  if (link.status !== 'broken') throw new BerthError(`The link "${link.raw}" at ${note}:${line}:${column} is not broken.`, 'Only broken links are fixed.', 'LINK_NOT_FOUND');
  return link;
}

/** How a note is named in a wikilink: its name without .md, or its path where two notes share the name. */
export function wikiName(path: string, notePaths: readonly string[]): string {
  const key = nameKey(baseName(path));
  const shared = notePaths.filter((other) => nameKey(baseName(other)) === key).length > 1;
  return (shared ? path : baseName(path)).replace(/\.md$/i, '');
}

/** A path as a markdown link destination: what would end it or be decoded is percent-encoded. */
export function destination(path: string): string {
  return path
    .split('/')
    .map((segment) => encodeURI(segment).replace(/[()#?]/g, (char) => `%${char.charCodeAt(0).toString(16).toUpperCase()}`))
    .join('/');
}

/**
 * Where the link's path is written on its line (0-based start, end), so that an edit replaces the
 * path and keeps the embed mark, the heading, the alias and the title. Reference links keep their
 * destination on another line, so they have none here.
 */
export function pathSpan(link: IndexedLink, lineText: string): { start: number; end: number } | undefined {
  const linkStart = link.column - 1;
  const written = lineText.slice(linkStart, linkStart + link.length);
  const rawPath = link.raw.split('#')[0]!;
  const opening = link.syntax === 'wikilink' ? written.indexOf('[[') : written.indexOf('](');
  if (opening < 0) return undefined;
  const at = written.indexOf(rawPath, opening + 2);
  if (at < 0) return undefined;
  const leading = rawPath.length - rawPath.trimStart().length;
  const start = linkStart + at + leading;
  return { start, end: start + rawPath.trim().length };
}

/**
 * Points a broken link at the existing note whose name is closest to what it names (a likely typo,
 * never a guess: see closestNoteName), as a wikilink name or as a markdown path relative to the note.
 */
export function planRetarget(index: VaultIndex, link: IndexedLink, text: string): { edits: EditSet; newTarget: string } {
  const notes = index.notePaths();
  const byName = new Map(notes.map((path) => [wikiName(path, notes), path] as const));
  const wanted = link.syntax === 'wikilink' ? link.path : baseName(link.path).replace(/\.md$/i, '');
  const name = closestNoteName(wanted, byName.keys());
  if (!name) throw new BerthError(`No note has a name close to "${link.path}".`, 'Create the note, or edit the link by hand.', 'NO_FIX');
  const lineText = text.split('\n')[link.line - 1] ?? '';
  const span = pathSpan(link, lineText);
  if (!span) throw new BerthError(`The link at ${link.source}:${link.line}:${link.column} keeps its destination elsewhere (a reference link).`, 'Edit its definition by hand.', 'NO_FIX');
  const newTarget = link.syntax === 'wikilink' ? name : posix.relative(posix.dirname(link.source), byName.get(name)!);
  const angled = lineText[span.start - 1] === '<';
  const edit: TextEdit = {
    path: link.source,
    range: { start: { line: link.line - 1, character: span.start }, end: { line: link.line - 1, character: span.end } },
    newText: link.syntax === 'wikilink' || angled ? newTarget : destination(newTarget),
  };
  return { edits: { root: index.root, textEdits: [edit], creates: [] }, newTarget };
}

/** Creates the note a broken link names, where Obsidian would: wikilinks at the vault root, markdown links beside their note. */
export function planCreate(index: VaultIndex, link: IndexedLink): { edits: EditSet; path: string } {
  const path = newNotePath(link.syntax, link.path, link.source);
  if (!path) throw new BerthError(`"${link.path}" does not name a note that could be created in the vault.`, 'Only links to notes (.md, or no extension) inside the vault can be created.', 'NO_FIX');
  if (index.has(path)) throw new BerthError(`${path} exists already.`, 'Rescan the vault: the link should resolve to it.', 'EDIT_CONFLICT');
  return { edits: { root: index.root, textEdits: [], creates: [{ path, content: `# ${posix.basename(path, '.md')}\n\n` }] }, path };
}
