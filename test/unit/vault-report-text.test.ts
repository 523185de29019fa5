import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import { silentContext } from '../../src/core/operations.js';
import { formatVaultReport } from '../../src/core/vault/health.js';
import { VaultIndex } from '../../src/core/vault/index.js';
import { Vaults } from '../../src/core/vault/live.js';
import { createVaultHealthOperation } from '../../src/core/vault/vaultOperation.js';
import { makeVault, removeVault, writeFiles } from './vault-support.js';

const DEMO = join(__dirname, '..', 'fixtures', 'demo-vault');

test('--min-score: below it the operation fails (exit status 1) and says so in one line; at or above it, 0', async () => {
  const operation = createVaultHealthOperation({ vaults: new Vaults() });
  const run = async (minScore?: number) => {
    const warnings: string[] = [];
    const output = await operation.run({ dir: DEMO, minScore, fresh: false }, { ...silentContext('test', process.cwd()), warn: (message) => warnings.push(message) });
    return { output, warnings, code: operation.exitCode!(output) };
  };
  const below = await run(52);
  assert.equal(below.output.score, 51);
  assert.deepEqual([below.output.minScore, below.output.passed, below.code], [52, false, 1]);
  assert.deepEqual(below.warnings, ['Vault score 51 is below --min-score 52: failing (exit status 1).']);
  const at = await run(51);
  assert.deepEqual([at.output.passed, at.code, at.warnings.length], [true, 0, 0], 'a pass is no warning');
  const none = await run();
  assert.deepEqual([none.output.passed, none.output.minScore, none.code, none.warnings], [null, null, 0, []]);
  assert.throws(() => operation.input.parse({ minScore: 101 }));
  assert.throws(() => operation.input.parse({ minScore: 50.5 }));
});

test('the text report writes every number one way: at most one decimal, thousands separators for counts', async () => {
  const text = formatVaultReport(await new VaultIndex(DEMO).scan());
  assert.match(text, /^ {6}-35 {2}Broken links: 1 of 3 links \(33\.3%\) cost 35 of 35 points; all 35 go at 10%\.$/m);
  assert.match(text, /^ {4}-13\.3 {2}Orphan notes: 1 of 3 notes \(33\.3%\) cost 13\.3 of 20 points; all 20 go at 50%\.$/m);
  assert.doesNotMatch(text, /\d\.\d\d/, 'no second decimal anywhere');

  const report = await new VaultIndex(DEMO).scan();
  report.orphans = Array.from({ length: 1234 }, (_, i) => `n${i}.md`);
  report.notes = 12_345;
  const big = formatVaultReport(report);
  assert.match(big, /12,345 notes/);
  assert.match(big, /^Orphan notes \(no other note links to them\) \(1,234\)$/m);
  assert.match(big, /^ {2}… and 1,214 more \(--json lists them all\)$/m);
});

test('the name-clash heading counts what its score line counts: files', async () => {
  const root = await makeVault({ 'Note.md': 'a', 'note.md': 'b', 'sub/NOTE.md': 'c', 'Caf\u00e9.md': 'd', 'Cafe\u0301.md': 'e', 'Other.md': '' });
  try {
    const report = await new VaultIndex(root).scan();
    const line = report.breakdown.find((l) => l.check === 'nameClashes')!;
    assert.equal(line.count, 5);
    const text = formatVaultReport(report);
    assert.match(line.explanation, /^Names differing only by case or Unicode form: 5 of 6 files/);
    assert.match(text, /^Names differing only by case or Unicode form \(5 files in 2 names\)$/m);
  } finally {
    await removeVault(root);
  }
});

test('names from the vault are printed without raw control characters', async () => {
  const evil = 'evil\u001b[2J\u001b]0;pwned\u0007\nScore 100/100';
  const reset = 'reset\u001bc';
  const root = await makeVault({ [`${evil}.md`]: `[[${reset}]]`, 'Home.md': 'nothing' });
  try {
    const report = await new VaultIndex(root).scan();
    assert.deepEqual(report.brokenLinks.map((link) => [link.source, link.target]), [[`${evil}.md`, reset]], 'the JSON keeps names as they are');
    const text = formatVaultReport(report);
    assert.doesNotMatch(text, /[\u0000-\u0009\u000b-\u001f\u007f-\u009f]/, 'no control character but the line breaks');
    assert.equal(text.split('\n').filter((line) => line.startsWith('Score')).length, 0, 'no forged line');
    assert.match(text, /^ {2}evil\\e\[2J\\e\]0;pwned\\u0007\\nScore 100\/100\.md:1:1 {2}reset\\ec$/m);
    assert.match(text, /^ {2}evil\\e\[2J\\e\]0;pwned\\u0007\\nScore 100\/100\.md$/m);
  } finally {
    await removeVault(root);
  }
});

test('a scan that finds no notes says so: is this the vault folder?', async () => {
  const root = await makeVault({ 'picture.png': 'png', '.obsidian/app.json': '{}' });
  try {
    const report = await new VaultIndex(root).scan();
    const warning = `No notes found in ${root}: is this the vault folder?`;
    assert.deepEqual(report.warnings, [warning]);
    assert.match(formatVaultReport(report), new RegExp(`^Warning: ${warning.replace(/[.?/]/g, '\\$&')}$`, 'm'));
    await writeFiles(root, { 'Note.md': '# Note' });
    assert.deepEqual((await new VaultIndex(root).scan()).warnings, []);
  } finally {
    await removeVault(root);
  }
});
