import { nameKey } from './resolve.js';

/**
 * The existing note name closest to a broken link's target, for a "retarget" quick fix: the
 * smallest edit distance (ignoring case, Unicode form and `.md`), within a third of the name's length
 * so that a suggestion is a likely typo fix and not a guess. Ties go to the shorter, then earlier name.
 */
export function closestNoteName(target: string, noteNames: Iterable<string>): string | undefined {
  const wanted = nameKey(target.trim().replace(/\.md$/i, ''));
  if (!wanted) return undefined;
  const limit = Math.max(1, Math.floor(wanted.length / 3));
  let best: string | undefined;
  let bestDistance = limit + 1;
  for (const name of noteNames) {
    const key = nameKey(name);
    if (Math.abs(key.length - wanted.length) >= bestDistance) continue;
    const distance = editDistance(wanted, key, bestDistance);
    if (distance < bestDistance || (distance === bestDistance && best !== undefined && isBetter(name, best))) {
      best = name;
      bestDistance = distance;
    }
  }
  return best;
}

/**
 * Every name at the smallest edit distance from `target`, within the same limit as
 * closestNoteName, so that a caller that must not guess can see a tie instead of a tie-break.
 */
export function nearestNames(target: string, names: Iterable<string>): { names: string[]; distance: number } | undefined {
  const wanted = nameKey(target.trim().replace(/\.md$/i, ''));
  if (!wanted) return undefined;
  let bestDistance = Math.max(1, Math.floor(wanted.length / 3)) + 1;
  let best: string[] = [];
  for (const name of names) {
    const key = nameKey(name);
    // A tie counts, so a name whose length alone puts it past the best is the only one skipped.
    if (Math.abs(key.length - wanted.length) > bestDistance) continue;
    const distance = editDistance(wanted, key, bestDistance + 1);
    if (distance < bestDistance) {
      best = [name];
      bestDistance = distance;
    } else if (distance === bestDistance && best.length > 0) best.push(name);
  }
  return best.length ? { names: best, distance: bestDistance } : undefined;
}

function isBetter(a: string, b: string): boolean {
  return a.length < b.length || (a.length === b.length && a < b);
}

/** Levenshtein distance with adjacent transpositions, giving up (returning `cap`) once it reaches `cap`. */
function editDistance(a: string, b: string, cap: number): number {
  let previous2: number[] = [];
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    let rowMin = i;
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let value = Math.min(previous[j]! + 1, current[j - 1]! + 1, previous[j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) value = Math.min(value, previous2[j - 2]! + 1);
      current.push(value);
      rowMin = Math.min(rowMin, value);
    }
    if (rowMin >= cap) return cap;
    previous2 = previous;
    previous = current;
  }
  return previous[b.length]!;
}
