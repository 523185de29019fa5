import assert from 'node:assert/strict';
import { test } from 'node:test';
import { scoreVault, type CheckName } from '../../src/core/vault/score.js';

const none: Record<CheckName, number> = {
  brokenLinks: 0,
  orphans: 0,
  ambiguousLinks: 0,
  missingFragments: 0,
  invalidFrontmatter: 0,
  emptyNotes: 0,
  unusedAttachments: 0,
  nameClashes: 0,
};

test('a clean vault, and an empty one, score 100', () => {
  assert.equal(scoreVault(none, { links: 50_000, notes: 10_000, attachments: 10, files: 10_010 }).score, 100);
  assert.equal(scoreVault(none, { links: 0, notes: 0, attachments: 0, files: 0 }).score, 100);
});

test('the score scales with the vault: 20 broken links among 10,000 notes cost a fraction of a point', () => {
  const big = scoreVault({ ...none, brokenLinks: 20 }, { links: 50_000, notes: 10_000, attachments: 0, files: 10_000 });
  assert.equal(big.score, 99);
  const line = big.breakdown.find((l) => l.check === 'brokenLinks')!;
  assert.equal(line.lost, 0.14);
  assert.match(line.explanation, /20 of 50,000 links \(<0\.1%\) cost 0\.1 of 35 points/);

  const small = scoreVault({ ...none, brokenLinks: 20 }, { links: 100, notes: 20, attachments: 0, files: 20 });
  assert.equal(small.score, 65, 'a fifth of the links broken costs the whole 35');
});

test('every lost point is explained, and the lines add up to the score', () => {
  const counts = { ...none, brokenLinks: 3, orphans: 40, ambiguousLinks: 1, emptyNotes: 2, unusedAttachments: 5, nameClashes: 2 };
  const { score, breakdown } = scoreVault(counts, { links: 400, notes: 100, attachments: 10, files: 110 });
  const lost = breakdown.reduce((sum, line) => sum + line.lost, 0);
  assert.equal(score, Math.floor(100 - lost));
  assert.equal(breakdown.reduce((sum, line) => sum + line.weight, 0), 100);
  for (const line of breakdown) {
    assert.ok(line.lost <= line.weight, line.check);
    assert.match(line.explanation, line.count ? /cost .* of \d+ points/ : /none/, line.check);
  }
  assert.equal(breakdown.find((l) => l.check === 'nameClashes')!.lost, 4.55);
});

test('a vault that fails every check scores 0', () => {
  const all = Object.fromEntries(Object.keys(none).map((k) => [k, 10])) as Record<CheckName, number>;
  assert.equal(scoreVault(all, { links: 10, notes: 10, attachments: 10, files: 10 }).score, 0);
});
