// Session spawn latency: a Berth start (request to a running, hardened container with the
// workspace mounted) against `docker run -d` of the same image and flags, alternating, plus the
// warm pool's hand-out and, for the record, the Berth CLI as a fresh process. Needs a Docker
// engine; builds its busybox image like the tests do. Run with `npx tsx bench/sessions.ts`.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { createOperationCatalog } from '../src/core/catalog.js';
import { silentContext } from '../src/core/operations.js';
import { LABEL, containerName } from '../src/core/sessions/labels.js';
import { BUSYBOX_IMAGE, busyboxImage } from '../test/support/images.js';
import { REPO, sessionSandbox } from '../test/support/sessions.js';
import { dockerRunArgs } from './dockerRun.js';
import { median, printTable } from './table.js';

const SAMPLES = 21;
const ctx = silentContext('test', process.cwd());

async function main() {
  await busyboxImage();
  const box = await sessionSandbox({ settings: { image: BUSYBOX_IMAGE, warmPool: 3 } });
  const clear = async () => {
    const containers = await box.docker.listContainers({ all: true, filters: { label: [`${LABEL.workspace}=${box.workspace}`] } });
    await Promise.all(containers.map((c) => box.docker.getContainer(c.Id).remove({ force: true }).catch(() => undefined)));
  };
  try {
    const cold = createOperationCatalog({ sessions: box.service });
    const runArgs = dockerRunArgs(box.workspace, BUSYBOX_IMAGE);
    const berth: number[] = [];
    const docker: number[] = [];
    const startCold = async () => {
      const t0 = performance.now();
      await cold.invoke('session.start', { workspace: box.workspace, agent: 'shell' }, ctx);
      return performance.now() - t0;
    };
    const startDocker = () => {
      const t0 = performance.now();
      const result = spawnSync('docker', runArgs, { encoding: 'utf8' });
      if (result.status !== 0) throw new Error(`docker run failed: ${result.stderr}`);
      return performance.now() - t0;
    };
    // Both paths warm up once (engine caches, the service's connection).
    await startCold();
    startDocker();
    await clear();
    for (let i = 0; i < SAMPLES; i++) {
      if (i % 2 === 0) {
        berth.push(await startCold());
        docker.push(startDocker());
      } else {
        docker.push(startDocker());
        berth.push(await startCold());
      }
      await clear();
    }

    // The warm pool: a service whose pool covers this workspace, refilled between samples (untimed).
    const { SessionService } = await import('../src/core/sessions/service.js');
    const pooled = new SessionService({ settings: () => box.settings, poolWorkspace: () => box.workspace, secrets: () => ({}) });
    const warmOps = createOperationCatalog({ sessions: pooled });
    const warm: number[] = [];
    let misses = 0;
    for (let i = 0; i < SAMPLES; i++) {
      await pooled.fillPool();
      const t0 = performance.now();
      const session = (await warmOps.invoke('session.start', { workspace: box.workspace, agent: 'shell' }, ctx)) as { name: string };
      warm.push(performance.now() - t0);
      if (!session.name.startsWith('berth-') || !(await box.docker.getContainer(containerName(session.name.slice(6))).inspect()).State.Running) misses++;
    }
    await pooled.drainPool();
    await clear();

    // The CLI as a fresh process, for the record (node start-up included), when it is built.
    const cliPath = join(REPO, 'dist', 'cli.js');
    const cli: number[] = [];
    if (existsSync(cliPath)) {
      for (let i = 0; i < 7; i++) {
        const t0 = performance.now();
        const result = spawnSync(process.execPath, [cliPath, 'session', 'start', '--agent', 'shell', '--workspace', box.workspace], { env: { ...box.env, BERTH_IMAGE: BUSYBOX_IMAGE }, encoding: 'utf8' });
        if (result.status !== 0) throw new Error(result.stderr);
        cli.push(performance.now() - t0);
        await clear();
      }
    }

    const ms = (values: number[]) => median(values).toFixed(1);
    const rows: (string | number)[][] = [
      ['docker run -d (baseline)', SAMPLES, ms(docker), '1.00'],
      ['berth session.start, cold', SAMPLES, ms(berth), (median(berth) / median(docker)).toFixed(2)],
      ['berth session.start, warm pool', SAMPLES, ms(warm), (median(warm) / median(docker)).toFixed(2)],
    ];
    if (cli.length) rows.push(['berth CLI process (node start incl.)', cli.length, ms(cli), (median(cli) / median(docker)).toFixed(2)]);
    printTable('Session spawn latency (request to running container, workspace mounted; median ms)', ['path', 'samples', 'median ms', 'vs docker'], rows);
    if (misses) console.log(`warm pool: ${misses} of ${SAMPLES} claims did not come from the pool`);
    const ratio = median(berth) / median(docker);
    printTable('Goals', ['goal', 'measured', 'met'], [
      ['a start at most 1.0x docker run -d', `${ratio.toFixed(2)}x`, ratio <= 1.0 ? 'yes' : 'NO'],
      ['a warm-pool hand-out under 50 ms', `${ms(warm)} ms`, median(warm) < 50 ? 'yes' : 'NO'],
    ]);
  } finally {
    await clear();
    await box.cleanup();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
