import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import { createOperationCatalog } from '../../src/core/catalog.js';
import { silentContext } from '../../src/core/operations.js';
import { Vaults, type LiveVaultState } from '../../src/core/vault/live.js';
import { makeVault, removeVault, writeFiles } from './vault-support.js';

/** Read through a call, so that an assertion on an earlier state does not narrow the type of a later one. */
const stateOf = (vault: { state: LiveVaultState }): LiveVaultState => vault.state;

const states = (vault: { onChange(listener: (state: LiveVaultState) => void): unknown }) => {
  const seen: LiveVaultState[] = [];
  vault.onChange((state) => seen.push(state));
  return seen;
};

const settled = (vault: { state: LiveVaultState; onChange(listener: (state: LiveVaultState) => void): { dispose(): void } }, count: (state: LiveVaultState) => boolean) =>
  new Promise<LiveVaultState>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no such state within 5 s; last: ${JSON.stringify(vault.state).slice(0, 200)}`)), 5000);
    const subscription = vault.onChange((state) => {
      if (!count(state)) return;
      clearTimeout(timer);
      subscription.dispose();
      resolve(state);
    });
  });

test('a live vault follows file changes in one report per burst, and its operations read it', async () => {
  const root = await makeVault({ 'A.md': 'Links to [[B]].\n', 'B.md': '# B\n' });
  const vaults = new Vaults();
  const live = vaults.open(root, []);
  try {
    const seen = states(live);
    await live.rescan();
    assert.equal(live.state.kind, 'ready');
    assert.deepEqual(seen.map((s) => s.kind), ['scanning', 'ready']);

    await writeFiles(root, { 'A.md': 'Links to [[B]] and [[C]] and [[D]].\n' });
    const next = settled(live, (state) => state.kind === 'ready');
    live.changed(join(root, 'A.md'));
    live.changed(join(root, 'A.md'));
    live.changed(join(root, 'B.md'));
    const after = await next;
    assert.ok(after.kind === 'ready');
    assert.deepEqual(after.report.brokenLinks.map((link) => link.target), ['C', 'D']);
    assert.equal(seen.length, 3, 'three changes, one new report');

    // Unsaved editor text counts without touching the file.
    const edited = settled(live, (state) => state.kind === 'ready');
    live.changed(join(root, 'A.md'), 'Only [[B]] now.\n');
    assert.ok((await edited).kind === 'ready' && live.state.kind === 'ready' && live.state.report.brokenLinks.length === 0);

    // The operation reads the live index, unsaved text included: a fresh scan would see C and D.
    const catalog = createOperationCatalog({ vaults });
    const report = (await catalog.invoke('vault.health', { dir: root }, silentContext('test', root))) as { brokenLinks: unknown[] };
    assert.equal(report.brokenLinks.length, 0);
    const fresh = (await catalog.invoke('vault.health', { dir: root, fresh: true }, silentContext('test', root))) as { brokenLinks: unknown[] };
    assert.equal(fresh.brokenLinks.length, 2, '--fresh scans the files again');

    live.changed(join(root, '..', 'outside.md'));
    assert.equal(vaults.get(root), live);
  } finally {
    live.dispose();
    assert.equal(vaults.get(root), undefined, 'a disposed vault is no longer shared');
    await removeVault(root);
  }
});

test('a live vault whose folder is missing says why, and recovers when it appears', async () => {
  const root = await makeVault({});
  await removeVault(root);
  const live = new Vaults().open(root, []);
  try {
    await live.rescan();
    assert.ok(live.state.kind === 'failed' && /No folder at/.test(live.state.message));
    await writeFiles(root, { 'N.md': '# N\n' });
    await live.rescan();
    const state = stateOf(live);
    assert.ok(state.kind === 'ready' && state.report.notes === 1);
  } finally {
    live.dispose();
    await removeVault(root);
  }
});
