import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { test } from 'node:test';
import { pathToFileURL } from 'node:url';

const REPO = join(__dirname, '..', '..');
const DEMO = join(REPO, 'test', 'fixtures', 'demo-vault');

/** Runs the real CLI entry point (src/cli/main.ts through tsx) as a separate process. */
function berth(args: string[], cwd = REPO) {
  const tsx = pathToFileURL(require.resolve('tsx')).href;
  const result = spawnSync(process.execPath, ['--import', tsx, join(REPO, 'src', 'cli', 'main.ts'), ...args], {
    cwd,
    encoding: 'utf8',
    timeout: 60_000,
  });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

test('berth vault health DIR --json prints one JSON report and exits 0 although the vault has problems', () => {
  const { code, stdout, stderr } = berth(['vault', 'health', DEMO, '--json']);
  assert.equal(code, 0, stderr);
  const report = JSON.parse(stdout);
  assert.equal(report.notes, 3);
  assert.equal(report.attachments, 0);
  assert.equal(report.links, 3);
  assert.deepEqual(
    report.brokenLinks.map(({ source, line, column, target }: Record<string, unknown>) => ({ source, line, column, target })),
    [{ source: 'Ideas.md', line: 5, column: 66, target: 'Reading List' }],
  );
  assert.deepEqual(report.orphans, ['Projects.md']);
  assert.deepEqual(report.ambiguousLinks, []);
  assert.equal(report.score, 51);
  assert.ok(Array.isArray(report.breakdown) && report.breakdown.length > 0);
});

test('berth vault health defaults to the current folder and prints a readable summary', () => {
  const { code, stdout, stderr } = berth(['vault', 'health'], DEMO);
  assert.equal(code, 0, stderr);
  assert.match(stdout, /3 notes, 0 attachments, 3 links/);
  assert.match(stdout, /Score 51\/100/);
  assert.match(stdout, /Ideas\.md:5:66 {2}Reading List/);
  assert.match(stdout, /Orphan notes.*\n {2}Projects\.md/);
});

test('berth vault health --exclude leaves matching notes out', () => {
  const { code, stdout } = berth(['vault', 'health', DEMO, '--exclude', 'Ideas.md', '--exclude', 'Nothing/**', '--json']);
  assert.equal(code, 0);
  const report = JSON.parse(stdout);
  assert.equal(report.notes, 2);
  // Ideas.md and its broken link are gone; the link to it is now broken.
  assert.deepEqual(
    report.brokenLinks.map((l: { source: string; target: string }) => [l.source, l.target]),
    [['Welcome.md', 'Ideas']],
  );
});

test('berth vault health on a missing folder fails with one clear line and a non-zero exit', () => {
  const missing = join(REPO, 'test', 'fixtures', 'no-such-vault');
  const { code, stdout, stderr } = berth(['vault', 'health', missing, '--json']);
  assert.notEqual(code, 0);
  assert.equal(stdout, '');
  const lines = stderr.trim().split('\n');
  assert.equal(lines.length, 1, stderr);
  assert.match(lines[0]!, /^berth vault health: No folder at .*no-such-vault\. Pass the folder that holds your notes/);
});

test('berth vault health --min-score N exits 1 below N and 0 at or above it, saying so in one line on stderr', () => {
  const below = berth(['vault', 'health', DEMO, '--min-score', '52']);
  assert.equal(below.code, 1, below.stderr);
  assert.equal(below.stderr.trim().split('\n').length, 1, below.stderr);
  assert.match(below.stderr, /Vault score 51 is below --min-score 52/);
  assert.match(below.stdout, /Score 51\/100/);
  const at = berth(['vault', 'health', DEMO, '--min-score', '51', '--json']);
  assert.equal(at.code, 0, at.stderr);
  assert.equal(at.stderr, '', 'a pass says nothing on stderr');
  assert.deepEqual([JSON.parse(at.stdout).minScore, JSON.parse(at.stdout).passed], [51, true]);
});
