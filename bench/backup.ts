// Vault backups: `berth vault backup` of a generated 1 GB vault side by side with `tar czf` of the
// same folder, and `berth vault verify` side by side with merely reading the archive (`gzip -dc`),
// each a process of its own, alternating, the files warm in the page cache for both. Run with
// `npx tsx bench/backup.ts` after `node esbuild.mjs` (`--size-mb N` for another size). The data
// lives under /tmp and is deleted at the end.
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { prose } from '../test/support/backups.js';
import { seededRandom } from '../test/support/random.js';
import { median, printTable } from './table.js';

const SAMPLES = 3;
const CLI = join(__dirname, '..', 'dist', 'cli.js');
const sizeArg = process.argv.indexOf('--size-mb');
const SIZE_MB = sizeArg > 0 ? Number(process.argv[sizeArg + 1]) : 1024;

/**
 * A vault as people have them: 10,000 notes of prose (about 5% of the bytes) in 100 folders, and
 * attachments that do not compress (photos, PDFs, recordings) for the rest.
 */
function generateVault(root: string): number {
  const rand = seededRandom(2026);
  let bytes = 0;
  const notes = Math.min(10_000, Math.max(100, Math.floor(SIZE_MB * 10)));
  for (let i = 0; i < notes; i++) {
    const folder = join(root, `area-${i % 100}`);
    if (i < 100) mkdirSync(folder, { recursive: true });
    const text = `# Note ${i}\n\n${prose(rand, 700)} [[Note ${(i * 7) % notes}]]\n`;
    writeFileSync(join(folder, `Note ${i}.md`), text);
    bytes += Buffer.byteLength(text);
  }
  mkdirSync(join(root, 'attachments'));
  const attachment = 2.5 * 1024 * 1024;
  for (let i = 0; bytes < SIZE_MB * 1024 * 1024; i++) {
    writeFileSync(join(root, 'attachments', `scan-${i}.jpg`), randomBytes(attachment));
    bytes += attachment;
  }
  return bytes;
}

function timed(command: string, args: string[], options: { shell?: boolean } = {}): number {
  const started = performance.now();
  const result = spawnSync(command, args, { stdio: ['ignore', 'ignore', 'pipe'], encoding: 'utf8', ...options });
  const seconds = (performance.now() - started) / 1000;
  if (result.status !== 0) throw new Error(`${command} ${args.join(' ')} failed (${result.status}): ${result.stderr}`);
  return seconds;
}

function main(): void {
  statSync(CLI);
  const dir = mkdtempSync(join(tmpdir(), 'berth-bench-backup-'));
  try {
    const vault = join(dir, 'vault');
    mkdirSync(vault);
    console.log(`Generating a ${SIZE_MB} MB vault in ${vault}…`);
    const bytes = generateVault(vault);
    // Both read from the page cache: the first sample of either must not pay for the disk.
    timed('sh', ['-c', `tar cf - -C '${vault}' . > /dev/null`]);

    const backupTimes: number[] = [];
    const tarTimes: number[] = [];
    const berthArchive = join(dir, 'berth.tar.gz');
    const tarArchive = join(dir, 'tar.tar.gz');
    const env = { ...process.env, XDG_CACHE_HOME: join(dir, 'cache') };
    for (let i = 0; i < SAMPLES; i++) {
      rmSync(berthArchive, { force: true });
      rmSync(tarArchive, { force: true });
      tarTimes.push(timed('tar', ['czf', tarArchive, '-C', vault, '.']));
      const started = performance.now();
      const result = spawnSync(process.execPath, [CLI, 'vault', 'backup', vault, '--out', berthArchive], { env, stdio: ['ignore', 'ignore', 'pipe'], encoding: 'utf8' });
      if (result.status !== 0) throw new Error(`berth vault backup failed: ${result.stderr}`);
      backupTimes.push((performance.now() - started) / 1000);
    }

    const verifyTimes: number[] = [];
    const gunzipTimes: number[] = [];
    const listTimes: number[] = [];
    for (let i = 0; i < SAMPLES; i++) {
      gunzipTimes.push(timed('sh', ['-c', `gzip -dc '${berthArchive}' | cat > /dev/null`]));
      listTimes.push(timed('tar', ['tzf', berthArchive]));
      const started = performance.now();
      const result = spawnSync(process.execPath, [CLI, 'vault', 'verify', berthArchive], { env, stdio: ['ignore', 'ignore', 'pipe'], encoding: 'utf8' });
      if (result.status !== 0) throw new Error(`berth vault verify failed: ${result.stderr}`);
      verifyTimes.push((performance.now() - started) / 1000);
    }

    const mb = bytes / 1e6;
    const rate = (times: number[]) => mb / median(times);
    const range = (times: number[]) => `${Math.min(...times).toFixed(2)}-${Math.max(...times).toFixed(2)}`;
    const load = loadavg().map((value) => value.toFixed(1)).join(' ');
    printTable(
      `Backup of a generated vault, ${mb.toFixed(0)} MB (${SAMPLES} samples each, alternating; load average ${load})`,
      ['command', 'median s', 'range s', 'MB/s', 'archive MB', 'vs tar czf'],
      [
        ['tar czf', median(tarTimes).toFixed(2), range(tarTimes), rate(tarTimes).toFixed(0), (statSync(tarArchive).size / 1e6).toFixed(0), '1.00'],
        ['berth vault backup', median(backupTimes).toFixed(2), range(backupTimes), rate(backupTimes).toFixed(0), (statSync(berthArchive).size / 1e6).toFixed(0), (rate(backupTimes) / rate(tarTimes)).toFixed(2)],
      ],
    );
    printTable(
      `Reading Berth's archive back (${(statSync(berthArchive).size / 1e6).toFixed(0)} MB compressed)`,
      ['command', 'median s', 'range s', 'MB/s of vault'],
      [
        ['gzip -dc | cat > /dev/null', median(gunzipTimes).toFixed(2), range(gunzipTimes), rate(gunzipTimes).toFixed(0)],
        ['tar tzf', median(listTimes).toFixed(2), range(listTimes), rate(listTimes).toFixed(0)],
        ['berth vault verify (every SHA-256)', median(verifyTimes).toFixed(2), range(verifyTimes), rate(verifyTimes).toFixed(0)],
      ],
    );
    const backupRatio = rate(backupTimes) / rate(tarTimes);
    const verifyRatio = median(gunzipTimes) / median(verifyTimes);
    printTable('Goals', ['goal', 'measured', 'met'], [
      ['backup throughput at least 0.8x tar czf of the same folder', `${backupRatio.toFixed(2)}x`, backupRatio >= 0.8 ? 'yes' : 'NO'],
      ['verify at least as fast as reading the archive (gzip -dc | cat)', `${verifyRatio.toFixed(2)}x its speed`, verifyRatio >= 1 ? 'yes' : 'NO'],
    ]);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

main();
