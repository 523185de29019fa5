// The containerized vault health check (`berth vault health --in-container`) against the same check
// run locally plus a bare start of the same hardened container (create, start, wait for `true`,
// remove): the container should cost no more than its start, so the goal is within 1.5x of
// local + start. Each sample is the built CLI as a fresh process, alternating; generated vaults of
// 1,000 and 10,000 notes. Needs a Docker engine and dist/ (`node esbuild.mjs`); builds the tests'
// node image. Run with `npx tsx bench/vaultContainer.ts`.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { connectDocker } from '../src/core/sessions/docker/engine.js';
import { defaultSettings } from '../src/core/sessions/settings.js';
import { buildSpec } from '../src/core/sessions/spec.js';
import { invokingUser } from '../src/core/sessions/user.js';
import { cliContainerOptions } from '../src/core/vault/container/runCli.js';
import { ensureDocker } from '../test/support/docker.js';
import { NODE_IMAGE, nodeImage } from '../test/support/nodeImage.js';
import { seededRandom } from '../test/support/random.js';
import { REPO } from '../test/support/sessions.js';
import { median, printTable } from './table.js';

const SAMPLES = 9;
const DIST = join(REPO, 'dist');
const GOAL = 1.5;

function generateVault(notes: number): string {
  const root = mkdtempSync(join(tmpdir(), `berth-bench-container-vault-${notes}-`));
  const rand = seededRandom(notes);
  for (let f = 0; f * 100 < notes; f++) mkdirSync(join(root, `area-${f}`));
  for (let i = 0; i < notes; i++) {
    const links = Array.from({ length: 5 }, () => `[[Note ${Math.floor(rand() * notes * 1.01)}]]`).join(' and ');
    writeFileSync(join(root, `area-${Math.floor(i / 100)}`, `Note ${i}.md`), `# Note ${i}\n\nSome prose about gardens and books, linking ${links}.\n`);
  }
  return root;
}

function timedCli(args: string[]): number {
  const t0 = performance.now();
  const result = spawnSync(process.execPath, [join(DIST, 'cli.js'), ...args], { env: { ...process.env, BERTH_IMAGE: NODE_IMAGE }, encoding: 'utf8', maxBuffer: 256 * 1024 ** 2 });
  const ms = performance.now() - t0;
  if (result.status !== 0) throw new Error(`berth ${args.join(' ')} exited ${result.status}: ${result.stderr}`);
  return ms;
}

/** The container alone: what the containerized run adds beyond the scan, made by the same options. */
async function bareStart(vault: string): Promise<number> {
  const { docker } = connectDocker();
  const spec = buildSpec({ workspace: vault, agent: 'shell', mount: 'ro', network: 'none', detach: true, command: ['true'] }, { ...defaultSettings(), image: NODE_IMAGE }, { invoker: invokingUser(), secrets: {}, insideContainer: true });
  const options = cliContainerOptions(spec, `bench${Date.now().toString(16)}`, { mounts: [{ source: vault, target: vault, readOnly: true }], workingDir: vault, bundle: DIST });
  const t0 = performance.now();
  const container = await docker.createContainer(options);
  await container.start();
  await container.wait();
  await container.remove({ force: true, v: true });
  return performance.now() - t0;
}

async function main() {
  if (!existsSync(join(DIST, 'cli.js'))) throw new Error('dist/cli.js is missing: build it with node esbuild.mjs first.');
  const engine = await ensureDocker();
  await nodeImage();
  const rows: (string | number)[][] = [];
  try {
    for (const notes of [1_000, 10_000]) {
      const vault = generateVault(notes);
      try {
        const local: number[] = [];
        const contained: number[] = [];
        const bare: number[] = [];
        // One warm-up of each: the code cache, the page cache, the engine's image layers.
        timedCli(['vault', 'health', vault, '--json']);
        timedCli(['vault', 'health', vault, '--json', '--in-container']);
        await bareStart(vault);
        for (let i = 0; i < SAMPLES; i++) {
          const order = i % 2 === 0 ? ['local', 'container', 'bare'] : ['bare', 'container', 'local'];
          for (const which of order) {
            if (which === 'local') local.push(timedCli(['vault', 'health', vault, '--json']));
            if (which === 'container') contained.push(timedCli(['vault', 'health', vault, '--json', '--in-container']));
            if (which === 'bare') bare.push(await bareStart(vault));
          }
        }
        const [l, c, b] = [median(local), median(contained), median(bare)];
        const ratio = c / (l + b);
        rows.push([`${notes.toLocaleString('en')} notes`, l.toFixed(0), b.toFixed(0), (l + b).toFixed(0), c.toFixed(0), `${ratio.toFixed(2)}x`, ratio <= GOAL ? 'met' : 'MISSED']);
      } finally {
        rmSync(vault, { recursive: true, force: true });
      }
    }
  } finally {
    await engine.stop();
  }
  printTable(
    `vault health in a container vs local + a bare container start (median of ${SAMPLES}, ms, each a fresh CLI process; goal <= ${GOAL}x)`,
    ['vault', 'local', 'bare start', 'local + start', 'in container', 'ratio', 'goal'],
    rows,
  );
  if (rows.some((row) => row[6] !== 'met')) process.exitCode = 1;
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
