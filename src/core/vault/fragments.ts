import { nameKey } from './resolve.js';

/**
 * Obsidian matches `#heading` ignoring case and the characters it cannot put in a link
 * (`# Q&A: notes` is `[[note#Q&A notes]]`). Markdown links may also use the GitHub-style slug
 * (`#q-a-notes`) that Foam and VS Code write.
 */
export function headingKey(text: string): string {
  // nameKey: NFC and lower case, without calling normalize() on ASCII.
  const key = nameKey(text);
  // Most headings and fragments need neither replace: one test instead of two regex passes.
  if (!REWRITTEN.test(key)) return key.trim();
  return key
    .replace(/[#|^:%[\]\\]/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
}

/** What headingKey changes besides the ends: the characters above, whitespace but a single space. */
const REWRITTEN = /[#|^:%[\]\\]|[^\S ]| {2}/;

function headingSlug(text: string): string {
  return nameKey(text)
    .trim()
    .replace(/[^\p{L}\p{N}\s_-]/gu, '')
    .replace(/\s/g, '-');
}

/**
 * A note's headings and block ids as the index keeps them: one string each, a line per item (they
 * never hold a line break), since arrays of strings were three objects and more per note to copy
 * for the GC. The keys links are compared by are made by `hasFragment` as it reads, not kept: kept,
 * they were 4,000 arrays and 8,000 strings more in the heap after a 10,000-note scan, where nearly
 * every note is checked once.
 */
export interface FragmentTargets {
  /** The headings' texts, one per line. */
  readonly headings: string;
  /** The block ids, lower-cased, one per line. */
  readonly blocks: string;
}

/**
 * Whether `fragment` names a block (`^id`) or a heading path (`a#b`: heading b after heading a)
 * of the note.
 */
export function hasFragment(note: FragmentTargets, fragment: string, syntax: 'wikilink' | 'markdown'): boolean {
  if (fragment.startsWith('^')) return lines(note.blocks).includes(fragment.slice(1).trim().toLowerCase());
  const headings = lines(note.headings);
  let from = 0;
  for (const part of fragment.includes('#') ? fragment.split('#') : [fragment]) {
    const key = headingKey(part);
    if (!key) continue;
    const slug = syntax === 'markdown' ? part.trim().toLowerCase() : undefined;
    let found = -1;
    for (let i = from; i < headings.length; i++) {
      const heading = headings[i]!;
      if (headingKey(heading) === key || (slug !== undefined && headingSlug(heading) === slug)) {
        found = i;
        break;
      }
    }
    if (found === -1) return false;
    from = found + 1;
  }
  return true;
}

/** The items, one per line, as `FragmentTargets` keeps them. */
export function joinLines(items: readonly string[]): string {
  return items.join('\n');
}

export function lines(joined: string): string[] {
  return joined === '' ? [] : joined.split('\n');
}
