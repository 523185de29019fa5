// The backup commands as a person types them: every command of README's "Backups" section, run
// in that order by the built CLI (scripts/test.ts builds dist/ first) with a home folder of the
// test's own, then the failures a person must be able to read.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import { after, test } from 'node:test';
import { craftArchive, differences, snapshot } from '../support/backups.js';
import { readmeCommands } from '../support/readme.js';

const REPO = join(__dirname, '..', '..');
const home = mkdtempSync(join(tmpdir(), 'berth-backup-cli-'));
after(() => rmSync(home, { recursive: true, force: true }));

// HOME decides where backups go by default: no XDG_STATE_HOME, as on a fresh machine.
const { XDG_STATE_HOME: _state, ...inherited } = process.env;
const env = { ...inherited, HOME: home, XDG_CACHE_HOME: join(home, '.cache') };

function berth(args: string[]) {
  const result = spawnSync(process.execPath, [join(REPO, 'dist', 'cli.js'), ...args], { cwd: home, env, encoding: 'utf8', timeout: 60_000 });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

const notes = join(home, 'Notes');

test('every command the README documents for backups runs as it says', () => {
  cpSync(join(REPO, 'test', 'fixtures', 'demo-vault'), notes, { recursive: true });
  mkdirSync(join(notes, '.obsidian'));
  writeFileSync(join(notes, '.obsidian', 'app.json'), '{"vimMode": true}\n');
  const original = snapshot(notes);
  const commands = readmeCommands('### Backups', home);
  assert.deepEqual(
    commands.map((args) => args.slice(0, 2).join(' ')),
    ['vault backup', 'vault backup', 'vault backup', 'vault verify', 'vault restore', 'vault restore'],
  );
  for (const args of commands) {
    // The last command restores over the vault: make it need to.
    if (args.includes('--force')) writeFileSync(join(notes, 'Ideas.md'), 'edited since the backup');
    const { code, stdout, stderr } = berth(args);
    assert.equal(code, 0, `berth ${args.join(' ')}: ${stderr}`);
    assert.equal(stderr, '', `berth ${args.join(' ')} said something on stderr`);
    assert.ok(stdout.length > 0);
  }

  // Default: the state folder under HOME, one folder for this vault.
  const defaultFolder = join(home, '.local', 'state', 'berth', 'backups');
  const [vaultFolder, ...others] = readdirSync(defaultFolder);
  assert.match(vaultFolder ?? '', /^Notes-[0-9a-f]{8}$/);
  assert.deepEqual(others, []);
  assert.match(readdirSync(join(defaultFolder, vaultFolder!)).join(), /^Notes-\d{4}-\d\d-\d\dT\d\d-\d\d-\d\d\.\d{3}Z\.tar\.gz$/);
  assert.equal(readdirSync(join(home, 'Backups')).length, 1);
  // --skip-dot-folders left .obsidian out; the restore gave back the rest, byte, mode and time.
  const withoutSettings = new Map([...original].filter(([path]) => !path.startsWith('.obsidian')));
  assert.deepEqual(differences(withoutSettings, snapshot(join(home, 'Notes-restored'))), []);
  // --force put the backup's Ideas.md back over the edit and left .obsidian alone.
  assert.deepEqual(differences(original, snapshot(notes)), []);
});

test('--json prints one object; --help lists the flags from the schema', () => {
  const out = join(home, 'json.tar.gz');
  const { code, stdout } = berth(['vault', 'backup', notes, '--out', out, '--json']);
  assert.equal(code, 0);
  const result = JSON.parse(stdout);
  assert.equal(result.file, out);
  assert.equal(result.vault.score, 51);
  assert.ok(result.files >= 3 && Array.isArray(result.skipped) && Array.isArray(result.removed));
  const help = berth(['vault', 'backup', '--help']).stdout;
  for (const flag of ['--out', '--keep', '--exclude', '--skip-dot-folders']) assert.ok(help.includes(flag), `${flag} in\n${help}`);
  assert.match(berth(['vault', 'restore', '--help']).stdout, /--to[\s\S]*--force/);
});

test('a damaged backup: verify exits 1 with one line naming the file; restore refuses it', () => {
  const out = join(home, 'damaged.tar.gz');
  writeFileSync(join(notes, 'photo.bin'), Buffer.from(Array.from({ length: 300_000 }, (_, i) => (i * 7919) % 251)));
  assert.equal(berth(['vault', 'backup', notes, '--out', out]).code, 0);
  rmSync(join(notes, 'photo.bin'));
  // Decompress, flip one byte of the note's text in the tar, compress again: gzip's own CRC then holds.
  const tar = gunzipSync(readFileSync(out));
  const at = tar.indexOf('Reading List');
  tar[at]! ^= 0x20;
  writeFileSync(out, gzipSync(tar));
  const verify = berth(['vault', 'verify', out]);
  assert.equal(verify.code, 1);
  assert.equal(verify.stdout, '');
  assert.equal(verify.stderr.trim().split('\n').length, 1, verify.stderr);
  assert.match(verify.stderr, /^berth vault verify: The backup .*damaged\.tar\.gz is damaged: Ideas\.md: its content does not match its SHA-256 in the manifest\. Do not restore from it/);
  const restore = berth(['vault', 'restore', out, '--to', join(home, 'from-damaged')]);
  assert.equal(restore.code, 1);
  assert.equal(existsSync(join(home, 'from-damaged')), false);
});

test('restore into a folder that is not empty exits 2 and asks for --force; a hostile archive exits 1 naming the entry', async () => {
  const out = join(home, 'plain.tar.gz');
  assert.equal(berth(['vault', 'backup', notes, '--out', out]).code, 0);
  const busy = berth(['vault', 'restore', out, '--to', notes]);
  assert.equal(busy.code, 2, busy.stderr);
  assert.match(busy.stderr, /^berth vault restore: .*Notes is not empty\. .*pass --force/);

  const hostile = join(home, 'hostile.tar.gz');
  await craftArchive(hostile, [{ header: { path: 'vault/../escape.md', type: 'File' }, data: 'pwned' }]);
  const refused = berth(['vault', 'restore', hostile, '--to', join(home, 'target')]);
  assert.equal(refused.code, 1);
  assert.match(refused.stderr, /^berth vault restore: Refused to restore .*hostile\.tar\.gz: the entry vault\/\.\.\/escape\.md is unsafe, its path climbs out of the target folder with "\.\."\. Nothing was written\./);
  assert.equal(existsSync(join(home, 'escape.md')), false);
  assert.equal(existsSync(join(home, 'target')), false);
});
