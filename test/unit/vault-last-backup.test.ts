import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { backupAge, lastBackup, vaultBackupsFolder } from '../../src/core/vault/backup/lastBackup.js';

const DAY = 86_400_000;

test('the newest backup of the vault in its backups folder, ignoring others and temporary files', async () => {
  const root = await mkdtemp(join(tmpdir(), 'berth-last-backup-'));
  try {
    const vault = join(root, 'Notes');
    await mkdir(vault);
    const env = { XDG_STATE_HOME: join(root, 'state') };
    assert.equal(await lastBackup(vault, env), undefined, 'no folder yet');
    const folder = await vaultBackupsFolder(vault, env);
    assert.ok(folder.startsWith(join(root, 'state', 'berth', 'backups', 'Notes-')), folder);
    await mkdir(folder, { recursive: true });
    const older = join(folder, 'Notes-2026-01-01T00-00-00.000Z.tar.gz');
    const newer = join(folder, 'Notes-2026-02-01T00-00-00.000Z.tar.gz');
    for (const [file, daysAgo] of [[older, 10], [newer, 2], [join(folder, 'Other-2026-03-01T00-00-00.000Z.tar.gz'), 0], [join(folder, 'notes.txt'), 0]] as const) {
      await writeFile(file, 'x');
      const at = new Date(Date.now() - daysAgo * DAY);
      await utimes(file, at, at);
    }
    const last = await lastBackup(vault, env);
    assert.equal(last?.file, newer);
    assert.deepEqual(backupAge(last, new Date(), 7), { age: '2 days ago', stale: false });
    assert.deepEqual(backupAge(last, new Date(), 1), { age: '2 days ago', stale: true });
  } finally {
    await rm(root, { recursive: true, force: true });
  }
});

test('ages read as a person says them; no backup is stale', () => {
  const now = new Date('2026-12-07T12:00:00Z');
  const ago = (ms: number) => ({ file: 'f', at: new Date(now.getTime() - ms) });
  assert.deepEqual(backupAge(undefined, now, 7), { age: 'never', stale: true });
  assert.equal(backupAge(ago(5_000), now, 7).age, 'just now');
  assert.equal(backupAge(ago(60_000), now, 7).age, '1 minute ago');
  assert.equal(backupAge(ago(3 * 3600_000), now, 7).age, '3 hours ago');
  assert.deepEqual(backupAge(ago(8 * DAY), now, 7), { age: '8 days ago', stale: true });
});
