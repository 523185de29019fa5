// Vault health engine: a full scan of generated vaults side by side with the baseline of merely
// reading every file in Node (each sample its own process, alternating), cold and warm, peak RSS,
// the heap a scanned index keeps, and the cost of one-file incremental updates. Run with `npx tsx bench/vault.ts` (`--skip-100k`
// to skip the big one).
//
// The engine is measured as it ships, bundled by esbuild: under tsx every closure also goes through
// esbuild's keepNames helper (a defineProperty per closure made), which showed in the profiles.
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { buildSync } from 'esbuild';
import type * as Engine from '../src/core/vault/index.js';
import { median, printTable } from './table.js';
import { seededRandom as random } from '../test/support/random.js';

const NOTES_PER_FOLDER = 100;
const LINKS_PER_NOTE = 5;
const SAMPLES = 11;
const EDITS = 200;

const WORDS = 'the vault keeps notes about gardens books meetings code travel recipes ideas and plans for later review'.split(' ');
const folderOf = (i: number) => `area-${Math.floor(i / NOTES_PER_FOLDER)}`;

/** A note of ordinary prose, headings, lists, a code block now and then, and five links of every kind. */
function noteText(i: number, notes: number, rand: () => number): string {
  const other = () => Math.floor(rand() * notes);
  const prose = (n: number) => Array.from({ length: n }, () => WORDS[Math.floor(rand() * WORDS.length)]).join(' ');
  const link = (): string => {
    const j = other();
    const roll = rand();
    if (roll < 0.01) return `[[Missing ${j}]]`;
    if (roll < 0.45) return `[[Note ${j}]]`;
    if (roll < 0.6) return `[[Note ${j}|${prose(2)}]]`;
    if (roll < 0.7) return `[[Note ${j}#Section 2]]`;
    if (roll < 0.75) return `![[image-${j % 500}.png]]`;
    if (roll < 0.9) return `[${prose(2)}](../${folderOf(j)}/Note%20${j}.md)`;
    return `[[${folderOf(j)}/Note ${j}]]`;
  };
  const lines: string[] = [];
  if (i % 5 === 0) lines.push('---', `tags: [${WORDS[i % WORDS.length]}, generated]`, `created: 2024-01-${(i % 28) + 1}`, '---');
  lines.push(`# Note ${i}`, '', `${prose(25)} ${link()} ${prose(20)}.`, '', '## Section 2', '', `${prose(30)}.`);
  for (let k = 1; k < LINKS_PER_NOTE; k++) lines.push(`- ${prose(8)} ${link()} ${prose(6)}`);
  if (i % 10 === 0) lines.push('', '```js', `const link = "[[Not A Link ${i}]]";`, '```');
  lines.push('', `${prose(40)}. ^block-${i}`, '');
  return lines.join('\n');
}

function generateVault(notes: number): string {
  const root = mkdtempSync(join(tmpdir(), `berth-bench-vault-${notes}-`));
  const rand = random(notes);
  for (let f = 0; f * NOTES_PER_FOLDER < notes; f++) mkdirSync(join(root, `area-${f}`));
  mkdirSync(join(root, 'attachments'));
  for (let i = 0; i < 500; i++) writeFileSync(join(root, 'attachments', `image-${i}.png`), 'png');
  for (let i = 0; i < notes; i++) writeFileSync(join(root, folderOf(i), `Note ${i}.md`), noteText(i, notes, rand));
  return root;
}

function bundleEngine(dir: string): string {
  const outfile = join(dir, 'vault-engine.cjs');
  buildSync({
    entryPoints: [join(__dirname, '..', 'src', 'core', 'vault', 'index.ts')],
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    outfile,
    logLevel: 'silent',
  });
  return outfile;
}

const loadEngine = (bundle: string) => require(bundle) as typeof Engine;

/** The baseline: list every file and read every note, as plainly as Node allows (readFileSync is its fastest way). */
function readEverything(root: string): number {
  let bytes = 0;
  for (const entry of readdirSync(root, { recursive: true, withFileTypes: true })) {
    if (entry.isFile() && entry.name.endsWith('.md')) bytes += readFileSync(join(entry.parentPath, entry.name), 'utf8').length;
  }
  return bytes;
}

/**
 * One sample in this (fresh) process: prints the time, the peak RSS and the heap that stays in use
 * after a full GC while the index is kept (what an extension host holds between scans). Loading
 * the engine's bundle (10-18 ms) happens before the clock starts: it is paid once when the
 * extension activates, not per scan.
 */
async function probe(kind: string, root: string, bundle: string, warm: boolean): Promise<void> {
  const engine = kind === 'scan' ? loadEngine(bundle) : undefined;
  const run = async () => {
    if (!engine) return { links: (readEverything(root), 0), index: undefined };
    const index = new engine.VaultIndex(root);
    return { links: (await index.scan()).links, index };
  };
  // Warm: the same run once before the clock, as a rescan in a running extension host follows the first scan.
  if (warm) await run();
  const start = performance.now();
  const { links, index } = await run();
  const ms = performance.now() - start;
  global.gc?.();
  const heapMb = process.memoryUsage().heapUsed / 1024 / 1024;
  // The index is used after the GC, so that the heap figure includes it.
  const notes = index?.report().notes ?? 0;
  console.log(JSON.stringify({ ms, rssMb: process.resourceUsage().maxRSS / 1024, heapMb, links, notes }));
}

interface Sample {
  ms: number;
  rssMb: number;
  heapMb: number;
  links: number;
}

type Mode = 'cold' | 'warm';

function sample(kind: 'scan' | 'read', mode: Mode, root: string, bundle: string): Sample {
  const result = spawnSync(process.execPath, ['--expose-gc', '--import', 'tsx', __filename, '--probe', kind, root, bundle, mode], { encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`probe ${kind} failed: ${result.stderr}`);
  return JSON.parse(result.stdout.trim().split('\n').pop()!) as Sample;
}

/**
 * Cold: each sample is a fresh process's first run, as the CLI scans and as the extension's first
 * scan runs, with V8 compiling the code as it goes. Warm: the second run in a process.
 */
function compareScan(notes: number, samples: number, bundle: string, modes: readonly Mode[]): void {
  const root = generateVault(notes);
  try {
    for (const mode of modes) compareScanIn(root, notes, samples, bundle, mode);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}

function compareScanIn(root: string, notes: number, samples: number, bundle: string, mode: Mode): void {
  const read: Sample[] = [];
  const scan: Sample[] = [];
  for (let i = 0; i < samples; i++) {
    read.push(sample('read', mode, root, bundle));
    scan.push(sample('scan', mode, root, bundle));
  }
  const ms = (samples: Sample[]) => samples.map((s) => s.ms);
  const readRss = median(read.map((s) => s.rssMb));
  const scanRss = median(scan.map((s) => s.rssMb));
  const heap = (samples: Sample[]) => median(samples.map((s) => s.heapMb)).toFixed(0);
  // Each scan against the read just before it: the shared machine's slow and quiet minutes then
  // weigh on both sides of a ratio alike, which a ratio of the two medians does not promise.
  const ratios = scan.map((s, i) => s.ms / read[i]!.ms);
  const links = scan[0]!.links;
  const what = mode === 'cold' ? 'full scan (cold: a fresh process each)' : 'rescan (warm: the second run in a process)';
  printTable(
    `${what[0]!.toUpperCase()}${what.slice(1)}, ${notes.toLocaleString('en-US')} notes, ${links.toLocaleString('en-US')} links ` +
      `(${samples} processes each, alternating; ratio: median of each scan over the read before it, ` +
      `with its range; target at 10,000: < 1000 ms and <= 3x the baseline)`,
    ['run', 'median ms', 'min ms', 'ratio', 'ratio range', 'peak RSS MB', 'RSS ratio', 'heap kept MB'],
    [
      ['baseline: list + read every note', median(ms(read)).toFixed(1), Math.min(...ms(read)).toFixed(1), '1.00', '', readRss.toFixed(0), '1.00', heap(read)],
      [
        'berth: VaultIndex.scan()',
        median(ms(scan)).toFixed(1),
        Math.min(...ms(scan)).toFixed(1),
        median(ratios).toFixed(2),
        `${Math.min(...ratios).toFixed(2)}-${Math.max(...ratios).toFixed(2)}`,
        scanRss.toFixed(0),
        (scanRss / readRss).toFixed(2),
        heap(scan),
      ],
    ],
  );
}

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))]!;
}

async function incremental(notes: number, bundle: string): Promise<void> {
  const root = generateVault(notes);
  try {
    const index = new (loadEngine(bundle).VaultIndex)(root);
    await index.scan();
    const rand = random(7);
    const pick = () => Math.floor(rand() * notes);
    const path = (i: number) => `${folderOf(i)}/Note ${i}.md`;
    const timings: Record<string, number[]> = { update: [], editorUpdate: [], report: [], create: [], rename: [], remove: [] };
    const time = async (name: string, fn: () => unknown) => {
      const start = performance.now();
      await fn();
      timings[name]!.push(performance.now() - start);
    };
    for (let e = 0; e < EDITS; e++) {
      const i = pick();
      const text = `${noteText(i, notes, rand)}\nAlso see [[Note ${pick()}]] and [[Missing ${e}]].\n`;
      await writeFile(join(root, path(i)), text);
      await time('update', () => index.update(path(i)));
      await time('report', () => index.report());
      await time('editorUpdate', () => index.update(path(pick()), `# Draft\n[[Note ${pick()}]] [[Missing ${e}]]`));
      index.report();
      // A new note that mends the broken links to it, then moves and goes.
      const created = `area-0/Missing ${e}.md`;
      await writeFile(join(root, created), '# Mended');
      await time('create', () => index.update(created));
      index.report();
      await time('rename', () => index.rename(created, `area-1/Moved ${e}.md`));
      index.report();
      await time('remove', () => index.remove(`area-1/Moved ${e}.md`));
      index.report();
    }
    const rows = Object.entries({
      update: 'update(path): re-read and re-index one edited note',
      editorUpdate: 'update(path, text): unsaved editor content',
      report: 'report() after an update',
      create: 'update(path) of a new note that mends links',
      rename: 'rename(from, to) of a note',
      remove: 'remove(path) of a note',
    }).map(([key, label]) => {
      const values = timings[key]!;
      return [label, median(values).toFixed(3), percentile(values, 0.95).toFixed(3), Math.max(...values).toFixed(3)];
    });
    printTable(
      `Incremental, ${notes.toLocaleString('en-US')} notes, ${EDITS} edits each (target: one-file update < 5 ms)`,
      ['operation', 'median ms', 'p95 ms', 'max ms'],
      rows,
    );
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  if (args[0] === '--probe') return probe(args[1]!, args[2]!, args[3]!, args[4] === 'warm');
  const work = mkdtempSync(join(tmpdir(), 'berth-bench-engine-'));
  try {
    const bundle = bundleEngine(work);
    compareScan(10_000, SAMPLES, bundle, ['cold', 'warm']);
    await incremental(10_000, bundle);
    if (!args.includes('--skip-100k')) compareScan(100_000, 3, bundle, ['cold']);
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
