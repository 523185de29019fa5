import { printable } from '../text.js';
import type { HealthFacts, IndexedLink } from './graph.js';
import type { LinkProblem, NameClash, VaultReport } from './reportSchema.js';
import { points, scoreVault, thousands } from './score.js';

export type { AmbiguousLink, FrontmatterIssue, LinkProblem, MissingFragment, NameClash, VaultReport } from './reportSchema.js';

/**
 * Reads the maintained facts into a report: the cost grows with the problems found, not with the
 * vault. `unreadablePaths` are what the walk could not read (folders, .gitignore files).
 */
export function buildReport(root: string, facts: HealthFacts, unreadablePaths: Iterable<string>): VaultReport {
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
  const unreadable = [...facts.unreadable, ...unreadablePaths].sort();
  const { score, breakdown } = scoreVault(
    {
      brokenLinks: brokenLinks.length,
      orphans: orphans.length,
      ambiguousLinks: ambiguousLinks.length,
      missingFragments: missingFragments.length,
      invalidFrontmatter: invalidFrontmatter.length,
      emptyNotes: emptyNotes.length,
      unusedAttachments: unusedAttachments.length,
      nameClashes: clashingFiles(nameClashes),
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
    unreadable,
    score,
    breakdown,
    warnings: warningsFor(root, facts.noteCount, unreadable.length),
  };
}

function warningsFor(root: string, notes: number, unreadable: number): string[] {
  const warnings: string[] = [];
  if (notes === 0) warnings.push(`No notes found in ${root}: is this the vault folder?`);
  if (unreadable > 0) {
    const what = unreadable === 1 ? '1 file or folder' : `${thousands(unreadable)} files or folders`;
    warnings.push(`${what} could not be read: check their permissions. Their links are not checked; links to them count as found.`);
  }
  return warnings;
}

/** The name-clash check counts files, not names: its heading and its score line say the same. */
function clashingFiles(clashes: readonly NameClash[]): number {
  return clashes.reduce((n, clash) => n + clash.paths.length, 0);
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

/**
 * The report for people: the score and what cost points, then each problem where it is. Every
 * name from the vault goes through `printable`: a file name can hold escape sequences and newlines.
 */
export function formatVaultReport(report: VaultReport): string {
  const lines = [
    `Vault ${printable(report.root)}`,
    `  ${plural(report.notes, 'note')}, ${plural(report.attachments, 'attachment')}, ${plural(report.links, 'link')}`,
    `  Score ${report.score}/100`,
  ];
  for (const line of report.breakdown) {
    if (line.count > 0) lines.push(`  ${`-${points(line.lost)}`.padStart(7)}  ${line.explanation}`);
  }
  if (report.warnings.length) lines.push('', ...report.warnings.map((warning) => `Warning: ${printable(warning)}`));
  const at = (p: LinkProblem) => `${printable(p.source)}:${p.line}:${p.column}`;
  const list = (paths: string[]) => paths.map(printable).join(', ');
  section(lines, 'Unreadable', report.unreadable, printable);
  section(lines, 'Broken links', report.brokenLinks, (p) => `${at(p)}  ${printable(p.target)}`);
  section(lines, 'Ambiguous links', report.ambiguousLinks, (p) => `${at(p)}  ${printable(p.target)}  could be ${list(p.candidates)}`);
  section(lines, 'Links to missing headings or blocks', report.missingFragments, (p) => `${at(p)}  ${printable(p.target)}`);
  section(lines, 'Orphan notes (no other note links to them)', report.orphans, printable);
  section(lines, 'Unused attachments', report.unusedAttachments, printable);
  section(lines, 'Empty notes', report.emptyNotes, printable);
  section(lines, 'Invalid frontmatter', report.invalidFrontmatter, (p) => `${printable(p.path)}:${p.line}  ${printable(p.message)}`);
  section(lines, 'Names differing only by case or Unicode form', report.nameClashes, (c) => list(c.paths), {
    count: plural(clashingFiles(report.nameClashes), 'file'),
    item: 'name',
  });
  return lines.join('\n');
}

/** `counted` leads the title's count when the check counts something else than the items listed. */
function section<T>(lines: string[], title: string, items: T[], show: (item: T) => string, counted?: { count: string; item: string }): void {
  if (items.length === 0) return;
  const count = counted ? `${counted.count} in ${plural(items.length, counted.item)}` : thousands(items.length);
  lines.push('', `${title} (${count})`);
  for (const item of items.slice(0, LIST_LIMIT)) lines.push(`  ${show(item)}`);
  const more = items.length - LIST_LIMIT;
  const what = counted ? ` ${counted.item}${more === 1 ? '' : 's'}` : '';
  if (more > 0) lines.push(`  … and ${thousands(more)} more${what} (--json lists them all)`);
}

function plural(n: number, word: string): string {
  return `${thousands(n)} ${word}${n === 1 ? '' : 's'}`;
}
