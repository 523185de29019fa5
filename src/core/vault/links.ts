import { readFrontmatter, type FrontmatterProblem } from './frontmatter.js';

/**
 * The link scanner, written by hand. A full scan parses each note once in a fresh process, so most
 * notes are parsed by code V8 has not optimised yet, and what counts is how many operations a line,
 * a link and a note cost. Lines are found with indexOf('\n'); a line is looked at further only if
 * its first character may begin a fence, a heading or a definition, or if a cursor says it holds a
 * `[`, a `^` or one of the rarer `` ` ``, `%%`, `<!--` and `\`. Each cursor advances by indexOf, so
 * prose is never looked at character by character; a regex only where one call replaces a loop (a
 * block id, a plain markdown link, the frontmatter).
 *
 * Not a CommonMark parser such as markdown-it: merely tokenising takes it longer than reading the
 * files, and Obsidian's rules are not CommonMark's anyway (wikilinks, `%%` comments).
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
const CR = 13;
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

interface ReferenceUse {
  label: string;
  embed: boolean;
  line: number;
  column: number;
  length: number;
}

interface Fence {
  char: number;
  length: number;
}

export function parseNote(text: string): ParsedNote {
  let start = text.charCodeAt(0) === 0xfeff ? 1 : 0;
  let line = 1;
  const frontmatter = readFrontmatter(text, start);
  if (frontmatter) {
    start = frontmatter.bodyStart;
    line = frontmatter.bodyLine;
  }
  const scanner = new Scanner(text);
  scanner.scan(start, line);
  scanner.resolveReferences();
  return {
    links: scanner.links,
    headings: scanner.headings,
    blocks: scanner.blocks,
    frontmatterProblem: frontmatter?.problem,
    empty: isBlankFrom(text, start),
  };
}

const NOT_BLANK = /\S/;
/**
 * The common markdown link, `[text](destination)` with nothing in it that needs a decision (no
 * nested brackets, escapes, blanks, parentheses, angle brackets or title; not a `[^footnote]`).
 */
const PLAIN_INLINE_LINK = /\[(?!\^)[^[\]\\\n]*\]\([^ \t()\\\n<]*\)/y;
/** A markdown destination's characters that need no decision: not blank, no parenthesis, no escape. */
const PLAIN_DESTINATION = /[^ \t()\\\n]*/y;
const BLOCK_ID = /[0-9A-Za-z-]+/y;
const LOWER_BLOCK_ID = /[0-9a-z-]+/y;
/** URLs (`https:`, `mailto:`, ...) and network paths are not links to notes. */
const EXTERNAL = /^(?:[a-z][a-z0-9+.-]*:|\/\/)/i;

/** One note's body, scanned once. */
class Scanner {
  readonly links: ParsedLink[] = [];
  readonly headings: string[] = [];
  readonly blocks: string[] = [];
  /** Made on the first definition: few notes have any. */
  private definitions: Map<string, string> | undefined = undefined;
  private readonly references: ReferenceUse[] = [];
  /** Set by inlineDestination. */
  private destination = '';
  /** Inside a fence, or in a comment that began on an earlier line. */
  private hidden = false;
  private fence: Fence | undefined = undefined;
  /** Where an open `%%` or `<!--` comment ends (after its closing marker), past the text if never. */
  private commentEnd = 0;
  /**
   * The next of each thing that can start something inline (and of `|`, which ends a wikilink's
   * target), at or after where it was last looked for: indexOf jumps over the prose between them.
   * A lone `%` or `<` is plain text, so `%%` and `<!--` are looked for, and the `%20` in a markdown
   * link sends the scan nowhere.
   */
  private nextOpen = -1;
  private nextPipe = -1;
  /** The first of the rarer four below. */
  private nextRare = -1;
  private nextTick = -1;
  private nextPercents = -1;
  private nextHtmlComment = -1;
  private nextBackslash = -1;

  constructor(private readonly text: string) {}

  /** The body, from `pos` on line `line`; most lines need no more than a glance at their first character. */
  scan(pos: number, line: number): void {
    const { text } = this;
    const { length } = text;
    // Most notes have no CR at all, and then no line's end needs a second look.
    const crlf = text.indexOf('\r', pos) !== -1;
    let caret = find(text, '^', pos);
    // Before this position a line holds nothing inline and no block id. -1 inside a fence, where
    // every line may close it.
    let watch = -1;
    while (pos < length) {
      let end = text.indexOf('\n', pos);
      if (end === -1) end = length;
      const next = end + 1;
      const c = text.charCodeAt(pos);
      // Only these can begin a fence, a heading or a definition; most lines begin with a letter or `-`.
      const construct = c < 97 ? c === SPACE || c === HASH || c === OPEN || c === BACKTICK || c === GREATER || c === TAB : c === TILDE;
      if (end < watch && !construct) {
        pos = next;
        line++;
        continue;
      }
      if (crlf && end > pos && text.charCodeAt(end - 1) === CR) end--;
      // Where the line's inline constructs begin; `end` if it holds none.
      let from = pos;
      if (this.hidden) {
        from = this.hiddenLine(pos, end);
        if (from === -1) return;
      } else if (construct) {
        from = this.lineConstruct(pos, end, c);
      }
      if (from === pos && caret < end) {
        if (caret < pos) caret = find(text, '^', pos);
        if (caret < end) {
          // Block ids hold no `^`, so only the line's last one can start one; looking for it finds
          // the next line's first.
          let last = caret;
          for (caret = find(text, '^', caret + 1); caret < end; caret = find(text, '^', caret + 1)) last = caret;
          this.blockId(pos, end, last);
        }
      }
      if (from < end) this.scanInline(pos, from, end, line);
      if (this.hidden) watch = this.fence ? -1 : this.commentEnd;
      else watch = Math.min(caret, this.nextOpen, this.nextRare);
      pos = next;
      line++;
    }
  }

  /**
   * A line inside a fence or a comment: returns where its inline constructs begin (after the
   * comment's end, or its end), or -1 when nothing after it counts (an unclosed `%%` hides the
   * rest of the note, as in Obsidian).
   */
  private hiddenLine(start: number, end: number): number {
    const { fence } = this;
    if (fence) {
      if (closesFence(this.text, start, end, fence)) {
        this.fence = undefined;
        this.hidden = false;
      }
      return end;
    }
    if (this.commentEnd > this.text.length) return -1;
    if (this.commentEnd > end) return end;
    this.hidden = false;
    return this.commentEnd;
  }

  /**
   * A line that may begin a fence, a heading or a definition (its first character is `c`):
   * returns where its inline constructs begin, `end` when it holds none.
   */
  private lineConstruct(start: number, end: number, c: number): number {
    const { text } = this;
    let first = start;
    while ((c === SPACE || c === TAB) && first < end) c = text.charCodeAt(++first);
    if (c === BACKTICK || c === TILDE || c === GREATER) return this.opensFence(start, end) ? end : start;
    if (first - start >= 4) return start;
    if (c === HASH) {
      const title = headingTitle(text, first, end);
      if (title !== undefined) this.headings.push(own(title));
    } else if (c === OPEN && this.definition(first, end)) {
      return end;
    }
    return start;
  }

  /** Fences may sit in a list item or a blockquote, so any indent and `>` markers may precede them. */
  private opensFence(start: number, end: number): boolean {
    const { text } = this;
    const i = fenceStart(text, start, end);
    const char = text.charCodeAt(i);
    if (char !== BACKTICK && char !== TILDE) return false;
    let run = i;
    while (run < end && text.charCodeAt(run) === char) run++;
    if (run - i < 3) return false;
    // ```` ```a``` ```` on one line is inline code, not a fence: a backtick fence's info string has no backticks.
    if (char === BACKTICK && text.indexOf('`', run) !== -1 && text.indexOf('`', run) < end) return false;
    this.fence = { char, length: run - i };
    this.hidden = true;
    return true;
  }

  /** `text ^block-id` at the end of a line, if `caret`, the line's last `^`, begins one. */
  private blockId(start: number, end: number, caret: number): void {
    const id = blockId(this.text, start, end, caret);
    // own(): a lower-case slice of 13 or more characters is a view that keeps the whole note alive.
    if (id === undefined) return;
    if (!this.blocks.includes(id)) this.blocks.push(own(id));
  }

  /** The line's inline constructs, from `i` (its start, or where a comment closed) to `end`. */
  private scanInline(lineStart: number, i: number, end: number, line: number): void {
    const { text } = this;
    let open = this.nextOpen;
    let rare = this.nextRare;
    while (i < end) {
      if (open < i) open = find(text, '[', i);
      if (rare < i) rare = this.findRare(i);
      if (rare < open) {
        if (rare >= end) break;
        i = this.rareConstruct(rare, end);
        continue;
      }
      if (open >= end) break;
      const embed = open > lineStart && text.charCodeAt(open - 1) === BANG && text.charCodeAt(open - 2) !== BACKSLASH;
      const start = embed ? open - 1 : open;
      if (text.charCodeAt(open + 1) !== OPEN) {
        i = this.markdownLink(start, open, end, embed, line, lineStart);
        continue;
      }
      // `[[`: a wikilink if its first `]` begins a `]]` on this line and no `[` comes before. The
      // search for an inner `[` finds the next `[` anyway. indexOf and slice rather than a regex's
      // exec, which is slower in code not yet optimised.
      const close = text.indexOf(']', open + 2);
      const after = find(text, '[', open + 2);
      if (close !== -1 && close < end && after > close && text.charCodeAt(close + 1) === CLOSE) {
        if (this.nextPipe < open) this.nextPipe = find(text, '|', open);
        const pipe = this.nextPipe;
        // Inside a table the alias pipe is written `\|`.
        const targetEnd = pipe > close ? close : text.charCodeAt(pipe - 1) === BACKSLASH ? pipe - 1 : pipe;
        if (addWikilink(this.links, text.slice(open + 2, targetEnd).trim(), embed, line, start - lineStart + 1, close + 2 - start)) {
          i = close + 2;
          open = after;
          continue;
        }
      }
      // Not a wikilink: the second `[` may begin a markdown link.
      i = ++open;
    }
    this.nextOpen = open;
    this.nextRare = rare;
  }

  /** The first `` ` ``, `%%`, `<!--` or `\` at or after `from`, or the text's length. */
  private findRare(from: number): number {
    const { text } = this;
    if (this.nextTick < from) this.nextTick = find(text, '`', from);
    if (this.nextPercents < from) this.nextPercents = find(text, '%%', from);
    if (this.nextHtmlComment < from) this.nextHtmlComment = find(text, '<!--', from);
    if (this.nextBackslash < from) this.nextBackslash = find(text, '\\', from);
    return Math.min(this.nextTick, this.nextPercents, this.nextHtmlComment, this.nextBackslash);
  }

  /** An escape, a code span or a comment at `i`: returns where scanning goes on. */
  private rareConstruct(i: number, end: number): number {
    const { text } = this;
    switch (text.charCodeAt(i)) {
      case BACKSLASH:
        return i + 2;
      case BACKTICK:
        return skipCodeSpan(text, i, end);
      case PERCENT:
        return this.comment(i + 2, '%%', end);
      default:
        // An unclosed `<!--` is plain text.
        return text.indexOf('-->', i + 4) !== -1 ? this.comment(i + 4, '-->', end) : i + 1;
    }
  }

  /**
   * Returns where scanning goes on: after the comment if it closes on this line, else the line's end.
   * A `%%` that never closes hides the rest of the note.
   */
  private comment(from: number, marker: string, end: number): number {
    const close = this.text.indexOf(marker, from);
    const after = close === -1 ? this.text.length + 1 : close + marker.length;
    if (after <= end) return after;
    this.commentEnd = after;
    this.hidden = true;
    return end;
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

  private markdownLink(start: number, bracket: number, end: number, embed: boolean, line: number, lineStart: number): number {
    const { text } = this;
    PLAIN_INLINE_LINK.lastIndex = bracket;
    // test(), not exec(), which would make a match array per link. The label holds no `]`, so the
    // destination begins two after the first one.
    if (PLAIN_INLINE_LINK.test(text)) {
      const linkEnd = PLAIN_INLINE_LINK.lastIndex;
      const destination = text.slice(text.indexOf(']', bracket) + 2, linkEnd - 1);
      addMarkdownLink(this.links, destination, embed, line, start - lineStart + 1, linkEnd - start);
      return linkEnd;
    }
    const close = closingBracket(text, bracket, end);
    if (close >= end) return bracket + 1;
    // `[^1]` is a footnote.
    if (text.charCodeAt(bracket + 1) === CARET) return close + 1;
    const after = text.charCodeAt(close + 1);
    if (after === OPEN_PAREN) {
      const destinationEnd = this.inlineDestination(close + 2, end);
      if (destinationEnd === -1) return bracket + 1;
      addMarkdownLink(this.links, this.destination, embed, line, start - lineStart + 1, destinationEnd - start);
      return destinationEnd;
    }
    const label = text.slice(bracket + 1, close);
    if (after === OPEN) {
      const refClose = text.indexOf(']', close + 2);
      if (refClose !== -1 && refClose < end) {
        const ref = refClose === close + 2 ? label : text.slice(close + 2, refClose);
        this.reference(ref, embed, line, start - lineStart + 1, refClose + 1 - start);
        return refClose + 1;
      }
    }
    // A shortcut reference `[label]` only if a definition exists; its text may hold wikilinks, so scan on.
    this.reference(label, embed, line, start - lineStart + 1, close + 1 - start);
    return bracket + 1;
  }

  /**
   * `(dest "title")` or `(<dest with spaces> 'title')`, CommonMark style, on one line: returns
   * where it ends and sets `destination`, or returns -1.
   */
  private inlineDestination(open: number, end: number): number {
    const { text } = this;
    let i = open;
    while (i < end && isBlank(text.charCodeAt(i))) i++;
    let destination: string;
    if (text.charCodeAt(i) === LESS) {
      const close = text.indexOf('>', i + 1);
      if (close === -1 || close >= end) return -1;
      destination = text.slice(i + 1, close);
      if (destination.includes('<')) return -1;
      i = close + 1;
    } else {
      const from = i;
      let depth = 0;
      while (i < end) {
        PLAIN_DESTINATION.lastIndex = i;
        PLAIN_DESTINATION.test(text);
        i = PLAIN_DESTINATION.lastIndex;
        if (i >= end) break;
        const c = text.charCodeAt(i);
        if (c === BACKSLASH) {
          i += 2;
        } else if (c === OPEN_PAREN) {
          depth++;
          i++;
        } else if (c === CLOSE_PAREN && depth > 0) {
          depth--;
          i++;
        } else {
          break;
        }
      }
      // A destination that runs to the line's end is unclosed.
      if (i >= end) return -1;
      destination = text.slice(from, i);
    }
    while (i < end && isBlank(text.charCodeAt(i))) i++;
    const c = text.charCodeAt(i);
    if (c === QUOTE || c === APOSTROPHE || c === OPEN_PAREN) {
      const close = text.indexOf(c === OPEN_PAREN ? ')' : String.fromCharCode(c), i + 1);
      if (close === -1 || close >= end) return -1;
      i = close + 1;
      while (i < end && isBlank(text.charCodeAt(i))) i++;
    }
    if (text.charCodeAt(i) !== CLOSE_PAREN) return -1;
    this.destination = unescape(destination);
    return i + 1;
  }

  private reference(label: string, embed: boolean, line: number, column: number, length: number): void {
    if (label.trim()) this.references.push({ label, embed, line, column, length });
  }

  resolveReferences(): void {
    const { definitions, links } = this;
    if (!definitions) return;
    let found = false;
    for (const use of this.references) {
      const destination = definitions.get(referenceKey(use.label));
      if (destination !== undefined && addMarkdownLink(links, destination, use.embed, use.line, use.column, use.length)) found = true;
    }
    if (found) links.sort((a, b) => a.line - b.line || a.column - b.column);
  }
}

/** `raw` is the target, trimmed: `Note#Heading`. Returns false, adding nothing, when it names nothing. */
function addWikilink(links: ParsedLink[], raw: string, embed: boolean, line: number, column: number, length: number): boolean {
  const path = linkPath(raw, 'wikilink');
  const fragment = linkFragment(raw, 'wikilink');
  if (!path && !fragment) return false;
  links.push({ raw, path, fragment, syntax: 'wikilink', embed, line, column, length });
  return true;
}

/** A link's path as ParsedLink has it, from its destination as written (`raw`). */
function linkPath(raw: string, syntax: ParsedLink['syntax']): string {
  const hash = raw.indexOf('#');
  if (syntax === 'wikilink') return hash === -1 ? raw : raw.slice(0, hash).trim();
  return decode(hash === -1 ? raw : raw.slice(0, hash)).trim();
}

/** A link's fragment as ParsedLink has it, from its destination as written. */
function linkFragment(raw: string, syntax: ParsedLink['syntax']): string | undefined {
  const hash = raw.indexOf('#');
  if (hash === -1) return undefined;
  return syntax === 'wikilink' ? raw.slice(hash + 1).trim() : decode(raw.slice(hash + 1)).trim();
}

/** Where a fence's run may begin: after any indent and `>` markers. */
function fenceStart(text: string, start: number, end: number): number {
  let i = start;
  while (i < end && (isBlank(text.charCodeAt(i)) || text.charCodeAt(i) === GREATER)) i++;
  return i;
}

function closesFence(text: string, start: number, end: number, fence: Fence): boolean {
  const i = fenceStart(text, start, end);
  let run = i;
  while (run < end && text.charCodeAt(run) === fence.char) run++;
  if (run - i < fence.length) return false;
  while (run < end && isBlank(text.charCodeAt(run))) run++;
  return run === end;
}

/** The title of the heading whose `#` run begins at `first`, or undefined if it is none (`#tag`, 7 `#`s). */
function headingTitle(text: string, first: number, end: number): string | undefined {
  let i = first + 1;
  let c = text.charCodeAt(i);
  // The line's end is no `#`, so this stops there at the latest.
  while (c === HASH) c = text.charCodeAt(++i);
  if (i - first > 6 || (i < end && c !== SPACE && c !== TAB)) return undefined;
  const content = text.slice(i, end);
  // A closing run (`## Title ##`) needs a `#` after the first character; most headings have
  // none, and then the regex is skipped.
  return (content.includes('#', 1) ? content.replace(/\s#+\s*$/, '') : content).trim();
}

/** The id, lower-cased, if the `^` at `caret` begins the block id that ends the line. */
function blockId(text: string, start: number, end: number, caret: number): string | undefined {
  if (caret > start && !isBlank(text.charCodeAt(caret - 1))) return undefined;
  let idEnd = end;
  // The `^` is no blank, so this stops there at the latest.
  while (isBlank(text.charCodeAt(idEnd - 1))) idEnd--;
  // Most ids are lower case already and need no toLowerCase (another string).
  LOWER_BLOCK_ID.lastIndex = caret + 1;
  if (LOWER_BLOCK_ID.test(text) && LOWER_BLOCK_ID.lastIndex === idEnd) return text.slice(caret + 1, idEnd);
  BLOCK_ID.lastIndex = caret + 1;
  if (!BLOCK_ID.test(text) || BLOCK_ID.lastIndex !== idEnd) return undefined;
  return text.slice(caret + 1, idEnd).toLowerCase();
}

/** Code spans end at a run of as many backticks on the same line; an unmatched run is literal. */
function skipCodeSpan(text: string, start: number, end: number): number {
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

function isBlankFrom(text: string, start: number): boolean {
  // Nearly every note's body begins with a printable character: no regex then.
  const c = text.charCodeAt(start);
  if (c > SPACE && c < 127) return false;
  return !NOT_BLANK.test(start === 0 ? text : text.slice(start));
}

/** The `]` that closes the `[` at `bracket` (brackets nest, escapes are skipped), or `end` or more. */
function closingBracket(text: string, bracket: number, end: number): number {
  let depth = 0;
  let close = bracket;
  for (; close < end; close++) {
    const c = text.charCodeAt(close);
    if (c === BACKSLASH) close++;
    else if (c === OPEN) depth++;
    else if (c === CLOSE && --depth === 0) break;
  }
  return close;
}

/** indexOf, with the text's length for "none", so that it compares as "later than anything". */
function find(text: string, char: string, from: number): number {
  const at = text.indexOf(char, from);
  return at === -1 ? text.length : at;
}

/** Adds a markdown destination as a link; returns false, adding nothing, for URLs (`https:`, `mailto:`, ...) and empty ones. */
function addMarkdownLink(links: ParsedLink[], destination: string, embed: boolean, line: number, column: number, length: number): boolean {
  // Only a letter (a scheme) or a `/` can begin one: `../note.md` and `#heading` need no regex.
  const c = destination.charCodeAt(0) | 32;
  if (((c >= 97 && c <= 122) || c === 47) && EXTERNAL.test(destination)) return false;
  const path = linkPath(destination, 'markdown');
  const fragment = linkFragment(destination, 'markdown');
  if (!path && !fragment) return false;
  links.push({ raw: destination, path, fragment, syntax: 'markdown', embed, line, column, length });
  return true;
}

/**
 * A copy of a substring that does not keep the whole note alive: V8 makes substrings of 13
 * characters or more views into their parent, and anything kept in the index would otherwise hold
 * its note's text forever. Links are left as views here; the graph copies what it keeps.
 */
export function own(text: string): string {
  if (text.length < 13) return text;
  // Both are flat copies, one string each, and decodeURIComponent of a text without '%' is the
  // faster; other ways of copying (`(' ' + text).slice(1)`) give a view into a flattened copy.
  return text.includes('%') ? (JSON.parse(JSON.stringify(text)) as string) : decodeURIComponent(text);
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
