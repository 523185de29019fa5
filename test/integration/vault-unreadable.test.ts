// Files and folders the scanning user may not read. Root reads whatever the mode says, so as root
// the scans run as another user (uid 4242 through setpriv), who owns the vault.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chmod, chown, mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { pathToFileURL } from 'node:url';
import type { VaultReport } from '../../src/core/vault/health.js';
import { writeFiles } from '../unit/vault-support.js';

const REPO = join(__dirname, '..', '..');
const UID = 4242;
const asRoot = process.getuid?.() === 0;

/** Runs a TypeScript entry point through tsx as the user who owns the vault, with a home of their own. */
function runAsOwner(home: string, script: string, args: string[]) {
  const node = [process.execPath, '--import', pathToFileURL(require.resolve('tsx')).href, join(REPO, script), ...args];
  const [command, ...rest] = asRoot ? ['setpriv', `--reuid=${UID}`, `--regid=${UID}`, '--clear-groups', ...node] : node;
  const result = spawnSync(command!, rest, { encoding: 'utf8', timeout: 60_000, env: { ...process.env, HOME: home, TMPDIR: home } });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** A vault with a note and a folder its owner may not read, and a home for the scanning process. */
async function makeVaultWithUnreadable(): Promise<{ root: string; home: string; cleanUp: () => Promise<void> }> {
  const base = await mkdtemp(join(tmpdir(), 'berth-vault-unreadable-'));
  const root = join(base, 'vault');
  const home = join(base, 'home');
  await writeFiles(root, {
    'Home.md': '# Home\n[[Secret]] [[Secret#Plan]] [[Open]]',
    'Secret.md': '# Plan\n[[Nowhere]]',
    'Open.md': '',
    'Private/Inner.md': '[[Home]]',
  });
  await writeFiles(home, { '.keep': '' });
  if (asRoot) for (const path of [base, root, home, ...(await everything(root)), join(home, '.keep')]) await chown(path, UID, UID);
  await chmod(join(root, 'Secret.md'), 0o000);
  await chmod(join(root, 'Private'), 0o000);
  return {
    root,
    home,
    cleanUp: async () => {
      for (const path of ['Private', 'Hidden']) await chmod(join(root, path), 0o755).catch(() => undefined);
      await rm(base, { recursive: true, force: true });
    },
  };
}

async function everything(root: string): Promise<string[]> {
  return (await readdir(root, { recursive: true })).map((path) => join(root, path));
}

test('berth vault health reports unreadable notes and folders; links to an unreadable note resolve', async () => {
  const { root, home, cleanUp } = await makeVaultWithUnreadable();
  try {
    const json = runAsOwner(home, 'src/cli/main.ts', ['vault', 'health', root, '--json']);
    assert.equal(json.code, 0, json.stderr);
    const report = JSON.parse(json.stdout) as VaultReport;
    assert.deepEqual(report.unreadable, ['Private/', 'Secret.md']);
    assert.equal(report.notes, 3, 'the unreadable note counts; the unlisted folder has no notes to count');
    assert.deepEqual(report.brokenLinks, [], 'Secret is there, though not readable');
    assert.deepEqual(report.missingFragments, [], 'its headings are unknown, not missing');
    assert.deepEqual(report.emptyNotes, ['Open.md'], 'an unreadable note is not an empty one');
    assert.deepEqual(report.warnings, [
      '2 files or folders could not be read: check their permissions. Their links are not checked; links to them count as found.',
    ]);

    const text = runAsOwner(home, 'src/cli/main.ts', ['vault', 'health', root]);
    assert.equal(text.code, 0, text.stderr);
    assert.match(text.stdout, /^Warning: 2 files or folders could not be read: check their permissions\./m);
    assert.match(text.stdout, /^Unreadable \(2\)\n {2}Private\/\n {2}Secret\.md$/m);
  } finally {
    await cleanUp();
  }
});

test('incremental: a note or folder that becomes readable, or unreadable again, or moves, gives the report of a fresh scan', async () => {
  const { root, home, cleanUp } = await makeVaultWithUnreadable();
  try {
    const steps = [
      ['scan'],
      ['chmod', 'Secret.md', '644'],
      ['update', 'Secret.md'],
      ['chmod', 'Secret.md', '000'],
      ['update', 'Secret.md'],
      ['chmod', 'Private', '755'],
      ['update', 'Private'],
      ['chmod', 'Private', '000'],
      ['update', 'Private'],
      ['move', 'Private', 'Hidden'],
      ['rename', 'Private', 'Hidden'],
      ['move', 'Secret.md', 'Hidden.md'],
      ['rename', 'Secret.md', 'Hidden.md'],
      ['chmod', 'Hidden', '755'],
      ['update', 'Hidden'],
    ];
    const result = runAsOwner(home, 'test/support/vaultSteps.ts', [root, JSON.stringify(steps)]);
    assert.equal(result.code, 0, result.stderr);
    const lines = result.stdout.trim().split('\n').map((line) => JSON.parse(line) as { step: string[]; report: VaultReport; fresh: VaultReport });
    assert.deepEqual(
      lines.map(({ step, report }) => [step.join(' '), report.unreadable, report.notes]),
      [
        ['scan', ['Private/', 'Secret.md'], 3],
        ['update Secret.md', ['Private/'], 3],
        ['update Secret.md', ['Private/', 'Secret.md'], 3],
        ['update Private', ['Secret.md'], 4],
        ['update Private', ['Private/', 'Secret.md'], 3],
        ['rename Private Hidden', ['Hidden/', 'Secret.md'], 3],
        ['rename Secret.md Hidden.md', ['Hidden.md', 'Hidden/'], 3],
        ['update Hidden', ['Hidden.md'], 4],
      ],
    );
    for (const { step, report, fresh } of lines) assert.deepEqual(report, fresh, step.join(' '));
  } finally {
    await cleanUp();
  }
});
