import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import { VaultIndex } from '../../src/core/vault/index.js';

const DEMO = join(__dirname, '..', 'fixtures', 'demo-vault');

test('the demo vault: 3 notes, 3 links, 1 broken, 1 orphan, and nothing else', async () => {
  const report = await new VaultIndex(DEMO).scan();
  assert.equal(report.notes, 3);
  assert.equal(report.attachments, 0);
  assert.equal(report.links, 3);
  assert.deepEqual(report.brokenLinks, [
    { source: 'Ideas.md', line: 5, column: 66, length: 16, target: 'Reading List', embed: false },
  ]);
  assert.deepEqual(report.orphans, ['Projects.md']);
  assert.deepEqual(report.ambiguousLinks, []);
  assert.deepEqual(report.missingFragments, []);
  assert.deepEqual(report.unusedAttachments, []);
  assert.deepEqual(report.emptyNotes, []);
  assert.deepEqual(report.invalidFrontmatter, []);
  assert.deepEqual(report.nameClashes, []);
  // 35 for 1 broken link of 3 (over the 10% tolerance), 20 × (1/3 ÷ 50%) = 13.33 for the orphan.
  assert.equal(report.score, 51);
  assert.deepEqual(
    report.breakdown.filter((line) => line.lost > 0).map((line) => [line.check, line.lost]),
    [
      ['brokenLinks', 35],
      ['orphans', 13.33],
    ],
  );
});
