import assert from 'node:assert/strict';
import { realpath } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { NoteReader } from '../../src/core/vault/noteReader.js';
import { makeVault, removeVault } from './vault-support.js';

test('NoteReader reads whole files as UTF-8, growing past its first buffer, and gives undefined for missing ones', async () => {
  // Multi-byte characters straddle the 64 KiB boundary of the first buffer; the big note needs two
  // growths, and a note of exactly 64 KiB fills the first buffer to the last byte.
  const big = `${'é'.repeat(40_000)}😀\n${'x'.repeat(150_000)}[[End]]`;
  const files = { 'empty.md': '', 'bom.md': '\uFEFF# Title', 'small.md': 'Café [[Link]]', 'exact.md': 'x'.repeat(64 * 1024), 'big.md': big };
  const root = await makeVault(files);
  try {
    const reader = new NoteReader(await realpath(root));
    // Read twice in this order: a small file after a big one must not see the big one's bytes.
    for (let round = 0; round < 2; round++) {
      for (const [name, text] of Object.entries(files)) assert.equal(reader.read(join(root, name)), text, `${name}, round ${round}`);
    }
    assert.equal(reader.read(join(root, 'missing.md')), undefined);
    assert.equal(reader.read(root), undefined, 'a folder is no note');
  } finally {
    await removeVault(root);
  }
});
