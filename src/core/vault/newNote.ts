import { posix } from 'node:path';

/** A file extension other than .md marks a link to an attachment (`photo.png`), not to a note (`v1.2 notes`). */
const ATTACHMENT = /\.[a-z0-9]{1,5}$/i;

/**
 * Where the note a broken link names should be created: wikilinks name it from the vault root
 * (Obsidian's default location for new notes), markdown links from the linking note's folder.
 * Undefined for links to other kinds of file, and for paths that would leave the vault.
 */
export function newNotePath(syntax: 'wikilink' | 'markdown', target: string, source: string): string | undefined {
  const trimmed = target.trim();
  if (!trimmed) return undefined;
  const isMarkdown = /\.md$/i.test(trimmed);
  if (!isMarkdown && ATTACHMENT.test(trimmed)) return undefined;
  const file = isMarkdown ? trimmed : `${trimmed}.md`;
  const path = posix.normalize(syntax === 'markdown' ? posix.join(posix.dirname(source), file) : file);
  if (path === '..' || path.startsWith('../') || posix.isAbsolute(path)) return undefined;
  return path;
}
