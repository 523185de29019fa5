import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { createOperationCatalog } from '../../src/core/catalog.js';
import { BerthError } from '../../src/core/errors.js';
import { silentContext, type OperationContext, type Progress } from '../../src/core/operations.js';
import { backupFileName } from '../../src/core/vault/backup/retention.js';
import { differences, generateVault, prose, snapshot } from '../support/backups.js';
import { seededRandom } from '../support/random.js';

const FIXTURES = join(__dirname, '..', 'fixtures');
const work = mkdtempSync(join(tmpdir(), 'berth-backup-'));
after(() => rmSync(work, { recursive: true, force: true }));

const catalog = createOperationCatalog({}, ['vault']);
const context = (overrides: Partial<OperationContext> = {}): OperationContext => ({ ...silentContext('test', work), ...overrides });
const invoke = <T>(name: string, input: Record<string, unknown>, ctx = context()) => catalog.invoke(name, input, ctx) as Promise<T>;

interface Backed {
  file: string;
  files: number;
  folders: number;
  links: number;
  bytes: number;
  vault: { score: number };
  skipped: { path: string; reason: string }[];
  removed: string[];
}

let counter = 0;
const fresh = (name: string) => join(work, `${name}-${++counter}`);

/** Backup, verify, restore into a new folder; the restored tree must be the original's, byte, mode and time. */
async function roundTrip(vault: string, input: Record<string, unknown> = {}) {
  const out = `${fresh('archive')}.tar.gz`;
  const backup = await invoke<Backed>('vault.backup', { dir: vault, out, ...input });
  assert.equal(backup.file, out);
  const verified = await invoke<{ files: number; bytes: number }>('vault.verify', { file: out });
  assert.deepEqual([verified.files, verified.bytes], [backup.files, backup.bytes]);
  const to = fresh('restored');
  const restored = await invoke<{ to: string; files: number }>('vault.restore', { file: out, to });
  assert.equal(restored.files, backup.files);
  return { backup, to, out };
}

/** What each fixture's backup leaves out, as the scan does: node_modules, and what its .gitignore names. */
const LEFT_OUT: Record<string, RegExp | undefined> = {
  'demo-vault': undefined,
  'vault-edge-cases': /^(node_modules|ignored)(\/|$)|\.tmp\.md$/,
};

for (const [fixture, leftOut] of Object.entries(LEFT_OUT)) {
  test(`round trip of the fixture ${fixture}: identical bytes, modes and times`, async () => {
    const vault = fresh(fixture);
    cpSync(join(FIXTURES, fixture), vault, { recursive: true, preserveTimestamps: true, verbatimSymlinks: true });
    const { backup, to } = await roundTrip(vault);
    assert.ok(backup.files > 0);
    const expected = new Map([...snapshot(vault)].filter(([path]) => !leftOut?.test(path)));
    assert.ok(expected.size < snapshot(vault).size || !leftOut, 'the fixture has what the scan leaves out');
    assert.deepEqual(differences(expected, snapshot(to)), []);
  });
}

test('round trip of a generated vault: Unicode names, empty files, 40 folders deep, a 100 MB attachment, read-only files and folders, links, .obsidian', { timeout: 120_000 }, async () => {
  const vault = fresh('generated');
  generateVault(vault);
  const updates: Progress[] = [];
  const out = `${fresh('archive')}.tar.gz`;
  const backup = await invoke<Backed>('vault.backup', { dir: vault, out }, context({ progress: (update) => updates.push(update) }));
  assert.deepEqual(backup.skipped, []);
  assert.equal(backup.links, 2);
  assert.ok(backup.bytes > 100 * 1024 * 1024);
  const fractions = updates.flatMap((update) => (update.message.startsWith('Backing up') && update.fraction !== undefined ? [update.fraction] : []));
  assert.ok(fractions.length >= 1 && fractions.at(-1) === 1, `progress ${JSON.stringify(fractions)}`);
  assert.ok(fractions.every((fraction, i) => i === 0 || fraction >= fractions[i - 1]!), 'progress only goes forward');

  await invoke('vault.verify', { file: out });
  const to = fresh('restored');
  await invoke('vault.restore', { file: out, to });
  assert.deepEqual(differences(snapshot(vault), snapshot(to)), []);
});

test('the manifest records path, size, mode, time and SHA-256 per file, the Berth version, the time and the score', async () => {
  const vault = fresh('manifest');
  cpSync(join(FIXTURES, 'demo-vault'), vault, { recursive: true });
  const out = `${fresh('archive')}.tar.gz`;
  const backup = await invoke<Backed>('vault.backup', { dir: vault, out });
  const { execFileSync } = await import('node:child_process');
  const manifest = JSON.parse(execFileSync('tar', ['-xzOf', out, 'berth-manifest.json'], { encoding: 'utf8' }));
  assert.equal(manifest.berthVersion, (await import('../../src/core/version.js')).BERTH_VERSION);
  assert.equal(manifest.vault.score, 51);
  assert.equal(backup.vault.score, 51);
  assert.ok(Date.now() - Date.parse(manifest.createdAt) < 60_000);
  const ideas = manifest.entries.find((entry: { path: string }) => entry.path === 'Ideas.md');
  assert.deepEqual(Object.keys(ideas).sort(), ['mode', 'mtime', 'path', 'sha256', 'size', 'type']);
  assert.equal(ideas.sha256, (await import('node:crypto')).createHash('sha256').update(readFileSync(join(vault, 'Ideas.md'))).digest('hex'));
  // Other tools read it as the tar it is.
  const listed = execFileSync('tar', ['-tzf', out], { encoding: 'utf8' }).trim().split('\n');
  assert.deepEqual(listed.sort(), ['berth-manifest.json', 'vault/Ideas.md', 'vault/Projects.md', 'vault/Welcome.md']);
});

test('the scan’s excludes apply (node_modules, .gitignore, globs) but dot-folders stay unless --skip-dot-folders', async () => {
  const vault = fresh('excludes');
  const files = {
    'Note.md': '# Note',
    '.obsidian/app.json': '{}',
    '.trash/deleted.md': '# Gone',
    'node_modules/pkg/index.js': '',
    'build/out.md': '# Built',
    '.gitignore': 'build/\n',
    'Templates/Daily.md': '# Daily',
  };
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(join(vault, path, '..'), { recursive: true });
    writeFileSync(join(vault, path), text);
  }
  const listed = async (input: Record<string, unknown>) => {
    const out = `${fresh('archive')}.tar.gz`;
    await invoke('vault.backup', { dir: vault, out, ...input });
    const { execFileSync } = await import('node:child_process');
    return execFileSync('tar', ['-tzf', out], { encoding: 'utf8' }).trim().split('\n').filter((name) => !name.endsWith('/')).sort();
  };
  assert.deepEqual(await listed({}), ['berth-manifest.json', 'vault/.gitignore', 'vault/.obsidian/app.json', 'vault/.trash/deleted.md', 'vault/Note.md', 'vault/Templates/Daily.md']);
  assert.deepEqual(await listed({ skipDotFolders: true, exclude: ['Templates'] }), ['berth-manifest.json', 'vault/Note.md']);
});

test('symbolic links are stored as links; one leading out of the vault is left out with a warning, never followed', async () => {
  const vault = fresh('links');
  mkdirSync(join(vault, 'sub'), { recursive: true });
  writeFileSync(join(vault, 'Note.md'), '# Note');
  symlinkSync('Note.md', join(vault, 'alias.md'));
  symlinkSync('/etc/passwd', join(vault, 'passwd.md'));
  symlinkSync('../..', join(vault, 'sub/up'));
  symlinkSync('/etc', join(vault, 'etc'));
  const { backup, to } = await roundTrip(vault);
  assert.deepEqual(backup.skipped.map((skip) => skip.path).sort(), ['etc', 'passwd.md', 'sub/up']);
  assert.match(backup.skipped.find((skip) => skip.path === 'passwd.md')!.reason, /absolute path \/etc\/passwd/);
  const restored = snapshot(to);
  assert.deepEqual(restored.get('alias.md'), { ...restored.get('alias.md'), type: 'symlink', target: 'Note.md' });
  assert.equal(restored.has('passwd.md'), false);
  // Said on the CLI's stderr, as warnings.
  const said: string[] = [];
  await invoke('vault.backup', { dir: vault, out: `${fresh('archive')}.tar.gz` }, context({ warn: (message) => said.push(message) }));
  assert.ok(said.some((message) => /^Left out passwd\.md: it links to the absolute path/.test(message)), said.join('\n'));
});

test('one flipped byte makes verify fail with BACKUP_DAMAGED, naming the damaged file', async () => {
  const vault = fresh('flip');
  mkdirSync(join(vault, 'attachments'), { recursive: true });
  writeFileSync(join(vault, 'Before.md'), '# Before\n');
  // Random bytes do not compress: gzip stores them as they are, so the test can find them in the archive.
  const photo = randomBytes(1024 * 1024);
  writeFileSync(join(vault, 'attachments', 'photo.jpg'), photo);
  writeFileSync(join(vault, 'After.md'), '# After\n');
  const out = `${fresh('archive')}.tar.gz`;
  await invoke('vault.backup', { dir: vault, out });
  const archive = readFileSync(out);
  const at = archive.indexOf(photo.subarray(500_000, 500_064));
  assert.ok(at > 0, 'the photo’s bytes are stored as they are');
  archive[at + 10]! ^= 0x01;
  writeFileSync(out, archive);
  await assert.rejects(invoke('vault.verify', { file: out }), (error: unknown) => {
    assert.ok(error instanceof BerthError);
    assert.equal(error.code, 'BACKUP_DAMAGED');
    assert.match(error.message, /^The backup .* is damaged: attachments\/photo\.jpg: its content does not match its SHA-256 in the manifest/);
    return true;
  });
  // Restore refuses it before writing anything.
  const to = fresh('restored');
  await assert.rejects(invoke('vault.restore', { file: out, to }), /BACKUP_DAMAGED|is damaged: attachments\/photo\.jpg/);
  assert.equal(existsSync(to), false);
});

test('a flipped byte in compressed text names the note it is in', async () => {
  const rand = seededRandom(7);
  const vault = fresh('flip-text');
  mkdirSync(vault);
  writeFileSync(join(vault, 'A small note.md'), '# Small\n');
  writeFileSync(join(vault, 'Long note.md'), `# Long\n${prose(rand, 400_000)}\n`);
  writeFileSync(join(vault, 'Z last.md'), '# Last\n');
  const out = `${fresh('archive')}.tar.gz`;
  await invoke('vault.backup', { dir: vault, out });
  const original = readFileSync(out);
  // Several places in the long note's compressed data, each flipped on its own.
  for (const share of [0.2, 0.4, 0.6, 0.8]) {
    const damaged = Buffer.from(original);
    damaged[Math.floor(damaged.length * share)]! ^= 0x10;
    writeFileSync(out, damaged);
    await assert.rejects(invoke('vault.verify', { file: out }), (error: unknown) => {
      assert.ok(error instanceof BerthError && error.code === 'BACKUP_DAMAGED', String(error));
      assert.match(error.message, /is damaged: (after )?Long note\.md: /, `flip at ${share}: ${error.message}`);
      return true;
    });
  }
});

test('a truncated archive, one that is no gzip and a missing file each fail with a clear error', async () => {
  const vault = fresh('truncated');
  cpSync(join(FIXTURES, 'demo-vault'), vault, { recursive: true });
  const out = `${fresh('archive')}.tar.gz`;
  await invoke('vault.backup', { dir: vault, out });
  const whole = readFileSync(out);
  writeFileSync(out, whole.subarray(0, Math.floor(whole.length / 2)));
  await assert.rejects(invoke('vault.verify', { file: out }), (error: BerthError) => error.code === 'BACKUP_DAMAGED');
  writeFileSync(out, 'not a backup at all');
  await assert.rejects(invoke('vault.verify', { file: out }), /is not a Berth backup: it is not a gzip file/);
  await assert.rejects(invoke('vault.verify', { file: join(work, 'none.tar.gz') }), (error: BerthError) => error.code === 'BACKUP_NOT_FOUND' && /^No backup at /.test(error.message));
});

test('restore refuses a folder that is not empty without force; with force it replaces the backup’s files and leaves others', async () => {
  const vault = fresh('force');
  cpSync(join(FIXTURES, 'demo-vault'), vault, { recursive: true });
  const out = `${fresh('archive')}.tar.gz`;
  await invoke('vault.backup', { dir: vault, out });
  const to = fresh('target');
  mkdirSync(to);
  writeFileSync(join(to, 'Ideas.md'), 'changed since the backup');
  writeFileSync(join(to, 'Mine.md'), 'not in the backup');
  await assert.rejects(invoke('vault.restore', { file: out, to }), (error: BerthError) => error.code === 'TARGET_NOT_EMPTY' && /--force/.test(error.hint ?? ''));
  assert.equal(readFileSync(join(to, 'Ideas.md'), 'utf8'), 'changed since the backup');
  await invoke('vault.restore', { file: out, to, force: true });
  assert.equal(readFileSync(join(to, 'Ideas.md'), 'utf8'), readFileSync(join(vault, 'Ideas.md'), 'utf8'));
  assert.equal(readFileSync(join(to, 'Mine.md'), 'utf8'), 'not in the backup');
  // Restoring over the vault itself gives it back as it was.
  const before = snapshot(vault);
  writeFileSync(join(vault, 'Welcome.md'), 'oops');
  await invoke('vault.restore', { file: out, to: vault, force: true });
  assert.deepEqual(differences(before, snapshot(vault)), []);
});

test('backups go to the state folder by default, one folder per vault, keeping the newest `keep`; a killed run’s leftovers are removed', async () => {
  const state = fresh('state');
  const previous = process.env.XDG_STATE_HOME;
  process.env.XDG_STATE_HOME = state;
  try {
    const vault = fresh('Notes');
    cpSync(join(FIXTURES, 'demo-vault'), vault, { recursive: true });
    const first = await invoke<Backed>('vault.backup', { dir: vault, keep: 2 });
    assert.ok(first.file.startsWith(join(state, 'berth', 'backups')), first.file);
    const folder = join(first.file, '..');
    // An older backup of this vault, something else, and what a killed backup (a dead process) left.
    const older = join(folder, backupFileName(vault, new Date('2020-01-01T00:00:00Z')));
    writeFileSync(older, 'old');
    writeFileSync(join(folder, 'notes about backups.txt'), 'mine');
    writeFileSync(join(folder, `.${backupFileName(vault, new Date())}.999999999.0badc0de.partial`), 'half');
    const second = await invoke<Backed>('vault.backup', { dir: vault, keep: 2 });
    assert.deepEqual(second.removed, [older]);
    const third = await invoke<Backed>('vault.backup', { dir: vault, keep: 2 });
    assert.deepEqual(third.removed, [first.file]);
    assert.deepEqual(readdirSync(folder).sort(), [join(second.file).slice(folder.length + 1), join(third.file).slice(folder.length + 1), 'notes about backups.txt'].sort());
  } finally {
    if (previous === undefined) delete process.env.XDG_STATE_HOME;
    else process.env.XDG_STATE_HOME = previous;
  }
});

test('an output folder inside the vault is left out of the backup, and so are earlier backups at the vault’s root', async () => {
  const vault = fresh('inside');
  cpSync(join(FIXTURES, 'demo-vault'), vault, { recursive: true });
  const { execFileSync } = await import('node:child_process');
  const names = (file: string) => execFileSync('tar', ['-tzf', file], { encoding: 'utf8' }).trim().split('\n');
  const first = await invoke<Backed>('vault.backup', { dir: vault, out: join(vault, 'backups') + '/' });
  assert.ok(!names(first.file).some((name) => name.includes('backups')), names(first.file).join(' '));
  await invoke<Backed>('vault.backup', { dir: vault, out: `${vault}/` });
  const again = await invoke<Backed>('vault.backup', { dir: vault, out: `${vault}/` });
  assert.ok(!names(again.file).some((name) => /^vault\/[^/]+\.tar\.gz$/.test(name)), names(again.file).join(' '));
});

test('a cancelled backup writes nothing under its name and says so', async () => {
  const vault = fresh('cancel');
  generateVault(vault, { bigAttachment: 64 * 1024 * 1024 });
  const out = `${fresh('archive')}.tar.gz`;
  const abort = new AbortController();
  const running = invoke('vault.backup', { dir: vault, out }, context({ signal: abort.signal, progress: (update) => update.fraction && update.fraction > 0.1 && abort.abort() }));
  await assert.rejects(running, (error: BerthError) => error.code === 'CANCELLED');
  assert.equal(existsSync(out), false);
  assert.deepEqual(readdirSync(join(out, '..')).filter((name) => name.includes('.partial')), []);
});
