import type { ParsedNote } from './links.js';
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

interface HeadingKeys {
  keys: string[];
  /** Made on the first markdown link that needs them: most links are wikilinks. */
  slugs: string[] | undefined;
}

type Targets = Pick<ParsedNote, 'headings' | 'blocks'>;

const cache = new WeakMap<Targets, HeadingKeys>();

function keysOf(note: Targets): HeadingKeys {
  let keys = cache.get(note);
  if (!keys) {
    keys = { keys: note.headings.map((h) => headingKey(h.text)), slugs: undefined };
    cache.set(note, keys);
  }
  return keys;
}

/**
 * Whether `fragment` names a block (`^id`) or a heading path (`a#b`: heading b after heading a)
 * of the note.
 */
export function hasFragment(note: Targets, fragment: string, syntax: 'wikilink' | 'markdown'): boolean {
  if (fragment.startsWith('^')) return note.blocks.has(fragment.slice(1).trim().toLowerCase());
  const headings = keysOf(note);
  const { keys } = headings;
  const slugs = syntax === 'markdown' ? (headings.slugs ??= note.headings.map((h) => headingSlug(h.text))) : undefined;
  let from = 0;
  for (const part of fragment.includes('#') ? fragment.split('#') : [fragment]) {
    const key = headingKey(part);
    if (!key) continue;
    const slug = slugs && part.trim().toLowerCase();
    let found = -1;
    for (let i = from; i < keys.length; i++) {
      if (keys[i] === key || (slugs !== undefined && slugs[i] === slug)) {
        found = i;
        break;
      }
    }
    if (found === -1) return false;
    from = found + 1;
  }
  return true;
}
