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

/**
 * Finds Obsidian's frontmatter: a `---` first line and the next `---` line. Without a closing line
 * there is no frontmatter (Obsidian shows the text as it is). Invalid YAML is reported, never thrown.
 */
export function readFrontmatter(text: string, start: number): Frontmatter | undefined {
  const firstEnd = lineEnd(text, start);
  if (!isDashes(text, start, firstEnd)) return undefined;
  let pos = nextLine(text, firstEnd);
  let line = 2;
  while (pos < text.length) {
    const end = lineEnd(text, pos);
    if (isDashes(text, pos, end)) {
      const yaml = text.slice(nextLine(text, firstEnd), pos);
      return { bodyStart: nextLine(text, end), bodyLine: line + 1, problem: validate(yaml) };
    }
    pos = nextLine(text, end);
    line++;
  }
  return undefined;
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

const KEY_VALUE = /^([A-Za-z_][\w-]*(?: [\w-]+)*):(?:[ \t]+(.*))?$/;
/** A plain scalar that cannot be mistaken for anything else, or a flow list of them. */
const SIMPLE_VALUE = /^(?:[\w./+][\w./+ -]*|\[ *(?:[\w./+][\w./+ -]*(?:, *[\w./+][\w./+ -]*)*)? *\])$/;
const LIST_ITEM = /^( *)- +([\w./+][\w./+ -]*)$/;

/**
 * Recognises, without a YAML parser, the frontmatter most notes carry: unique `key: value` lines
 * with plain values, `[a, b]` lists and `- item` lists. Whatever it accepts, js-yaml accepts as a
 * mapping; anything else goes to js-yaml, which takes about 27 µs per small document in a fresh
 * process (2,000 two-line frontmatters: 55 ms), a cost a vault with properties in every note pays per note.
 */
export function isPlainMapping(yaml: string): boolean {
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

function isDashes(text: string, start: number, end: number): boolean {
  return text.startsWith('---', start) && text.slice(start + 3, end).trim() === '';
}

function lineEnd(text: string, pos: number): number {
  const nl = text.indexOf('\n', pos);
  return nl === -1 ? text.length : nl;
}

function nextLine(text: string, end: number): number {
  return Math.min(end + 1, text.length);
}
