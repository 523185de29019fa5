// Issue 13: sessions have owners, and nothing leaks when owners die. Real engine, real CLI
// processes killed with SIGKILL, the grace period shortened to seconds.
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { after, before, test } from 'node:test';
import { createOperationCatalog } from '../../src/core/catalog.js';
import { silentContext, type OperationContext } from '../../src/core/operations.js';
import { LABEL } from '../../src/core/sessions/labels.js';
import { newOwner } from '../../src/core/sessions/owner.js';
import type { Session } from '../../src/core/sessions/types.js';
import { BUSYBOX_IMAGE, busyboxImage } from '../support/images.js';
import { cli, eventually, sessionSandbox } from '../support/sessions.js';

const GRACE = 6;
/** A headless agent: sleeps as long as its prompt says, then says it finished. */
const WORKER = `sh -c 'sleep "$0"; echo finished' {prompt}`;

let box: Awaited<ReturnType<typeof sessionSandbox>>;
let env: NodeJS.ProcessEnv;
const ctx = silentContext('test', process.cwd());
const invoke = <T>(name: string, input: unknown, context: OperationContext = ctx) => createOperationCatalog({ sessions: box.service }).invoke(name, input, context) as Promise<T>;

before(async () => {
  await busyboxImage();
  box = await sessionSandbox({ settings: { image: BUSYBOX_IMAGE, stopGraceSeconds: 1, leaseGraceSeconds: GRACE, agents: { worker: WORKER }, agentNetwork: 'none', maxSessionsPerOwner: 8 } });
  env = { ...box.env, BERTH_IMAGE: BUSYBOX_IMAGE, BERTH_LEASE_GRACE: String(GRACE), BERTH_AGENT_WORKER: WORKER };
});
after(async () => box.cleanup());

const labelled = async (label: string, value: string) => (await box.containers()).filter((info) => info.Labels[label] === value);
const running = async (id: string) => (await box.docker.getContainer(`berth-${id}`).inspect()).State.Running;

/** Starts `berth session start --foreground` and waits until its start is over (audited); returns the CLI and the session id. */
async function foreground(args: string[]) {
  const before = new Set((await box.containers()).map((info) => info.Labels[LABEL.session]));
  const run = cli(['session', 'start', '--foreground', '--workspace', box.workspace, ...args], { env, timeoutMs: 120_000 });
  let id = '';
  await eventually(
    async () => {
      const fresh = (await box.containers()).find((info) => !before.has(info.Labels[LABEL.session]) && info.State === 'running');
      id = fresh?.Labels[LABEL.session] ?? '';
      return Boolean(id);
    },
    30_000,
    'the foreground session to run',
  );
  // Killed before its start is over, a start is undone (startMarks.ts); these tests kill owners, not starts.
  await eventually(async () => (await readFile(box.auditLog, 'utf8').catch(() => '')).includes(`"action":"start","session":"${id}"`), 30_000, 'the start to be audited');
  return { run, id };
}

test('kill -9 of a foreground CLI that owns a shell session: the session stops by itself within grace + 10 s, with no Berth process alive', { timeout: 90_000 }, async () => {
  const { run, id } = await foreground(['--agent', 'shell', '--', 'sh', '-c', 'echo up; sleep 600']);
  const info = (await labelled(LABEL.session, id))[0]!;
  assert.equal(info.Labels[LABEL.policy], 'owner');
  assert.match(info.Labels[LABEL.owner]!, /^cli-[0-9a-f]{16}$/);
  run.kill('SIGKILL');
  await run;
  const killed = Date.now();
  await eventually(async () => !(await running(id)), (GRACE + 20) * 1000, 'the session to stop itself');
  const took = (Date.now() - killed) / 1000;
  console.log(`# stopped ${took.toFixed(1)} s after its owner was killed (grace ${GRACE} s)`);
  assert.ok(took <= GRACE + 10, `stopped after ${took} s`);
  const logs = await box.service.logs(id, {});
  let stderr = '';
  for await (const chunk of logs.stream.stderr) stderr += chunk;
  assert.match(stderr, /owner has been gone for \d+ s \(grace 6 s\): stopping the session/);
});

test('a foreground owner that lives keeps its session past the grace period; Ctrl-C stops it and exits 130', { timeout: 90_000 }, async () => {
  const { run, id } = await foreground(['--agent', 'shell', '--', 'sh', '-c', 'echo up; sleep 600']);
  await new Promise((resolve) => setTimeout(resolve, (GRACE + 4) * 1000));
  assert.equal(await running(id), true, 'the owner renews its lease, so the session runs on');
  run.kill('SIGINT');
  const result = await run;
  assert.equal(result.code, 130, result.stderr);
  assert.match(result.stdout, /up/);
  assert.equal(await running(id), false);
});

test('a foreground session that ends ends the CLI with its exit code', { timeout: 60_000 }, async () => {
  const result = await cli(['session', 'start', '--foreground', '--workspace', box.workspace, '--agent', 'shell', '--', 'sh', '-c', 'echo done-here; exit 3'], { env });
  assert.equal(result.code, 3, result.stderr);
  assert.match(result.stdout, /done-here/);
  assert.match(result.stdout, /ended with code 3/);
});

test('a headless agent run outlives its killed owner and finishes; it is kept until retention', { timeout: 90_000 }, async () => {
  const { run, id } = await foreground(['--agent', 'worker', '--network', 'none', '--prompt', String(GRACE + 6)]);
  assert.equal((await labelled(LABEL.session, id))[0]!.Labels[LABEL.policy], 'completion');
  run.kill('SIGKILL');
  await run;
  await new Promise((resolve) => setTimeout(resolve, (GRACE + 2) * 1000));
  assert.equal(await running(id), true, 'still working after the grace period');
  await eventually(async () => !(await running(id)), 20_000, 'the run to finish');
  const session = (await box.service.find(id)).session;
  assert.equal(session.exitCode, 0);
  const gc = await invoke<{ actions: unknown[] }>('session.gc', {});
  assert.deepEqual(gc.actions, [], 'kept: the retention period has not passed');
  assert.equal((await labelled(LABEL.session, id)).length, 1);
});

test('detached sessions (the CLI default, or --detach) are marked so and have no watchdog', { timeout: 60_000 }, async () => {
  const plain = JSON.parse((await cli(['session', 'start', '--json', '--workspace', box.workspace, '--agent', 'shell'], { env })).stdout) as Session;
  assert.equal(plain.policy, 'detached');
  assert.match(plain.owner!, /^cli-[0-9a-f]{8}$/);
  const inspect = await box.docker.getContainer(`berth-${plain.id}`).inspect();
  assert.deepEqual(inspect.HostConfig.Binds, [`${box.workspace}:/workspace:rw`], 'no lease mounted');
  const owner = newOwner('window', true);
  const lease = await box.service.holdLease(owner);
  try {
    const asked = await invoke<Session>('session.start', { workspace: box.workspace, agent: 'shell', detach: true }, { ...ctx, owner });
    assert.equal(asked.policy, 'detached');
    assert.equal(asked.owner, owner.id);
    const listed = await cli(['session', 'list'], { env });
    assert.match(listed.stdout, new RegExp(`${asked.id} .*${owner.id}  detached`));
  } finally {
    lease.dispose();
  }
});

test('caps: the 9th running session of one owner is refused naming the cap and its setting; another owner still starts', { timeout: 120_000 }, async () => {
  const owner = newOwner('mcp', true);
  const lease = await box.service.holdLease(owner);
  const other = newOwner('mcp', true);
  const otherLease = await box.service.holdLease(other);
  try {
    const mine = { ...ctx, owner };
    const started = await Promise.all(Array.from({ length: 8 }, () => invoke<Session>('session.start', { workspace: box.workspace, agent: 'shell' }, mine).catch((error: Error) => error)));
    const refusedEarly = started.filter((result) => result instanceof Error);
    assert.equal(refusedEarly.length, 0, String(refusedEarly[0]));
    await assert.rejects(invoke('session.start', { workspace: box.workspace, agent: 'shell' }, mine), (error: Error & { code?: string; hint?: string }) => {
      assert.equal(error.code, 'SESSION_CAP_REACHED');
      assert.match(error.message, /already has 8 running sessions/);
      assert.match(error.hint!, /berth\.sessions\.maxSessionsPerOwner/);
      assert.match(error.hint!, /BERTH_MAX_SESSIONS_PER_OWNER/);
      return true;
    });
    assert.equal((await labelled(LABEL.owner, owner.id)).length, 8, 'the refused start left nothing behind');
    const theirs = await invoke<Session>('session.start', { workspace: box.workspace, agent: 'shell' }, { ...ctx, owner: other });
    assert.equal(theirs.owner, other.id);
    // Starts racing for the last two places: never more than the cap, and no refused start leaves a container.
    await invoke('session.stop', { ids: (started as Session[]).slice(0, 2).map((s) => s.id) }, mine);
    const raced = await Promise.all(Array.from({ length: 5 }, () => invoke<Session>('session.start', { workspace: box.workspace, agent: 'shell' }, mine).catch((error: Error) => error)));
    const won = raced.filter((result): result is Session => !(result instanceof Error));
    assert.ok(won.length <= 2, `${won.length} racers started`);
    for (const refused of raced.filter((result) => result instanceof Error)) assert.equal((refused as Error & { code?: string }).code, 'SESSION_CAP_REACHED', String(refused));
    const live = (await labelled(LABEL.owner, owner.id)).filter((info) => info.State === 'running' || info.State === 'created');
    assert.equal(live.length, 6 + won.length);
  } finally {
    lease.dispose();
    otherLease.dispose();
  }
});

test('retention: gc archives an ended session’s output, removes the container, and logs still work', { timeout: 60_000 }, async () => {
  const session = await invoke<Session>('session.start', { workspace: box.workspace, agent: 'shell', command: ['sh', '-c', 'echo kept-out; echo kept-err >&2'] });
  await eventually(async () => !(await running(session.id)), 10_000, 'the command to end');
  box.settings.retentionSeconds = 1;
  try {
    await new Promise((resolve) => setTimeout(resolve, 1500));
    const dry = await invoke<{ actions: Array<{ id: string; reason: string; done: boolean }> }>('session.gc', { dryRun: true });
    assert.deepEqual(
      dry.actions.filter((a) => a.id === session.id).map((a) => [a.reason, a.done]),
      [['retention', false]],
    );
    assert.equal((await labelled(LABEL.session, session.id)).length, 1, 'a dry run removes nothing');
    const gc = await cli(['session', 'gc'], { env: { ...env, BERTH_RETENTION: '1' } });
    assert.equal(gc.code, 0, gc.stderr);
    assert.match(gc.stdout, new RegExp(`Removed ${session.id}: ended longer ago than the retention period`));
    assert.equal((await labelled(LABEL.session, session.id)).length, 0);
    const logs = await cli(['session', 'logs', session.id.slice(0, 6), '--json'], { env });
    assert.equal(logs.code, 0, logs.stderr);
    assert.deepEqual(JSON.parse(logs.stdout), { id: session.id, stdout: 'kept-out\n', stderr: 'kept-err\n', events: null, truncated: false });
    const audit = await readFile(box.auditLog, 'utf8');
    assert.match(audit, new RegExp(`"action":"reconcile-remove","session":"${session.id}","detail":\\{"reason":"retention"\\}`));
  } finally {
    box.settings.retentionSeconds = 24 * 3600;
  }
});
