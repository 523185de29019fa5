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
  try {
    const [data] = loadAll(yaml);
    if (data === undefined || data === null || (typeof data === 'object' && !Array.isArray(data))) return undefined;
    return { line: 2, message: 'Frontmatter must be properties (key: value lines), not a list or a single value' };
  } catch (error) {
    if (!(error instanceof YAMLException)) throw error;
    return { line: 2 + (error.mark?.line ?? 0), message: `Invalid YAML: ${error.reason ?? error.message}` };
  }
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
