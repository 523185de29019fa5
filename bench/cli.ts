// The CLI as a person feels it: whole processes, each run in turn with its baseline (the order
// rotating every round). `berth --help` against `node -e 0` (goal: at most 40 ms more), and
// `berth session start --agent shell` against `docker run -d` of the same image and flags (goal: at
// most 1.2x), with the code cache of an earlier run and, for the record, as a first run without it.
// Needs dist/ (npm run bench builds it) and a Docker engine. BERTH_BENCH_CLI measures another build
// of the CLI, such as one of an older commit. Run with `npx tsx bench/cli.ts`.
import { spawnSync, type SpawnSyncOptions } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { BUSYBOX_IMAGE, busyboxImage } from '../test/support/images.js';
import { REPO, sessionSandbox } from '../test/support/sessions.js';
import { dockerRunArgs } from './dockerRun.js';
import { median, printTable } from './table.js';

const HELP_SAMPLES = 31;
const START_SAMPLES = 21;
const cli = process.env.BERTH_BENCH_CLI ?? join(REPO, 'dist', 'cli.js');

interface Runner {
  label: string;
  run(): number;
}

/** A whole process, timed from spawn to exit; a failed run fails the bench. */
function timed(file: string, args: string[], options: SpawnSyncOptions = {}): number {
  const t0 = performance.now();
  const result = spawnSync(file, args, { ...options, encoding: 'utf8' });
  const ms = performance.now() - t0;
  if (result.status !== 0) throw new Error(`${file} ${args.join(' ')} exited with ${result.status}: ${result.stderr}`);
  return ms;
}

/** Runs every runner once a round, starting each round one runner later, and `between` (untimed) after each run. */
async function rounds(count: number, runners: Runner[], between: () => Promise<void> = async () => undefined): Promise<number[][]> {
  const times = runners.map(() => [] as number[]);
  for (let round = 0; round < count; round++) {
    for (let k = 0; k < runners.length; k++) {
      const index = (round + k) % runners.length;
      times[index]!.push(runners[index]!.run());
      await between();
    }
  }
  return times;
}

/** Rows against the first runner, the baseline: median, ratio of medians, and the median of the paired differences. */
function rows(runners: Runner[], times: number[][]): (string | number)[][] {
  const base = times[0]!;
  return runners.map((runner, i) => {
    const own = times[i]!;
    const differences = own.map((ms, round) => ms - base[round]!);
    return [i === 0 ? `${runner.label} (baseline)` : runner.label, own.length, median(own).toFixed(1), (median(own) / median(base)).toFixed(2), i === 0 ? '' : `${median(differences) >= 0 ? '+' : ''}${median(differences).toFixed(1)}`];
  });
}

const HEADER = ['command', 'samples', 'median ms', 'vs baseline', 'paired diff ms'];

async function main() {
  if (!existsSync(cli)) throw new Error(`${cli} does not exist: run npm run build first`);
  await busyboxImage();
  const box = await sessionSandbox();
  const warmCache = mkdtempSync(join(tmpdir(), 'berth-bench-cache-'));
  const env = { ...box.env, BERTH_IMAGE: BUSYBOX_IMAGE, XDG_CACHE_HOME: warmCache };
  const berth = (args: string[], cacheHome = warmCache, extra: NodeJS.ProcessEnv = {}) =>
    timed(process.execPath, [cli, ...args], { env: { ...env, XDG_CACHE_HOME: cacheHome, ...extra }, cwd: box.workspace });
  // Node reads the whole certificate bundle NODE_EXTRA_CA_CERTS names before any script runs (40 ms
  // on these machines, which set it for every process); docker, a Go program, does not. Most
  // machines do not set it, so the start is also measured without it.
  const extraCerts = process.env.NODE_EXTRA_CA_CERTS ? { NODE_EXTRA_CA_CERTS: '' } : undefined;
  const clear = async () => {
    const containers = await box.containers();
    await Promise.all(containers.map((c) => box.docker.getContainer(c.Id).remove({ force: true }).catch(() => undefined)));
  };
  try {
    const vault = join(REPO, 'test', 'fixtures', 'demo-vault');
    // One run of each kind first: the page cache, and the code cache the measured runs start from.
    berth(['--help']);
    berth(['vault', 'health', vault, '--json']);
    berth(['session', 'start', '--agent', 'shell']);
    await clear();

    const help: Runner[] = [
      { label: 'node -e 0', run: () => timed(process.execPath, ['-e', '0']) },
      { label: 'berth --help', run: () => berth(['--help']) },
      { label: 'berth session start --help', run: () => berth(['session', 'start', '--help']) },
      { label: 'berth vault health (3 notes)', run: () => berth(['vault', 'health', vault, '--json']) },
    ];
    const helpTimes = await rounds(HELP_SAMPLES, help);
    // Other processes on the machine move every figure here, Node's start-up more than docker's.
    const load = () => `load average ${loadavg()[0]!.toFixed(2)}`;
    printTable(`CLI start-up: whole processes against node -e 0 (${cli}; ${load()})`, HEADER, rows(help, helpTimes));

    const start: Runner[] = [
      { label: 'docker run -d, same image and flags', run: () => timed('docker', dockerRunArgs(box.workspace, BUSYBOX_IMAGE)) },
      { label: 'berth session start --agent shell', run: () => berth(['session', 'start', '--agent', 'shell']) },
      {
        label: '  the same, first run (no code cache)',
        run: () => {
          const empty = mkdtempSync(join(tmpdir(), 'berth-bench-cache-'));
          try {
            return berth(['session', 'start', '--agent', 'shell'], empty);
          } finally {
            rmSync(empty, { recursive: true, force: true });
          }
        },
      },
    ];
    if (extraCerts) start.push({ label: '  the same, NODE_EXTRA_CA_CERTS unset', run: () => berth(['session', 'start', '--agent', 'shell'], warmCache, extraCerts) });
    const startTimes = await rounds(START_SAMPLES, start, clear);
    printTable(`Session start: whole processes against docker run -d (request to running container, workspace mounted; ${load()})`, HEADER, rows(start, startTimes));

    const helpDifference = median(helpTimes[1]!.map((ms, round) => ms - helpTimes[0]![round]!));
    const startRatio = median(startTimes[1]!) / median(startTimes[0]!);
    printTable('Goals', ['goal', 'measured', 'met'], [
      ['berth --help at most 40 ms more than node -e 0', `${helpDifference.toFixed(1)} ms more`, helpDifference <= 40 ? 'yes' : 'NO'],
      ['berth session start at most 1.2x docker run -d', `${startRatio.toFixed(2)}x`, startRatio <= 1.2 ? 'yes' : 'NO'],
      ...(extraCerts
        ? [['  the same, NODE_EXTRA_CA_CERTS unset', `${(median(startTimes[3]!) / median(startTimes[0]!)).toFixed(2)}x`, median(startTimes[3]!) / median(startTimes[0]!) <= 1.2 ? 'yes' : 'NO']]
        : []),
    ]);
  } finally {
    await clear();
    await box.cleanup();
    rmSync(warmCache, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
