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
 * A note's headings and block ids as the parser found them. The keys links are compared by are
 * made by `hasFragment` as it reads: nearly every note is checked once, so keeping them would only
 * hold more strings.
 */
export interface FragmentTargets {
  /** The headings' texts, in order. */
  readonly headings: readonly string[];
  /** The block ids, lower-cased. */
  readonly blocks: readonly string[];
}

/**
 * Whether `fragment` names a block (`^id`) or a heading path (`a#b`: heading b after heading a)
 * of the note.
 */
export function hasFragment(note: FragmentTargets, fragment: string, syntax: 'wikilink' | 'markdown'): boolean {
  if (fragment.startsWith('^')) return note.blocks.includes(fragment.slice(1).trim().toLowerCase());
  const { headings } = note;
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
