// What owners and leases cost (issue 13): the heartbeat of an idle owner against an idle process
// beside it, the watchdogs of 20 sessions against 20 sessions without one, the delay of a renewal
// on a machine loaded to twice its cores, and one reconciler pass over 200 sessions against the
// engine's own listing of them. `npx tsx bench/owners.ts`.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { createOperationCatalog } from '../src/core/catalog.js';
import { silentContext } from '../src/core/operations.js';
import { connectDocker } from '../src/core/sessions/docker/engine.js';
import { LABEL } from '../src/core/sessions/labels.js';
import { Lease } from '../src/core/sessions/lease.js';
import { LEASE_RENEW_SECONDS, leaseIntervalSeconds, MIN_GRACE_SECONDS, newOwner } from '../src/core/sessions/owner.js';
import type { Session } from '../src/core/sessions/types.js';
import { BUSYBOX_IMAGE, busyboxImage } from '../test/support/images.js';
import { sessionSandbox } from '../test/support/sessions.js';
import { median, printTable } from './table.js';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const WINDOW_MS = 30_000;

/** CPU time (user + system, ms) a child spends over the window: an idle node, with or without a lease renewed every second. */
async function ownerCpu(withLease: boolean, folder: string): Promise<number> {
  const script = withLease
    ? `import('${join(__dirname, '..', 'src', 'core', 'sessions', 'lease.ts')}').then((m) => (m.Lease ?? m.default.Lease).hold(${JSON.stringify(folder)}, 1)).then(() => setInterval(() => {}, 1 << 30))`
    : 'setInterval(() => {}, 1 << 30)';
  const child = spawn(process.execPath, ['--import', 'tsx', '-e', `${script}; process.on('message', () => process.send(process.cpuUsage()))`], { stdio: ['ignore', 'ignore', 'inherit', 'ipc'] });
  const usage = () => new Promise<NodeJS.CpuUsage>((resolve) => { child.once('message', (m) => resolve(m as NodeJS.CpuUsage)); child.send('?'); });
  await sleep(3000);
  const start = await usage();
  await sleep(WINDOW_MS);
  const end = await usage();
  child.kill();
  return (end.user - start.user + end.system - start.system) / 1000;
}

/** CPU time (ms) the containers of these sessions used over the window, from the engine's cgroup counters. */
async function containersCpu(docker: ReturnType<typeof connectDocker>['docker'], ids: string[]): Promise<number> {
  const total = async () => {
    const samples = await Promise.all(ids.map(async (id) => (await docker.getContainer(`berth-${id}`).stats({ stream: false })) as unknown as { cpu_stats: { cpu_usage: { total_usage: number } } }));
    return samples.reduce((sum, sample) => sum + sample.cpu_stats.cpu_usage.total_usage, 0);
  };
  const start = await total();
  await sleep(WINDOW_MS);
  return ((await total()) - start) / 1e6;
}

/** How late a lease renewed every second was, over the window, with `burners` processes spinning. */
async function renewalDelay(burners: number, folder: string): Promise<number> {
  const spinning: ChildProcess[] = Array.from({ length: burners }, () => spawn(process.execPath, ['-e', 'for (;;) {}'], { stdio: 'ignore' }));
  const lease = await Lease.hold(folder, 1);
  await sleep(WINDOW_MS / 2);
  lease.dispose();
  for (const child of spinning) child.kill();
  return lease.maxLateMs;
}

async function main(): Promise<void> {
  await busyboxImage();
  const scratch = await mkdtemp(join(tmpdir(), 'berth-bench-owners-'));
  const box = await sessionSandbox({ settings: { image: BUSYBOX_IMAGE, stopGraceSeconds: 1, leaseGraceSeconds: 120 } });
  const { docker } = connectDocker();
  try {
    const idle = await ownerCpu(false, join(scratch, 'none'));
    const leased = await ownerCpu(true, join(scratch, 'lease'));
    printTable(`An idle owner for ${WINDOW_MS / 1000} s: CPU time (a lease renewed every second; owners renew every ${LEASE_RENEW_SECONDS} s)`, ['process', 'CPU ms', 'per minute'], [
      ['idle node', idle.toFixed(1), (idle * (60_000 / WINDOW_MS)).toFixed(1)],
      ['idle node renewing a lease', leased.toFixed(1), (leased * (60_000 / WINDOW_MS)).toFixed(1)],
    ]);

    const owner = newOwner('window', true);
    const lease = await box.service.holdLease(owner);
    const start = (detach: boolean) =>
      createOperationCatalog({ sessions: box.service }).invoke('session.start', { workspace: box.workspace, agent: 'shell', detach }, { ...silentContext('test', box.workspace), owner }) as Promise<Session>;
    // The watchdog looks every leaseIntervalSeconds(grace): with the shortest grace, every second, it costs the most.
    box.settings.leaseGraceSeconds = MIN_GRACE_SECONDS;
    const watched = await Promise.all(Array.from({ length: 20 }, () => start(false)));
    const plain = await Promise.all(Array.from({ length: 20 }, () => start(true)));
    const [watchedCpu, plainCpu] = await Promise.all([containersCpu(docker, watched.map((s) => s.id)), containersCpu(docker, plain.map((s) => s.id))]);
    const looks = 20 * (WINDOW_MS / 1000 / leaseIntervalSeconds(MIN_GRACE_SECONDS));
    const perLook = (watchedCpu - plainCpu) / looks;
    printTable(
      `20 idle shell sessions for ${WINDOW_MS / 1000} s: CPU time of their containers (the watchdog looking every ${leaseIntervalSeconds(MIN_GRACE_SECONDS)} s, as with the shortest grace)`,
      ['sessions', 'CPU ms', 'per session per minute', 'per look'],
      [
        ['20 detached (no watchdog)', plainCpu.toFixed(1), ((plainCpu / 20) * (60_000 / WINDOW_MS)).toFixed(2), ''],
        ['20 ending with their owner (watchdog)', watchedCpu.toFixed(1), ((watchedCpu / 20) * (60_000 / WINDOW_MS)).toFixed(2), perLook.toFixed(2)],
        [`  so with the default grace (a look every ${leaseIntervalSeconds(120)} s)`, '', (perLook * (60 / leaseIntervalSeconds(120))).toFixed(2), ''],
      ],
    );

    const loads = [0, cpus().length * 2];
    const delays: number[] = [];
    for (const burners of loads) delays.push(await renewalDelay(burners, join(scratch, `load-${burners}`)));
    printTable(`Lease renewals every second for ${WINDOW_MS / 2000} s: the latest one, idle and with ${loads[1]} spinning processes on ${cpus().length} cores`, ['machine', 'latest renewal ms', 'of a 120 s grace'], loads.map((burners, i) => [
      burners ? `${burners} spinning processes` : 'idle',
      delays[i]!.toFixed(0),
      `${((delays[i]! / 120_000) * 100).toFixed(3)}%`,
    ]));

    // 200 sessions: the 40 above and 160 more, of which 60 have ended.
    const more = [];
    for (let i = 0; i < 160; i += 16) more.push(...(await Promise.all(Array.from({ length: 16 }, () => start(true)))));
    await createOperationCatalog({ sessions: box.service }).invoke('session.stop', { ids: more.slice(0, 60).map((s) => s.id) }, silentContext('test', box.workspace));
    const passes: number[] = [];
    const listings: number[] = [];
    for (let i = 0; i < 7; i++) {
      let t = performance.now();
      await docker.listContainers({ all: true, filters: { label: [LABEL.session] } });
      listings.push(performance.now() - t);
      t = performance.now();
      await box.service.reconcile({ origin: 'test' }, { dryRun: false });
      passes.push(performance.now() - t);
    }
    const sessions = (await box.containers()).length;
    printTable(`One reconciler pass over ${sessions} sessions (${sessions - 60} running, 60 ended; median of 7, alternating)`, ['what', 'median ms', 'vs the listing', 'goal'], [
      ['the engine lists them (docker ps -a)', median(listings).toFixed(0), '1.00', ''],
      ['Berth reconciles them (list, leases, end times, plan)', median(passes).toFixed(0), (median(passes) / median(listings)).toFixed(2), median(passes) < 1000 ? 'under 1 s: met' : 'under 1 s: NOT met'],
    ]);
    lease.dispose();
  } finally {
    await box.cleanup();
    await rm(scratch, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
