import type { CheckName, ScoreLine, Universe } from './reportSchema.js';
/**
 * The vault score, 0-100. Each check owns a share (weight) of the 100 points and loses it in
 * proportion to the share of the vault it affects, losing all of it at its tolerance rate:
 *
 *   lost(check) = weight × min(1, (count / outOf) / tolerance)
 *   score       = floor(100 − Σ lost)
 *
 * Rates rather than counts make the score scale with the vault: 20 broken links among 50,000
 * cost 35 × (20/50,000) / 0.10 = 0.14 points (score 99), while 1 broken link among 3 costs all 35.
 * Rounding down keeps 100 for a vault with nothing at all to fix.
 *
 *   check                weight  tolerance  rate of
 *   brokenLinks              35     10 %    links
 *   orphans                  20     50 %    notes
 *   ambiguousLinks           10     10 %    links
 *   missingFragments         10     10 %    links
 *   invalidFrontmatter       10      5 %    notes
 *   emptyNotes                5     20 %    notes
 *   unusedAttachments         5     50 %    attachments
 *   nameClashes               5      2 %    files
 *
 * Orphans and unused attachments are common in healthy vaults (daily notes, pasted images), hence
 * their lenient tolerance; invalid frontmatter and clashing names break tools, hence the strict one.
 */


interface Check {
  check: CheckName;
  label: string;
  weight: number;
  tolerance: number;
  of: Universe;
}

const CHECKS: readonly Check[] = [
  { check: 'brokenLinks', label: 'Broken links', weight: 35, tolerance: 0.1, of: 'links' },
  { check: 'orphans', label: 'Orphan notes', weight: 20, tolerance: 0.5, of: 'notes' },
  { check: 'ambiguousLinks', label: 'Ambiguous links', weight: 10, tolerance: 0.1, of: 'links' },
  { check: 'missingFragments', label: 'Links to missing headings or blocks', weight: 10, tolerance: 0.1, of: 'links' },
  { check: 'invalidFrontmatter', label: 'Invalid frontmatter', weight: 10, tolerance: 0.05, of: 'notes' },
  { check: 'emptyNotes', label: 'Empty notes', weight: 5, tolerance: 0.2, of: 'notes' },
  { check: 'unusedAttachments', label: 'Unused attachments', weight: 5, tolerance: 0.5, of: 'attachments' },
  { check: 'nameClashes', label: 'Names differing only by case or Unicode form', weight: 5, tolerance: 0.02, of: 'files' },
];


export type { CheckName, ScoreLine } from './reportSchema.js';

export function scoreVault(
  counts: Record<CheckName, number>,
  totals: Record<Universe, number>,
): { score: number; breakdown: ScoreLine[] } {
  let total = 0;
  const breakdown = CHECKS.map(({ check, label, weight, tolerance, of }): ScoreLine => {
    const count = counts[check];
    const outOf = totals[of];
    const rate = outOf === 0 ? 0 : count / outOf;
    const exact = weight * Math.min(1, rate / tolerance);
    total += exact;
    // The sentence shows what the line holds, so that the two never round apart; a cost is never
    // rounded away to nothing.
    const lost = exact > 0 ? Math.max(0.01, round(exact)) : 0;
    const explanation =
      count === 0
        ? `${label}: none (${weight} points kept).`
        : `${label}: ${thousands(count)} of ${thousands(outOf)} ${of} (${percent(rate)}) cost ${points(lost)} of ${weight} points; all ${weight} go at ${percent(tolerance)}.`;
    return { check, label, count, outOf, of, weight, tolerance, lost, explanation };
  });
  // The epsilon keeps float noise (100 - 35 = 64.999…) from costing a point.
  return { score: Math.max(0, Math.floor(100 - total + 1e-9)), breakdown };
}

/** `50,000`: written by hand because the first toLocaleString call loads ICU data, a visible part of a scan. */
export function thousands(n: number): string {
  return String(n).replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}

function round(n: number): number {
  return Math.round(n * 100) / 100;
}

/**
 * Points and percentages for people, all written one way: at most one decimal (`35`, `13.3`), and
 * `<0.1` for a cost too small to show, which rounding would print as a free `0`.
 */
export function points(n: number): string {
  if (n > 0 && n < 0.05) return '<0.1';
  return String(Math.round(n * 10) / 10);
}

function percent(rate: number): string {
  return `${points(rate * 100)}%`;
}
