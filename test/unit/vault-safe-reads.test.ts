import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { closeSync, constants, openSync } from 'node:fs';
import { realpath, symlink } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { pathToFileURL } from 'node:url';
import { VaultIndex } from '../../src/core/vault/index.js';
import { makeVault, removeVault } from './vault-support.js';

const REPO = join(__dirname, '..', '..');

/** Fails instead of hanging when `promise` has not settled within `ms`. */
async function within<T>(ms: number, what: string, promise: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} did not return within ${ms} ms`)), ms);
  });
  try {
    return await Promise.race([promise, late]);
  } finally {
    clearTimeout(timer);
  }
}

/** Lets go of a reader stuck opening the FIFO (the code before the fix), so that the test process can end. */
function releaseFifo(path: string): void {
  try {
    closeSync(openSync(path, constants.O_WRONLY | constants.O_NONBLOCK));
  } catch {
    // ENXIO: nobody is reading it, as it should be.
  }
}

test('a FIFO named like a note blocks neither a scan nor an update, and is no note', async () => {
  const root = await makeVault({ 'Home.md': '[[a]]' });
  const fifo = join(root, 'a.md');
  execFileSync('mkfifo', [fifo]);
  try {
    const index = new VaultIndex(root);
    const report = await within(5000, 'scan', index.scan());
    assert.equal(report.notes, 1);
    await within(5000, 'update of the FIFO', index.update('a.md'));
    await within(5000, 'update of the FIFO', index.update(fifo));
    assert.equal(index.has('a.md'), false);
    assert.deepEqual(index.report().brokenLinks.map((link) => link.target), ['a']);
  } finally {
    releaseFifo(fifo);
    await removeVault(root);
  }
});

test('NoteReader turns a FIFO away without blocking, even when handed one directly', async () => {
  // In a child process: a reader that blocks, blocks synchronously, and only a kill ends it.
  const root = await makeVault({});
  const fifo = join(root, 'swapped.md');
  execFileSync('mkfifo', [fifo]);
  try {
    const script = `
      const { NoteReader } = require(${JSON.stringify(join(REPO, 'src', 'core', 'vault', 'noteReader.ts'))});
      const text = new NoteReader(${JSON.stringify(await realpath(root))}).read(${JSON.stringify(fifo)});
      process.stdout.write(String(text));`;
    const result = spawnSync(process.execPath, ['--import', pathToFileURL(require.resolve('tsx')).href, '-e', script], {
      encoding: 'utf8',
      timeout: 10_000,
    });
    assert.equal(result.signal, null, 'the read blocked and was killed');
    assert.equal(result.stdout, 'undefined', result.stderr);
  } finally {
    releaseFifo(fifo);
    await removeVault(root);
  }
});

test('a symbolic link to a file outside the vault is no note, by scan or update; one inside still is', async () => {
  const root = await makeVault({ 'real.md': '# Real\n[[alias]] [[env]] [[out]]' });
  try {
    await symlink('/proc/self/environ', join(root, 'env.md'));
    await symlink('/etc/hostname', join(root, 'out.md'));
    await symlink(join(root, 'real.md'), join(root, 'alias.md'));
    const index = new VaultIndex(root);
    const report = await index.scan();
    assert.equal(index.has('env.md'), false);
    assert.equal(index.has('out.md'), false);
    assert.equal(index.has('alias.md'), true);
    assert.deepEqual(
      [report.notes, report.brokenLinks.map((link) => `${link.source}: ${link.target}`)],
      [2, ['alias.md: env', 'alias.md: out', 'real.md: env', 'real.md: out']],
    );
    // Told of them one by one, as the extension's file watcher would.
    for (const path of ['env.md', 'out.md', join(root, 'env.md')]) await index.update(path);
    await index.update('alias.md');
    assert.deepEqual(index.report(), report);
    assert.deepEqual(
      index.linksFrom('alias.md').map((link) => [link.raw, link.status]),
      [
        ['alias', 'resolved'],
        ['env', 'broken'],
        ['out', 'broken'],
      ],
      'the linked note was read',
    );
  } finally {
    await removeVault(root);
  }
});

test('an update never walks or reads through a symlinked folder (r -> /), as a scan never does', async () => {
  const root = await makeVault({ 'Home.md': '[[Inner]]', 'sub/Inner.md': 'i' });
  try {
    await symlink('/', join(root, 'r'));
    await symlink(join(root, 'sub'), join(root, 'linked'));
    const index = new VaultIndex(root);
    const report = await index.scan();
    assert.deepEqual([report.notes, report.attachments], [2, 0]);
    await within(5000, 'update of r -> /', index.update('r'));
    await within(5000, 'update under r -> /', index.update('r/etc/hostname'));
    await index.update(join(root, 'r', 'etc'));
    await index.update('linked');
    await index.update('linked/Inner.md');
    await index.update('linked/Draft.md', '[[Home]]');
    assert.deepEqual(index.report(), report, 'nothing behind the links came in');
    assert.equal(index.has('linked/Inner.md'), false);
  } finally {
    await removeVault(root);
  }
});
