import assert from 'node:assert/strict';
import { test } from 'node:test';
import { checkContents } from '../../src/core/vault/backup/check.js';
import type { ArchiveContents } from '../../src/core/vault/backup/reader.js';

const hash = (c: string) => c.repeat(64);
const record = (path: string, sha256: string) => ({ type: 'file' as const, path, size: 10, mode: 0o644, mtime: 1_700_000_000_000, sha256 });
const entry = (index: number, path: string, sha256: string) => ({ index, path: `vault/${path}`, type: 'File', size: 10, mode: 0o644, mtime: new Date(1_700_000_000_000), linkpath: undefined, sha256 });

test('damage that travelled into the manifest still names the note it hit first, not the notes whose paths it bent', () => {
  // One flipped byte in the long note's compressed data: its content no longer matches, and the
  // copies deflate makes of earlier bytes bent two paths in the manifest (the CRC says so at the end).
  const manifest = {
    format: 'berth-backup',
    formatVersion: 1,
    berthVersion: '0.1.0',
    createdAt: '2026-12-07T10:00:00.000Z',
    vault: { name: 'v', path: '/v', score: 90 },
    entries: [record('A small nbte.md', hash('a')), record('Lonf note.md', hash('b')), record('Z last.md', hash('c'))],
  };
  const contents: ArchiveContents = {
    entries: [entry(0, 'A small note.md', hash('a')), entry(1, 'Long note.md', hash('d')), entry(2, 'Z last.md', hash('c'))],
    manifest: JSON.stringify(manifest),
    damage: { problem: 'its gzip checksum (CRC-32) does not match its content' },
  };
  const { problems } = checkContents(contents);
  assert.deepEqual(problems[0], { path: 'Long note.md', problem: 'it is in the archive but not in its manifest' });
  assert.match(problems[1]!.problem, /manifest holds its content under another path \(A small nbte\.md\)/);
  assert.equal(problems[1]!.path, 'A small note.md');
  assert.equal(problems.at(-1)!.problem, 'its gzip checksum (CRC-32) does not match its content');
});
