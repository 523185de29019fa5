import type { HealthFacts, IndexedLink } from './graph.js';
import { scoreVault, thousands, type ScoreLine } from './score.js';

/** A link that needs attention; all paths are vault-relative with '/' separators. */
export interface LinkProblem {
  /** The note the link is in. */
  source: string;
  /** 1-based. */
  line: number;
  /** 1-based, in UTF-16 code units. */
  column: number;
  /** Length of the whole link on its line. */
  length: number;
  /** The destination as written, without the alias. */
  target: string;
  embed: boolean;
}

export interface AmbiguousLink extends LinkProblem {
  /** The files the link could mean. */
  candidates: string[];
}

export interface MissingFragment extends LinkProblem {
  /** The note the link reaches, which lacks the heading or block. */
  note: string;
  /** The heading path or `^block` that is missing. */
  fragment: string;
}

export interface FrontmatterIssue {
  path: string;
  line: number;
  message: string;
}

export interface NameClash {
  /** One of the spellings. */
  name: string;
  paths: string[];
}

export interface VaultReport {
  /** The vault folder, absolute. */
  root: string;
  notes: number;
  attachments: number;
  links: number;
  brokenLinks: LinkProblem[];
  ambiguousLinks: AmbiguousLink[];
  missingFragments: MissingFragment[];
  /** Notes no other note links to. */
  orphans: string[];
  unusedAttachments: string[];
  emptyNotes: string[];
  invalidFrontmatter: FrontmatterIssue[];
  nameClashes: NameClash[];
  score: number;
  breakdown: ScoreLine[];
}

/** Reads the maintained facts into a report: the cost grows with the problems found, not with the vault. */
export function buildReport(root: string, facts: HealthFacts): VaultReport {
  const brokenLinks = sortLinks(facts.broken).map(problem);
  const ambiguousLinks = sortLinks(facts.ambiguous).map((link) => ({ ...problem(link), candidates: [...link.candidates!] }));
  const missingFragments = sortLinks(facts.missingFragments).map((link) => ({
    ...problem(link),
    note: link.target!,
    fragment: link.fragment!,
  }));
  const invalidFrontmatter = [...facts.withFrontmatterProblems].sort().map((path) => ({ path, ...facts.frontmatterProblem(path)! }));
  const nameClashes = facts.clashes().sort((a, b) => compare(a.paths[0]!, b.paths[0]!));
  const orphans = [...facts.orphans].sort();
  const unusedAttachments = [...facts.unusedAttachments].sort();
  const emptyNotes = [...facts.emptyNotes].sort();
  const { score, breakdown } = scoreVault(
    {
      brokenLinks: brokenLinks.length,
      orphans: orphans.length,
      ambiguousLinks: ambiguousLinks.length,
      missingFragments: missingFragments.length,
      invalidFrontmatter: invalidFrontmatter.length,
      emptyNotes: emptyNotes.length,
      unusedAttachments: unusedAttachments.length,
      nameClashes: nameClashes.reduce((n, clash) => n + clash.paths.length, 0),
    },
    {
      links: facts.linkCount,
      notes: facts.noteCount,
      attachments: facts.attachmentCount,
      files: facts.noteCount + facts.attachmentCount,
    },
  );
  return {
    root,
    notes: facts.noteCount,
    attachments: facts.attachmentCount,
    links: facts.linkCount,
    brokenLinks,
    ambiguousLinks,
    missingFragments,
    orphans,
    unusedAttachments,
    emptyNotes,
    invalidFrontmatter,
    nameClashes,
    score,
    breakdown,
  };
}

function problem(link: IndexedLink): LinkProblem {
  return {
    source: link.source,
    line: link.line,
    column: link.column,
    length: link.length,
    target: link.raw,
    embed: link.embed,
  };
}

function sortLinks(links: Iterable<IndexedLink>): IndexedLink[] {
  return [...links].sort((a, b) => compare(a.source, b.source) || a.line - b.line || a.column - b.column);
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

const LIST_LIMIT = 20;

/** The report for people: the score and what cost points, then each problem where it is. */
export function formatVaultReport(report: VaultReport): string {
  const lines = [
    `Vault ${report.root}`,
    `  ${plural(report.notes, 'note')}, ${plural(report.attachments, 'attachment')}, ${plural(report.links, 'link')}`,
    `  Score ${report.score}/100`,
  ];
  for (const line of report.breakdown) {
    if (line.count > 0) lines.push(`    -${line.lost.toFixed(2).padStart(5)}  ${line.explanation}`);
  }
  const at = (p: LinkProblem) => `${p.source}:${p.line}:${p.column}`;
  section(lines, 'Broken links', report.brokenLinks, (p) => `${at(p)}  ${p.target}`);
  section(lines, 'Ambiguous links', report.ambiguousLinks, (p) => `${at(p)}  ${p.target}  could be ${p.candidates.join(', ')}`);
  section(lines, 'Links to missing headings or blocks', report.missingFragments, (p) => `${at(p)}  ${p.target}`);
  section(lines, 'Orphan notes (no other note links to them)', report.orphans, (p) => p);
  section(lines, 'Unused attachments', report.unusedAttachments, (p) => p);
  section(lines, 'Empty notes', report.emptyNotes, (p) => p);
  section(lines, 'Invalid frontmatter', report.invalidFrontmatter, (p) => `${p.path}:${p.line}  ${p.message}`);
  section(lines, 'Names differing only by case or Unicode form', report.nameClashes, (c) => c.paths.join(', '));
  return lines.join('\n');
}

function section<T>(lines: string[], title: string, items: T[], show: (item: T) => string): void {
  if (items.length === 0) return;
  lines.push('', `${title} (${items.length})`);
  for (const item of items.slice(0, LIST_LIMIT)) lines.push(`  ${show(item)}`);
  if (items.length > LIST_LIMIT) lines.push(`  … and ${items.length - LIST_LIMIT} more (--json lists them all)`);
}

function plural(n: number, word: string): string {
  return `${thousands(n)} ${word}${n === 1 ? '' : 's'}`;
}
