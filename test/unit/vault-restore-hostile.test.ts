// Archives an attacker would write, made with tar's own Pack (preservePaths, so nothing is
// cleaned on the way in) and most with a manifest that vouches for every entry: a restore must
// refuse each, name the entry and why, and write nothing at all, inside the target or outside it.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { createOperationCatalog } from '../../src/core/catalog.js';
import { BerthError } from '../../src/core/errors.js';
import { silentContext } from '../../src/core/operations.js';
import { craftArchive, differences, snapshot, type Crafted } from '../support/backups.js';

const work = mkdtempSync(join(tmpdir(), 'berth-hostile-'));
after(() => rmSync(work, { recursive: true, force: true }));
const catalog = createOperationCatalog({}, ['vault']);

let counter = 0;

/**
 * A fresh temporary tree: the archive, an `outside` folder an escape would land in, and the
 * target (missing, empty or holding a file). Restores the archive and checks that the refusal
 * names `entry` and matches `reason`, and that the whole tree is as it was.
 */
async function refuses(entries: Crafted[], entry: string, reason: RegExp, { target = 'missing' as 'missing' | 'empty' | 'full', manifest = true, prepare = (root: string): void => void root } = {}) {
  const root = join(work, `case-${++counter}`);
  mkdirSync(join(root, 'outside'), { recursive: true });
  writeFileSync(join(root, 'outside', 'keep.md'), 'untouched');
  const to = join(root, 'target');
  if (target !== 'missing') mkdirSync(to);
  if (target === 'full') writeFileSync(join(to, 'Mine.md'), 'mine');
  prepare(root);
  const file = join(root, 'hostile.tar.gz');
  await craftArchive(file, entries.map((crafted) => ({ ...crafted, header: { ...crafted.header, path: crafted.header.path!.replace('ROOT', root), ...(crafted.header.linkpath ? { linkpath: crafted.header.linkpath.replace('ROOT', root) } : {}) } })), { manifest });
  const before = snapshot(root);
  const passwd = statSync('/etc/passwd');
  await assert.rejects(catalog.invoke('vault.restore', { file, to, force: target === 'full' }, silentContext('test', root)), (error: unknown) => {
    assert.ok(error instanceof BerthError, String(error));
    assert.equal(error.code, 'RESTORE_REFUSED', error.message);
    assert.ok(error.message.includes(`the entry ${entry.replace('ROOT', root)} is unsafe`), error.message);
    assert.match(error.message, reason);
    assert.match(error.message, /Nothing was written\.$/);
    return true;
  });
  assert.deepEqual(differences(before, snapshot(root)), [], 'the whole temporary tree is as it was');
  const after = statSync('/etc/passwd');
  assert.deepEqual([after.size, after.mtimeMs, after.ino], [passwd.size, passwd.mtimeMs, passwd.ino]);
}

const file = (path: string, data = 'pwned\n'): Crafted => ({ header: { path, type: 'File' }, data });
const note = file('vault/Fine.md', '# A fine note first\n');

test('"../" entries are refused: at the start, in the middle, and through a pax header (a long name)', async () => {
  await refuses([note, file('../outside/evil.md')], '../outside/evil.md', /climbs out of the target folder with "\.\."/);
  await refuses([note, file('vault/../../outside/evil.md')], 'vault/../../outside/evil.md', /climbs out/);
  const long = `vault/${'x'.repeat(120)}/../../../outside/evil.md`;
  await refuses([note, file(long)], long, /climbs out/);
});

test('absolute paths are refused', async () => {
  await refuses([note, file('ROOT/outside/evil.md')], 'ROOT/outside/evil.md', /its path is absolute/);
  await refuses([file('/etc/cron.d/evil')], '/etc/cron.d/evil', /its path is absolute/, { manifest: false });
});

test('a symbolic link then a file written through it is refused, whether the link leads out or stays in', async () => {
  await refuses([note, { header: { path: 'vault/link', type: 'SymbolicLink', linkpath: '../outside' } }, file('vault/link/evil.md')], 'vault/link', /symbolic link to \.\.\/outside, which leads outside the folder/);
  await refuses([note, { header: { path: 'vault/link', type: 'SymbolicLink', linkpath: 'ROOT/outside' } }, file('vault/link/evil.md')], 'vault/link', /symbolic link to the absolute path/);
  await refuses([{ header: { path: 'vault/sub/', type: 'Directory' } }, { header: { path: 'vault/inside', type: 'SymbolicLink', linkpath: 'sub' } }, file('vault/inside/evil.md')], 'vault/inside/evil.md', /would be written through the symbolic link vault\/inside/);
});

test('a link that leaves only when followed through another link is refused', async () => {
  // a -> b/c is inside, and a/../.. reads as the root, but the kernel follows a first: b/c/../.. is b's parent's parent.
  await refuses(
    [{ header: { path: 'vault/b/c/', type: 'Directory' } }, { header: { path: 'vault/a', type: 'SymbolicLink', linkpath: 'b/c' } }, { header: { path: 'vault/escape', type: 'SymbolicLink', linkpath: 'a/../../..' } }],
    'vault/escape',
    /leads outside the folder/,
  );
  await refuses([{ header: { path: 'vault/loop', type: 'SymbolicLink', linkpath: 'loop/x' } }], 'vault/loop', /loops/);
});

test('a hard link to /etc/passwd is refused', async () => {
  await refuses([note, { header: { path: 'vault/passwd.md', type: 'Link', linkpath: '/etc/passwd' } }], 'vault/passwd.md', /it is a hard link \(to \/etc\/passwd\)/);
  await refuses([note, { header: { path: 'vault/twin.md', type: 'Link', linkpath: 'vault/Fine.md' } }], 'vault/twin.md', /hard link/);
});

test('device nodes and FIFOs are refused', async () => {
  await refuses([note, { header: { path: 'vault/null', type: 'CharacterDevice', devmaj: 1, devmin: 3 } as Crafted['header'] }], 'vault/null', /it is a character device/);
  await refuses([note, { header: { path: 'vault/sda', type: 'BlockDevice', devmaj: 8, devmin: 0 } as Crafted['header'] }], 'vault/sda', /it is a block device/);
  await refuses([note, { header: { path: 'vault/pipe', type: 'FIFO' } }], 'vault/pipe', /it is a FIFO/);
});

test('restoring over a folder, a symbolic link already in it is not written through', async () => {
  const { symlinkSync } = await import('node:fs');
  await refuses([note, file('vault/notes/evil.md')], 'vault/notes/evil.md', /would be written through the symbolic link .*target\/notes already in the target folder/, {
    target: 'full',
    prepare: (root) => symlinkSync(join(root, 'outside'), join(root, 'target', 'notes')),
  });
});

test('entries outside vault/, twice, or naming the target itself are refused', async () => {
  await refuses([note, file('etc/evil.md')], 'etc/evil.md', /outside the vault\/ folder of a Berth backup/);
  await refuses([note, file('vault/Fine.md', 'second')], 'vault/Fine.md', /appears twice/);
  await refuses([{ header: { path: 'vault/', type: 'Directory' } }], 'vault/', /names the target folder itself/);
});
