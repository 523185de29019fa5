import { loadAll, YAMLException } from 'js-yaml';

export interface FrontmatterProblem {
  /** 1-based line in the note. */
  line: number;
  message: string;
}

export interface Frontmatter {
  /** Offset where the note's body starts, after the closing `---` line. */
  bodyStart: number;
  /** 1-based line number of the body's first line. */
  bodyLine: number;
  problem?: FrontmatterProblem;
}

const DASH = 45;
/**
 * A `---` line, the YAML's lines, and the next `---` line (whitespace may follow the dashes: what
 * trim() removes, bar the line's end). Lazy, so the first closing line ends it. One regex rather
 * than a loop of lineEnd, startsWith, slice and trim per line, which costs more in a fresh process.
 */
const FRONTMATTER = /---[^\S\n]*\n((?:[^\n]*\n)*?)---[^\S\n]*(?:\n|$)/y;

/**
 * Finds Obsidian's frontmatter: a `---` first line and the next `---` line. Without a closing line
 * there is no frontmatter (Obsidian shows the text as it is). Invalid YAML is reported, never thrown.
 */
export function readFrontmatter(text: string, start: number): Frontmatter | undefined {
  // Most notes have none and fail at their first character.
  if (text.charCodeAt(start) !== DASH) return undefined;
  FRONTMATTER.lastIndex = start;
  const match = FRONTMATTER.exec(text);
  if (!match) return undefined;
  const yaml = match[1]!;
  return { bodyStart: FRONTMATTER.lastIndex, bodyLine: 3 + newlines(yaml), problem: validate(yaml) };
}

/** The YAML's line count: each of its lines ends with a newline. */
function newlines(text: string): number {
  let count = 0;
  for (let at = text.indexOf('\n'); at !== -1; at = text.indexOf('\n', at + 1)) count++;
  return count;
}

function validate(yaml: string): FrontmatterProblem | undefined {
  if (isPlainMapping(yaml)) return undefined;
  try {
    const [data] = loadAll(yaml);
    if (data === undefined || data === null || (typeof data === 'object' && !Array.isArray(data))) return undefined;
    return { line: 2, message: 'Frontmatter must be properties (key: value lines), not a list or a single value' };
  } catch (error) {
    if (!(error instanceof YAMLException)) throw error;
    return { line: 2 + (error.mark?.line ?? 0), message: `Invalid YAML: ${error.reason ?? error.message}` };
  }
}

/** A key as plain mappings write it: `title`, `date-created`, `my key`. */
const KEY = String.raw`[A-Za-z_][\w-]*(?: [\w-]+)*`;
const KEY_VALUE = new RegExp(String.raw`^(${KEY}):(?:[ \t]+(.*))?$`);
/** A plain scalar that cannot be mistaken for anything else, or a flow list of them. */
const SIMPLE_VALUE = /^(?:[\w./+][\w./+ -]*|\[ *(?:[\w./+][\w./+ -]*(?:, *[\w./+][\w./+ -]*)*)? *\])$/;
const LIST_ITEM = /^( *)- +([\w./+][\w./+ -]*)$/;

/** SIMPLE_VALUE's plain scalar without its trailing spaces, so that a line matches one way only. */
const WORD = String.raw`[\w./+](?:[\w./+ -]*[\w./+-])?`;
/**
 * Only `key: value` lines (values as SIMPLE_VALUE takes them, or none) and blank lines. Every line
 * matches one way only: no backtracking across lines when one fails.
 */
const KEY_VALUE_LINES = new RegExp(
  String.raw`^(?:(?:KEY:(?:[ \t]+VALUE)?)?[ \t]*\r?\n)*(?:KEY:(?:[ \t]+VALUE)?)?[ \t]*\r?$`
    .replaceAll('KEY', KEY)
    .replaceAll('VALUE', String.raw`(?:${WORD}|\[ *(?:${WORD}(?:, *${WORD})* *)?\])`),
);
/** A key that comes again, at the start of a later line. */
const REPEATED_KEY = new RegExp(String.raw`(?:^|\n)(${KEY}):[^\n]*\n(?:[^\n]*\n)*?\1:`);
/**
 * Up to this length REPEATED_KEY, which compares each key line with the later ones, stays cheap
 * even at its worst (hundreds of one- and two-letter keys).
 */
const FAST_LIMIT = 1000;

/**
 * Recognises, without a YAML parser, the frontmatter most notes carry: unique `key: value` lines
 * with plain values, `[a, b]` lists and `- item` lists. Whatever it accepts, js-yaml accepts as a
 * mapping; anything else goes to js-yaml, whose cost per small document is large next to the rest
 * of a note's parse, and a vault with properties in every note would pay it per note. Nearly all
 * frontmatter is only `key: value` lines with distinct keys, which two regexes tell without the
 * split and the three regexes per line below.
 */
export function isPlainMapping(yaml: string): boolean {
  if (yaml.length <= FAST_LIMIT && KEY_VALUE_LINES.test(yaml)) return !REPEATED_KEY.test(yaml);
  const keys = new Set<string>();
  let listIndent: string | undefined;
  let afterEmptyKey = false;
  for (const raw of yaml.split('\n')) {
    const line = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
    if (line.trim() === '') continue;
    const item = LIST_ITEM.exec(line);
    if (item) {
      if (!afterEmptyKey && listIndent === undefined) return false;
      if (listIndent !== undefined && item[1] !== listIndent) return false;
      listIndent = item[1];
      afterEmptyKey = false;
      continue;
    }
    const pair = KEY_VALUE.exec(line);
    if (!pair || keys.has(pair[1]!)) return false;
    keys.add(pair[1]!);
    const value = pair[2]?.trimEnd() ?? '';
    if (value !== '' && !SIMPLE_VALUE.test(value)) return false;
    afterEmptyKey = value === '';
    listIndent = undefined;
  }
  return true;
}
