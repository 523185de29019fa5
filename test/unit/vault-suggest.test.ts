import assert from 'node:assert/strict';
import { test } from 'node:test';
import { closestNoteName } from '../../src/core/vault/suggest.js';
import { VaultIndex } from '../../src/core/vault/index.js';
import { makeVault, removeVault } from './vault-support.js';

const NAMES = ['Welcome', 'Ideas', 'Projects', 'Reading List', 'Meeting Notes 2024', 'folder/Dup', 'other/Dup'];

test('closestNoteName: typos, case, transpositions and .md find the note', () => {
  assert.equal(closestNoteName('Reading Lists', NAMES), 'Reading List');
  assert.equal(closestNoteName('reading list', NAMES), 'Reading List');
  assert.equal(closestNoteName('Ideas.md', NAMES), 'Ideas');
  assert.equal(closestNoteName('Porjects', NAMES), 'Projects');
  assert.equal(closestNoteName('Welcom', NAMES), 'Welcome');
  assert.equal(closestNoteName('folder/Dupe', NAMES), 'folder/Dup');
});

test('closestNoteName: nothing when no name is close enough', () => {
  assert.equal(closestNoteName('Quarterly Budget', NAMES), undefined);
  assert.equal(closestNoteName('Xy', NAMES), undefined);
  assert.equal(closestNoteName('', NAMES), undefined);
  assert.equal(closestNoteName('Ideas', []), undefined);
});

test('noteNames gives each note the name a link would use, with the path where names repeat', async () => {
  const root = await makeVault({ 'Welcome.md': '', 'a/Dup.md': '', 'b/Dup.md': '', 'b/Solo.md': '', 'pic.png': '' });
  try {
    const index = new VaultIndex(root);
    await index.scan();
    assert.deepEqual(index.noteNames(), ['Solo', 'Welcome', 'a/Dup', 'b/Dup']);
    assert.equal(closestNoteName('Wellcome', index.noteNames()), 'Welcome');
  } finally {
    await removeVault(root);
  }
});
