// Issue 13: nothing leaks, nothing lives that should not, nothing dies that should live, when
// owners and starts are killed at random. Real engine; grace and retention shortened to seconds.
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { after, before, test } from 'node:test';
import { createOperationCatalog } from '../../src/core/catalog.js';
import { silentContext } from '../../src/core/operations.js';
import type { Lease } from '../../src/core/sessions/lease.js';
import { LABEL } from '../../src/core/sessions/labels.js';
import { newOwner, type SessionOwner } from '../../src/core/sessions/owner.js';
import type { Session } from '../../src/core/sessions/types.js';
import { BUSYBOX_IMAGE, busyboxImage } from '../support/images.js';
import { seededRandom } from '../support/random.js';
import { cli, sessionSandbox } from '../support/sessions.js';

const GRACE = 6;
const RETENTION = 4;
const SEED = Number(process.env.BERTH_CHAOS_SEED ?? Date.now() % 100_000);
const WORKER = `sh -c 'sleep "$0"; echo finished' {prompt}`;

let box: Awaited<ReturnType<typeof sessionSandbox>>;
let env: NodeJS.ProcessEnv;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

before(async () => {
  await busyboxImage();
  box = await sessionSandbox({ settings: { image: BUSYBOX_IMAGE, stopGraceSeconds: 1, leaseGraceSeconds: GRACE, agents: { worker: WORKER }, agentNetwork: 'none' } });
  env = { ...box.env, BERTH_IMAGE: BUSYBOX_IMAGE, BERTH_LEASE_GRACE: String(GRACE) };
});
after(async () => box.cleanup());

const invoke = <T>(name: string, input: unknown, owner?: SessionOwner) =>
  createOperationCatalog({ sessions: box.service }).invoke(name, input, { ...silentContext('test', box.workspace), ...(owner ? { owner } : {}) }) as Promise<T>;

/** Session ids whose start the audit log records: the starts that finished. */
async function auditedStarts(): Promise<Set<string>> {
  const text = await readFile(box.auditLog, 'utf8').catch(() => '');
  return new Set(
    text
      .split('\n')
      .filter(Boolean)
      .map((line) => JSON.parse(line) as { action: string; session?: string })
      .filter((entry) => entry.action === 'start' && entry.session)
      .map((entry) => entry.session!),
  );
}

/** `berth session start` killed with SIGKILL after `delayMs`. */
async function killedStart(delayMs: number): Promise<void> {
  const run = cli(['session', 'start', '--workspace', box.workspace, '--agent', 'shell'], { env, timeoutMs: 60_000 });
  await sleep(delayMs);
  run.kill('SIGKILL');
  await run;
}

/**
 * A start killed at one point of its life, watched from the engine: before its create (while the
 * CLI loads), as soon as its container exists, or as soon as that container runs (while the start
 * still watches the command and has not audited it). Returns the state seen at the kill.
 */
async function startKilledAt(point: 'before create' | 'after create' | 'after start'): Promise<string> {
  const known = new Set((await box.containers()).map((info) => info.Id));
  const run = cli(['session', 'start', '--workspace', box.workspace, '--agent', 'shell', '--', 'sleep', '600'], { env, timeoutMs: 60_000 });
  let seen = 'none';
  if (point === 'before create') await sleep(300);
  else {
    for (const deadline = Date.now() + 30_000; Date.now() < deadline; ) {
      const fresh = (await box.containers()).find((info) => !known.has(info.Id));
      if (fresh && (point === 'after create' || fresh.State === 'running')) {
        seen = fresh.State;
        break;
      }
    }
  }
  run.kill('SIGKILL');
  const result = await run;
  return result.code === 0 ? 'finished first' : seen;
}

test('a start killed before its create, after it, or after its container started leaves no container behind once the reconciler has run', { timeout: 180_000 }, async () => {
  const points = ['before create', 'after create', 'after start'] as const;
  const seen: string[] = [];
  for (let round = 0; round < 3; round++) for (const point of points) seen.push(`${point}: ${await startKilledAt(point)}`);
  const audited = await auditedStarts();
  await invoke('session.gc', {});
  // Each start reconciles too, so most were already removed by the next start (whose own audit line
  // may be lost when it is killed in turn: the count is printed, the containers are what is checked).
  const removed = (await readFile(box.auditLog, 'utf8')).split('\n').filter((line) => line.includes('"action":"reconcile-remove"') && line.includes('"reason":"half-made"')).length;
  const withContainer = seen.filter((line) => /: (created|running)$/.test(line)).length;
  console.log(`# 9 killed starts (${seen.join('; ')}): ${removed} half-made sessions removed by the reconciler, ${audited.size} finished`);
  assert.ok(withContainer >= 3, 'the kills landed while starts had containers');
  const left = await box.containers();
  const leaked = left.filter((info) => !audited.has(info.Labels[LABEL.session]!));
  assert.deepEqual(
    leaked.map((info) => `${info.Labels[LABEL.session]} ${info.State}`),
    [],
    'every container of an unfinished start is gone',
  );
  assert.equal(left.length, audited.size, 'the finished starts keep their sessions');
  await invoke('session.rm', { ids: left.map((info) => info.Labels[LABEL.session]!) }).catch(() => undefined);
});

test('chaos count: 50 starts from several owners, owners and starts killed at random; afterwards nothing is left that should be gone and nothing was stopped that should live', { timeout: 300_000 }, async () => {
  const random = seededRandom(SEED + 1);
  const owners = Array.from({ length: 5 }, () => ({ owner: newOwner('mcp', true), lease: undefined as Lease | undefined, killed: false }));
  for (const entry of owners) entry.lease = await box.service.holdLease(entry.owner);
  const kinds = ['shell', 'shell', 'worker', 'detached'] as const;
  const started: Array<{ session: Session; owner: (typeof owners)[number]; kind: (typeof kinds)[number] }> = [];
  const cliKills: Promise<void>[] = [];
  for (let i = 0; i < 50; i++) {
    if (i % 5 === 4) {
      cliKills.push(killedStart(600 + Math.round(random() * 3000)));
      continue;
    }
    const living = owners.filter((o) => !o.killed);
    const owner = living[Math.floor(random() * living.length)]!;
    const kind = kinds[Math.floor(random() * kinds.length)]!;
    const input = kind === 'worker' ? { agent: 'worker', prompt: '3' } : { agent: 'shell', detach: kind === 'detached' };
    const session = await invoke<Session>('session.start', { workspace: box.workspace, ...input }, owner.owner);
    started.push({ session, owner, kind });
    // Now and then an owner dies: it renews its lease no more, as a killed process would not.
    if (random() < 0.06 && owners.filter((o) => o.killed).length < 2) {
      owner.killed = true;
      owner.lease!.dispose();
    }
  }
  await Promise.all(cliKills);
  const audited = await auditedStarts();
  // Grace for the dead owners' sessions, time for the workers, then retention for what ended.
  await sleep((GRACE + 10) * 1000);
  box.settings.retentionSeconds = RETENTION;
  await sleep((RETENTION + 1) * 1000);
  await invoke('session.gc', {});

  const left = new Map((await box.containers()).map((info) => [info.Labels[LABEL.session]!, info]));
  const shouldLive = started.filter(({ owner, kind }) => kind === 'detached' || (kind === 'shell' && !owner.killed));
  const shouldBeGone = started.filter((entry) => !shouldLive.includes(entry));
  const leaked = [
    ...shouldBeGone.filter(({ session }) => left.has(session.id)).map(({ session, kind, owner }) => `${session.id} (${kind}, owner ${owner.killed ? 'killed' : 'alive'}, ${left.get(session.id)!.State})`),
    ...[...left.keys()].filter((id) => !audited.has(id)).map((id) => `${id} (an unfinished CLI start)`),
  ];
  const wronglyStopped = shouldLive.filter(({ session }) => left.get(session.id)?.State !== 'running').map(({ session, kind }) => `${session.id} (${kind})`);
  console.log(
    `# seed ${SEED + 1}: ${started.length} starts by 5 owners (${owners.filter((o) => o.killed).length} killed) + 10 CLI starts killed at random; ` +
      `leaked ${leaked.length}, wrongly stopped ${wronglyStopped.length}; ${shouldLive.length} rightly running`,
  );
  for (const entry of owners) entry.lease?.dispose();
  assert.deepEqual(leaked, [], 'containers left that should be gone');
  assert.deepEqual(wronglyStopped, [], 'sessions stopped that should have lived');
});
