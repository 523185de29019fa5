import { readFrontmatter, type FrontmatterProblem } from './frontmatter.js';

/**
 * The link scanner, written by hand: one pass over each line, jumping with indexOf between the few
 * characters that can start something (`[`, `` ` ``, `%`, `<`, `\`). Measured on bench/vault.ts's
 * 10,000 notes (12 MB): this scanner takes 90 ms cold and 28 ms warm, while markdown-it only
 * tokenising the same notes (knowing nothing of wikilinks) takes 419 ms cold and 248 ms warm, more
 * than reading the files. Obsidian's rules are not CommonMark's anyway (wikilinks, `%%` comments).
 */

/** Its strings may be views into the note's text (see `own`). */
export interface ParsedLink {
  /** The destination as written, without the alias: `Note#Heading`, `img%20one.png`. */
  raw: string;
  /** The path part, trimmed, percent-decoded for markdown links; '' links to the same note. */
  path: string;
  /** What follows the first `#` (a heading path `a#b`, or `^block`), decoded; undefined if none. */
  fragment: string | undefined;
  syntax: 'wikilink' | 'markdown';
  /** `![[...]]` or `![...](...)`. */
  embed: boolean;
  /** 1-based line of the link's first character. */
  line: number;
  /** 1-based column, in UTF-16 code units (as VS Code positions count). */
  column: number;
  /** Length of the whole link in the source, on that line. */
  length: number;
}

export interface ParsedNote {
  links: ParsedLink[];
  /** The headings' texts, in order. */
  headings: string[];
  /** Block ids (`^id`), lower-cased, each once. */
  blocks: string[];
  frontmatterProblem: FrontmatterProblem | undefined;
  /** Nothing but whitespace after the frontmatter. */
  empty: boolean;
}

const TAB = 9;
const SPACE = 32;
const BANG = 33;
const QUOTE = 34;
const HASH = 35;
const PERCENT = 37;
const APOSTROPHE = 39;
const OPEN_PAREN = 40;
const CLOSE_PAREN = 41;
const COLON = 58;
const LESS = 60;
const GREATER = 62;
const OPEN = 91;
const BACKSLASH = 92;
const CLOSE = 93;
const CARET = 94;
const BACKTICK = 96;
const TILDE = 126;

/** What can start an inline construct; `!` matters only before `[`, so it is looked at from there. */
const SPECIALS = ['[', '`', '%', '<', '\\'];

interface ReferenceUse {
  label: string;
  embed: boolean;
  line: number;
  column: number;
  length: number;
}

export function parseNote(text: string): ParsedNote {
  return new Scanner(text).run();
}

class Scanner {
  private readonly links: ParsedLink[] = [];
  private readonly headings: string[] = [];
  private readonly blocks: string[] = [];
  /** Made on the first definition: few notes have any. */
  private definitions: Map<string, string> | undefined;
  private readonly references: ReferenceUse[] = [];
  private fence: { char: number; length: number } | undefined;
  /** An open `%%` or `<!--` comment, which may span lines. */
  private comment: '%%' | '<!--' | undefined;
  private line = 1;
  private lineStart = 0;
  private readonly cursors = [-1, -1, -1, -1, -1]; // one per SPECIALS

  constructor(private readonly text: string) {}

  run(): ParsedNote {
    const { text } = this;
    let pos = text.charCodeAt(0) === 0xfeff ? 1 : 0;
    const frontmatter = readFrontmatter(text, pos);
    if (frontmatter) {
      pos = frontmatter.bodyStart;
      this.line = frontmatter.bodyLine;
    }
    const empty = !/\S/.test(pos === 0 ? text : text.slice(pos));
    while (pos < text.length) {
      const newline = text.indexOf('\n', pos);
      const next = newline === -1 ? text.length : newline + 1;
      let end = newline === -1 ? text.length : newline;
      if (end > pos && text.charCodeAt(end - 1) === 13) end--;
      this.lineStart = pos;
      this.scanLine(pos, end);
      pos = next;
      this.line++;
    }
    this.resolveReferences();
    return {
      links: this.links,
      headings: this.headings,
      blocks: this.blocks,
      frontmatterProblem: frontmatter?.problem,
      empty,
    };
  }

  private scanLine(start: number, end: number): void {
    const { text } = this;
    if (this.fence) {
      if (this.closesFence(start, end)) this.fence = undefined;
      return;
    }
    if (!this.comment) {
      let first = start;
      while (first < end && isBlank(text.charCodeAt(first))) first++;
      const c = text.charCodeAt(first);
      if (c === BACKTICK || c === TILDE || c === GREATER) {
        if (this.opensFence(start, end)) return;
      } else if (c === HASH && first - start < 4) {
        this.heading(first, end);
      } else if (c === OPEN && first - start < 4 && this.definition(first, end)) {
        return;
      }
      this.blockId(start, end);
    }
    this.scanInline(start, end);
  }

  /** Fences may sit in a list item or a blockquote, so any indent and `>` markers may precede them. */
  private opensFence(start: number, end: number): boolean {
    const { text } = this;
    let i = start;
    while (i < end && (isBlank(text.charCodeAt(i)) || text.charCodeAt(i) === GREATER)) i++;
    const char = text.charCodeAt(i);
    if (char !== BACKTICK && char !== TILDE) return false;
    let run = i;
    while (run < end && text.charCodeAt(run) === char) run++;
    if (run - i < 3) return false;
    // ```` ```a``` ```` on one line is inline code, not a fence: a backtick fence's info string has no backticks.
    if (char === BACKTICK && text.indexOf('`', run) !== -1 && text.indexOf('`', run) < end) return false;
    this.fence = { char, length: run - i };
    return true;
  }

  private closesFence(start: number, end: number): boolean {
    const { text } = this;
    const fence = this.fence!;
    let i = start;
    while (i < end && (isBlank(text.charCodeAt(i)) || text.charCodeAt(i) === GREATER)) i++;
    let run = i;
    while (run < end && text.charCodeAt(run) === fence.char) run++;
    if (run - i < fence.length) return false;
    while (run < end && isBlank(text.charCodeAt(run))) run++;
    return run === end;
  }

  private heading(first: number, end: number): void {
    const { text } = this;
    let i = first;
    while (i < end && text.charCodeAt(i) === HASH) i++;
    const level = i - first;
    if (level > 6 || (i < end && !isBlank(text.charCodeAt(i)))) return;
    const content = text.slice(i, end);
    // A closing run (`## Title ##`) needs a `#` after the first character; most headings have
    // none, and then the regex (with the slice, 15% of parsing time in a profile) is skipped.
    const title = (content.includes('#', 1) ? content.replace(/\s#+\s*$/, '') : content).trim();
    this.headings.push(own(title));
  }

  /** `[label]: destination "title"`, the target of reference-style links; not a link itself. */
  private definition(first: number, end: number): boolean {
    const { text } = this;
    const close = text.indexOf(']', first + 1);
    if (close === -1 || close >= end || text.charCodeAt(close + 1) !== COLON) return false;
    const label = text.slice(first + 1, close);
    if (label.includes('[') || text.charCodeAt(first + 1) === CARET) return false;
    let i = close + 2;
    while (i < end && isBlank(text.charCodeAt(i))) i++;
    let destination: string;
    if (text.charCodeAt(i) === LESS) {
      const closeAngle = text.indexOf('>', i + 1);
      if (closeAngle === -1 || closeAngle >= end) return false;
      destination = text.slice(i + 1, closeAngle);
    } else {
      let j = i;
      while (j < end && !isBlank(text.charCodeAt(j))) j++;
      destination = text.slice(i, j);
    }
    const key = referenceKey(label);
    if (!destination || !key) return false;
    // The first definition of a label wins (CommonMark).
    this.definitions ??= new Map();
    if (!this.definitions.has(key)) this.definitions.set(key, destination);
    return true;
  }

  /** `text ^block-id` at the end of a line. */
  private blockId(start: number, end: number): void {
    const { text } = this;
    let i = end;
    while (i > start && isBlank(text.charCodeAt(i - 1))) i--;
    const idEnd = i;
    while (i > start && isBlockIdChar(text.charCodeAt(i - 1))) i--;
    if (i === idEnd || i === start || text.charCodeAt(i - 1) !== CARET) return;
    if (i - 1 > start && !isBlank(text.charCodeAt(i - 2))) return;
    // own(): a lower-case slice of 13 or more characters is a view that keeps the whole note alive:
    // with ids like `^block-with-long-id-1`, the heap after a 10,000-note scan was 46.6 MB, not 34.5.
    const id = text.slice(i, idEnd).toLowerCase();
    if (!this.blocks.includes(id)) this.blocks.push(own(id));
  }

  private scanInline(start: number, end: number): void {
    const { text } = this;
    let i = start;
    while (i < end) {
      if (this.comment) {
        const close = text.indexOf(this.comment === '%%' ? '%%' : '-->', i);
        if (close === -1 || close >= end) return;
        i = close + (this.comment === '%%' ? 2 : 3);
        this.comment = undefined;
        continue;
      }
      i = this.nextSpecial(i);
      if (i >= end) return;
      switch (text.charCodeAt(i)) {
        case BACKSLASH:
          i += 2;
          break;
        case BACKTICK:
          i = this.skipCodeSpan(i, end);
          break;
        case PERCENT:
          // An unclosed `%%` hides the rest of the note, as in Obsidian.
          if (text.charCodeAt(i + 1) === PERCENT) {
            this.comment = '%%';
            i += 2;
          } else i++;
          break;
        case LESS:
          // An unclosed `<!--` is plain text.
          if (text.startsWith('<!--', i) && text.indexOf('-->', i + 4) !== -1) {
            this.comment = '<!--';
            i += 4;
          } else i++;
          break;
        default: {
          const embed = i > start && text.charCodeAt(i - 1) === BANG && text.charCodeAt(i - 2) !== BACKSLASH;
          i = this.link(embed ? i - 1 : i, i, end, embed);
        }
      }
    }
  }

  /**
   * The next character at or after `from` that can start something inline. Each kind keeps its own
   * cursor, advanced by indexOf, so prose between them is never looked at character by character:
   * a JavaScript loop over every character alone took half the time Node needs to read the files.
   */
  private nextSpecial(from: number): number {
    const { text, cursors } = this;
    let next = text.length;
    for (let k = 0; k < SPECIALS.length; k++) {
      let at = cursors[k]!;
      if (at < from) {
        at = text.indexOf(SPECIALS[k]!, from);
        if (at === -1) at = text.length;
        cursors[k] = at;
      }
      if (at < next) next = at;
    }
    return next;
  }

  /** Code spans end at a run of as many backticks on the same line; an unmatched run is literal. */
  private skipCodeSpan(start: number, end: number): number {
    const { text } = this;
    let run = start;
    while (run < end && text.charCodeAt(run) === BACKTICK) run++;
    const length = run - start;
    let i = run;
    while (i < end) {
      const next = text.indexOf('`', i);
      if (next === -1 || next >= end) break;
      let close = next;
      while (close < end && text.charCodeAt(close) === BACKTICK) close++;
      if (close - next === length) return close;
      i = close;
    }
    return run;
  }

  /** Returns where scanning continues. `start` is the `!` of an embed, else the `[`. */
  private link(start: number, bracket: number, end: number, embed: boolean): number {
    if (this.text.charCodeAt(bracket + 1) === OPEN) return this.wikilink(start, bracket, end, embed) ?? bracket + 1;
    return this.markdownLink(start, bracket, end, embed);
  }

  private wikilink(start: number, bracket: number, end: number, embed: boolean): number | undefined {
    const { text } = this;
    const close = text.indexOf(']]', bracket + 2);
    if (close === -1 || close >= end) return undefined;
    const inner = text.slice(bracket + 2, close);
    if (inner.includes('[') || inner.includes(']')) return undefined;
    const pipe = inner.indexOf('|');
    // Inside a table the alias pipe is written `\|`.
    const target = pipe === -1 ? inner : inner.slice(0, inner.charCodeAt(pipe - 1) === BACKSLASH ? pipe - 1 : pipe);
    const raw = target.trim();
    const hash = raw.indexOf('#');
    const path = hash === -1 ? raw : raw.slice(0, hash).trim();
    const fragment = hash === -1 ? undefined : raw.slice(hash + 1).trim();
    if (!path && !fragment) return undefined;
    this.links.push(newLink(raw, path, fragment, 'wikilink', embed, this.line, start - this.lineStart + 1, close + 2 - start));
    return close + 2;
  }

  private markdownLink(start: number, bracket: number, end: number, embed: boolean): number {
    const { text } = this;
    let depth = 0;
    let close = bracket;
    for (; close < end; close++) {
      const c = text.charCodeAt(close);
      if (c === BACKSLASH) close++;
      else if (c === OPEN) depth++;
      else if (c === CLOSE && --depth === 0) break;
    }
    if (close >= end) return bracket + 1;
    // `[^1]` is a footnote.
    if (text.charCodeAt(bracket + 1) === CARET) return close + 1;
    const after = text.charCodeAt(close + 1);
    if (after === OPEN_PAREN) {
      const parsed = this.inlineDestination(close + 2, end);
      if (!parsed) return bracket + 1;
      const link = toMarkdownLink(parsed.destination, embed, this.line, start - this.lineStart + 1, parsed.end - start);
      if (link) this.links.push(link);
      return parsed.end;
    }
    const label = text.slice(bracket + 1, close);
    if (after === OPEN) {
      const refClose = text.indexOf(']', close + 2);
      if (refClose !== -1 && refClose < end) {
        const ref = refClose === close + 2 ? label : text.slice(close + 2, refClose);
        this.reference(ref, embed, start, refClose + 1);
        return refClose + 1;
      }
    }
    // A shortcut reference `[label]` only if a definition exists; its text may hold wikilinks, so scan on.
    this.reference(label, embed, start, close + 1);
    return bracket + 1;
  }

  /** `(dest "title")` or `(<dest with spaces> 'title')`, CommonMark style, on one line. */
  private inlineDestination(open: number, end: number): { destination: string; end: number } | undefined {
    const { text } = this;
    let i = open;
    while (i < end && isBlank(text.charCodeAt(i))) i++;
    let destination: string;
    if (text.charCodeAt(i) === LESS) {
      const close = text.indexOf('>', i + 1);
      if (close === -1 || close >= end) return undefined;
      destination = text.slice(i + 1, close);
      if (destination.includes('<')) return undefined;
      i = close + 1;
    } else {
      const from = i;
      let depth = 0;
      for (; i < end; i++) {
        const c = text.charCodeAt(i);
        if (c === BACKSLASH) i++;
        else if (isBlank(c)) break;
        else if (c === OPEN_PAREN) depth++;
        else if (c === CLOSE_PAREN && depth-- === 0) break;
      }
      if (i > end) return undefined;
      destination = text.slice(from, i);
    }
    while (i < end && isBlank(text.charCodeAt(i))) i++;
    const c = text.charCodeAt(i);
    if (c === QUOTE || c === APOSTROPHE || c === OPEN_PAREN) {
      const close = text.indexOf(c === OPEN_PAREN ? ')' : String.fromCharCode(c), i + 1);
      if (close === -1 || close >= end) return undefined;
      i = close + 1;
      while (i < end && isBlank(text.charCodeAt(i))) i++;
    }
    if (text.charCodeAt(i) !== CLOSE_PAREN) return undefined;
    return { destination: unescape(destination), end: i + 1 };
  }

  private reference(label: string, embed: boolean, start: number, end: number): void {
    if (label.trim()) this.references.push({ label, embed, line: this.line, column: start - this.lineStart + 1, length: end - start });
  }

  private resolveReferences(): void {
    const { definitions } = this;
    if (!definitions) return;
    let found = false;
    for (const use of this.references) {
      const destination = definitions.get(referenceKey(use.label));
      const link = destination === undefined ? undefined : toMarkdownLink(destination, use.embed, use.line, use.column, use.length);
      if (!link) continue;
      this.links.push(link);
      found = true;
    }
    if (found) this.links.sort((a, b) => a.line - b.line || a.column - b.column);
  }
}

/** A markdown destination as a link, or undefined for URLs (`https:`, `mailto:`, ...) and empty ones. */
function toMarkdownLink(destination: string, embed: boolean, line: number, column: number, length: number): ParsedLink | undefined {
  if (/^[a-z][a-z0-9+.-]*:/i.test(destination) || destination.startsWith('//')) return undefined;
  const hash = destination.indexOf('#');
  const path = decode(hash === -1 ? destination : destination.slice(0, hash)).trim();
  const fragment = hash === -1 ? undefined : decode(destination.slice(hash + 1)).trim();
  if (!path && !fragment) return undefined;
  return newLink(destination, path, fragment, 'markdown', embed, line, column, length);
}

// One literal with every field in the same order keeps links one shape for V8 (no spreads).
function newLink(
  raw: string,
  path: string,
  fragment: string | undefined,
  syntax: ParsedLink['syntax'],
  embed: boolean,
  line: number,
  column: number,
  length: number,
): ParsedLink {
  return { raw, path, fragment, syntax, embed, line, column, length };
}

/**
 * A copy of a substring that does not keep the whole note alive: V8 makes substrings of 13
 * characters or more views into their parent, and anything kept in the index would otherwise hold
 * its note's text forever. Links are left as views here; the graph copies what it keeps.
 */
export function own(text: string): string {
  return text.length < 13 ? text : (' ' + text).slice(1);
}

function decode(text: string): string {
  if (!text.includes('%')) return text;
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

function unescape(text: string): string {
  return text.includes('\\') ? text.replace(/\\([!-/:-@[-`{-~])/g, '$1') : text;
}

function referenceKey(label: string): string {
  return label.trim().replace(/\s+/g, ' ').toLowerCase();
}

function isBlank(c: number): boolean {
  return c === SPACE || c === TAB;
}

function isBlockIdChar(c: number): boolean {
  return (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 45;
}
