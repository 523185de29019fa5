// Trees on disk for the backup tests: a snapshot to compare two trees by, a generated vault with
// the hard cases, and hostile archives made with tar's own Pack.
import { createHash } from 'node:crypto';
import { closeSync, ftruncateSync, lstatSync, mkdirSync, openSync, readdirSync, readFileSync, readlinkSync, symlinkSync, utimesSync, writeFileSync, writeSync, chmodSync, linkSync } from 'node:fs';
import { once } from 'node:events';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { Header, type HeaderData } from 'tar/header';
import { Pack } from 'tar/pack';
import { ReadEntry } from 'tar/read-entry';
import { MANIFEST_NAME } from '../../src/core/vault/backup/format.js';
import { seededRandom } from './random.js';

export interface Node {
  type: 'file' | 'directory' | 'symlink' | 'other';
  mode: number;
  mtimeMs: number;
  size?: number;
  sha256?: string;
  target?: string;
}

/** Every path under `root` (not `root` itself) with what a restore must give back. */
export function snapshot(root: string): Map<string, Node> {
  const nodes = new Map<string, Node>();
  const walk = (dir: string) => {
    for (const name of readdirSync(join(root, dir)).sort()) {
      const path = dir ? `${dir}/${name}` : name;
      const stats = lstatSync(join(root, path));
      const common = { mode: stats.mode & 0o7777, mtimeMs: stats.mtimeMs };
      if (stats.isDirectory()) {
        nodes.set(path, { type: 'directory', ...common });
        walk(path);
      } else if (stats.isFile()) {
        nodes.set(path, { type: 'file', ...common, size: stats.size, sha256: createHash('sha256').update(readFileSync(join(root, path))).digest('hex') });
      } else if (stats.isSymbolicLink()) {
        nodes.set(path, { type: 'symlink', mtimeMs: stats.mtimeMs, mode: 0, target: readlinkSync(join(root, path)) });
      } else {
        nodes.set(path, { type: 'other', ...common });
      }
    }
  };
  walk('');
  return nodes;
}

/**
 * The differences between two snapshots, one line each: times may differ by 2 µs at most, since
 * utimes takes a double of seconds and sets microseconds.
 */
export function differences(expected: Map<string, Node>, actual: Map<string, Node>): string[] {
  const found: string[] = [];
  for (const [path, node] of expected) {
    const other = actual.get(path);
    if (!other) {
      found.push(`${path}: missing`);
      continue;
    }
    const { mtimeMs, ...rest } = node;
    const { mtimeMs: otherMtime, ...otherRest } = other;
    if (JSON.stringify(rest) !== JSON.stringify(otherRest)) found.push(`${path}: ${JSON.stringify(rest)} became ${JSON.stringify(otherRest)}`);
    if (Math.abs(mtimeMs - otherMtime) > 0.002) found.push(`${path}: mtime ${mtimeMs} became ${otherMtime}`);
  }
  for (const path of actual.keys()) if (!expected.has(path)) found.push(`${path}: unexpected`);
  return found;
}

const WORDS = 'the vault keeps notes about gardens books meetings code travel recipes ideas and plans for later review'.split(' ');

export function prose(rand: () => number, words: number): string {
  return Array.from({ length: words }, () => WORDS[Math.floor(rand() * WORDS.length)]).join(' ');
}

/**
 * A vault with what a backup can get wrong: Unicode names (both normalisation forms, emoji, CJK,
 * spaces), empty files, a folder 40 deep, a 100 MB attachment (sparse, so made at once), modes
 * from 0444 to 0755 with a read-only folder, a link inside the vault, a hard-linked pair,
 * .obsidian settings, and times with a fraction of a second.
 */
export function generateVault(root: string, { bigAttachment = 100 * 1024 * 1024 } = {}): void {
  const rand = seededRandom(14);
  mkdirSync(root, { recursive: true });
  const file = (path: string, text: string | Buffer, mode = 0o644) => {
    mkdirSync(join(root, path, '..'), { recursive: true });
    writeFileSync(join(root, path), text);
    chmodSync(join(root, path), mode);
  };
  file('Welcome.md', `# Welcome\n\nSee [[Café]], [[日本語のノート]] and [[deep]].\n${prose(rand, 200)}\n`);
  file('Café.md', `# Café (NFC)\n${prose(rand, 50)}\n`);
  file('Cafe\u0301 décomposé.md', `# NFD\n${prose(rand, 50)}\n`);
  file('日本語のノート.md', `# 日本語\n${prose(rand, 80)}\n`);
  file('Ideas 💡/Rocket 🚀 launch.md', `# Rocket\n${prose(rand, 80)}\n`);
  file('Empty.md', '');
  file('Ideas 💡/empty attachment.bin', Buffer.alloc(0));
  file('Read only.md', '# Do not edit\n', 0o444);
  file('scripts/sync.sh', '#!/bin/sh\necho sync\n', 0o755);
  file('Private.md', '# Private\n', 0o600);
  file('.obsidian/app.json', '{"vimMode": true}\n');
  file('.obsidian/plugins/dataview/data.json', '{}\n');
  const deep = Array.from({ length: 40 }, (_, i) => `level-${i}`).join('/');
  file(`${deep}/deep.md`, '# The bottom\n');
  mkdirSync(join(root, 'Empty folder'));
  file('Archive/old.md', '# Old\n');
  chmodSync(join(root, 'Archive'), 0o555);
  symlinkSync('Welcome.md', join(root, 'Start here.md'));
  symlinkSync('../Café.md', join(root, 'Ideas 💡/cafe-link.md'));
  file('attachments/twin-a.txt', 'the same inode twice\n');
  linkSync(join(root, 'attachments/twin-a.txt'), join(root, 'attachments/twin-b.txt'));
  if (bigAttachment) {
    // Sparse: a few bytes of data in 100 MB of holes, made in no time and read back as zeros.
    const fd = openSync(join(root, 'attachments/recording.m4a'), 'w');
    try {
      ftruncateSync(fd, bigAttachment);
      for (const at of [0, bigAttachment / 2, bigAttachment - 5]) writeSync(fd, Buffer.from('berth'), 0, 5, at);
    } finally {
      closeSync(fd);
    }
  }
  // Times with a fraction of a second, folders last (writing into a folder sets its time).
  const paths = [...snapshot(root).keys()].reverse();
  let time = 1_700_000_000.123456;
  for (const path of paths) {
    time -= 3600.25;
    const stats = lstatSync(join(root, path));
    if (stats.isSymbolicLink()) continue;
    utimesSync(join(root, path), time, time);
  }
}

/** An entry of a crafted archive: a header and, for files, its data. */
export interface Crafted {
  header: HeaderData;
  data?: string | Buffer;
}

/**
 * Writes a gzip-compressed tar of exactly the entries given, with tar's own Pack and its
 * `preservePaths`, so that absolute paths and `..` go in as written. With `manifest`, a manifest
 * that vouches for every entry is added last, so that a refusal cannot come from a missing one.
 */
export async function craftArchive(file: string, entries: readonly Crafted[], { manifest = true } = {}): Promise<void> {
  const pack = new Pack({ preservePaths: true });
  // Taken as it comes, so that Pack writes each entry as it is added.
  const chunks: Buffer[] = [];
  pack.on('data', (chunk: Buffer) => chunks.push(chunk));
  const ended = once(pack, 'end');
  const records: unknown[] = [];
  const add = (header: HeaderData, data = Buffer.alloc(0)) => {
    const entry = new ReadEntry(new Header({ mode: 0o644, mtime: new Date(1_700_000_000_000), ...header, size: data.length }));
    pack.add(entry);
    entry.end(data);
  };
  for (const { header, data } of entries) {
    const bytes = data === undefined ? undefined : Buffer.from(data);
    add(header, bytes);
    const path = (header.path ?? '').replace(/^vault\//, '').replace(/\/$/, '');
    const common = { path: path || 'x', mtime: 1_700_000_000_000 };
    if (header.type === 'Directory') records.push({ type: 'directory', mode: 0o755, ...common });
    else if (header.type === 'SymbolicLink') records.push({ type: 'symlink', target: header.linkpath, ...common });
    else records.push({ type: 'file', size: bytes?.length ?? 0, mode: 0o644, sha256: createHash('sha256').update(bytes ?? Buffer.alloc(0)).digest('hex'), ...common });
  }
  if (manifest) {
    const text = JSON.stringify({
      format: 'berth-backup',
      formatVersion: 1,
      berthVersion: '0.1.0',
      createdAt: new Date(1_700_000_000_000).toISOString(),
      vault: { name: 'crafted', path: '/crafted', score: 100 },
      entries: records,
    });
    add({ path: MANIFEST_NAME, type: 'File' }, Buffer.from(text));
  }
  pack.end();
  await ended;
  writeFileSync(file, gzipSync(Buffer.concat(chunks)));
}

/** Waits for a child's exit, whatever it was. */
export async function exited(child: import('node:child_process').ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  await once(child, 'exit');
}
