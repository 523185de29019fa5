import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { after, before, test } from 'node:test';
import { createOperationCatalog } from '../../src/core/catalog.js';
import { silentContext } from '../../src/core/operations.js';
import { LABEL } from '../../src/core/sessions/labels.js';
import type { Session, SessionEvent } from '../../src/core/sessions/types.js';
import { BUSYBOX_IMAGE, busyboxImage } from '../support/images.js';
import { cli, eventually, sessionSandbox } from '../support/sessions.js';

let box: Awaited<ReturnType<typeof sessionSandbox>>;
const ctx = silentContext('test', process.cwd());
const ops = () => createOperationCatalog({ sessions: box.service });
const invoke = <T>(name: string, input: unknown) => ops().invoke(name, input, ctx) as Promise<T>;

before(async () => {
  await busyboxImage();
  box = await sessionSandbox({ settings: { image: BUSYBOX_IMAGE, stopGraceSeconds: 2 } });
});
after(async () => box.cleanup());

test('start, labels, list, exec, logs, stats, stop, rm, prune, audit', { timeout: 60_000 }, async () => {
  const events: SessionEvent[] = [];
  const subscription = await box.service.subscribe((event) => events.push(event));
  try {
    const session = await invoke<Session>('session.start', { workspace: box.workspace, agent: 'shell', command: ['sh', '-c', 'echo hello; echo oops >&2; sleep 300'] });
    assert.match(session.id, /^[0-9a-f]{12}$/);
    const inspect = await box.docker.getContainer(session.name).inspect();
    assert.equal(inspect.State.Running, true);
    const labels = inspect.Config.Labels;
    assert.equal(labels[LABEL.session], session.id);
    assert.equal(labels[LABEL.workspace], box.workspace);
    assert.equal(labels[LABEL.agent], 'shell');
    assert.ok(Date.parse(labels[LABEL.created]!) > Date.now() - 60_000);
    assert.ok(labels[LABEL.version]);

    const listed = await invoke<{ sessions: Session[] }>('session.list', {});
    assert.deepEqual(listed.sessions.filter((s) => s.workspace === box.workspace).map((s) => s.id), [session.id]);

    const prefix = session.id.slice(0, 6);
    const exec = await invoke<{ exitCode: number; stdout: string; stderr: string }>('session.exec', { id: prefix, command: ['sh', '-c', 'pwd; echo bad >&2; exit 7'] });
    assert.deepEqual([exec.exitCode, exec.stdout, exec.stderr], [7, '/workspace\n', 'bad\n']);

    await eventually(async () => (await invoke<{ stdout: string }>('session.logs', { id: prefix })).stdout === 'hello\n', 5000, 'the log line');
    const logs = await invoke<{ stdout: string; stderr: string }>('session.logs', { id: prefix });
    assert.equal(logs.stderr, 'oops\n');

    const stats = await invoke<{ health: { healthy: boolean }; stats: { pids?: number; memoryBytes?: number } }>('session.stats', { id: prefix });
    assert.equal(stats.health.healthy, true);
    assert.ok((stats.stats.pids ?? 0) >= 1);

    const { stopped } = await invoke<{ stopped: { exitCode: number | null }[] }>('session.stop', { ids: [prefix] });
    assert.equal(stopped[0]?.exitCode, 143, 'SIGTERM ends it gracefully');
    const all = await invoke<{ sessions: Session[] }>('session.list', { all: true });
    assert.equal(all.sessions.find((s) => s.id === session.id)?.state, 'exited');
    assert.equal((await invoke<{ sessions: Session[] }>('session.list', {})).sessions.some((s) => s.id === session.id), false);

    await invoke('session.rm', { ids: [prefix] });
    assert.equal((await box.containers()).length, 0);
    await assert.rejects(invoke('session.exec', { id: prefix, command: ['true'] }), /No session has an id/);

    await eventually(() => ['start', 'die', 'destroy'].every((action) => events.some((e) => e.id === session.id && e.action === action)), 5000, 'engine events');

    const audit = (await readFile(box.auditLog, 'utf8')).trim().split('\n').map((line) => JSON.parse(line));
    const actions = audit.filter((entry) => entry.session === session.id).map((entry) => entry.action);
    assert.deepEqual(actions, ['start', 'exec', 'stop', 'remove']);
    assert.ok(audit.every((entry) => entry.origin === 'test' && Date.parse(entry.time) > 0));
  } finally {
    subscription.dispose();
  }
});

test('prune removes every exited session and stops those past their maximum age', { timeout: 60_000 }, async () => {
  const quick = await invoke<Session>('session.start', { workspace: box.workspace, agent: 'shell', command: ['true'] });
  const old = await invoke<Session>('session.start', { workspace: box.workspace, agent: 'shell', maxAge: 1 });
  const young = await invoke<Session>('session.start', { workspace: box.workspace, agent: 'shell' });
  await box.service.find(quick.id).then(({ provider }) => provider.wait(quick.id, { timeoutMs: 10_000 }));
  await new Promise((resolve) => setTimeout(resolve, 1100));
  const pruned = await invoke<{ reaped: string[]; removed: string[] }>('session.prune', { yes: true });
  assert.deepEqual(pruned.reaped, [old.id]);
  assert.ok(pruned.removed.includes(quick.id) && pruned.removed.includes(old.id));
  const left = (await box.containers()).map((info) => info.Labels[LABEL.session]);
  assert.deepEqual(left, [young.id]);
  await invoke('session.rm', { ids: [young.id] });
});

test('a start that fails leaves nothing behind', { timeout: 30_000 }, async () => {
  const hasty = await sessionSandbox({ settings: { image: BUSYBOX_IMAGE, startTimeoutMs: 1 } });
  try {
    await assert.rejects(
      hasty.service.start({ workspace: hasty.workspace, agent: 'shell' }, { origin: 'test' }),
      (error: Error) => /did not come up within/.test(error.message),
    );
    await eventually(async () => (await hasty.containers()).length === 0, 10_000, 'the half-made container to go');
  } finally {
    await hasty.cleanup();
  }
});

test('the CLI finds sessions again after it was killed mid-session', { timeout: 90_000 }, async () => {
  const env = { ...box.env, BERTH_IMAGE: BUSYBOX_IMAGE };
  const started = await cli(['session', 'start', '--workspace', box.workspace, '--agent', 'shell', '--json', '--', 'sh', '-c', 'while :; do echo tick; sleep 1; done'], { env });
  assert.equal(started.code, 0, started.stderr);
  const { id } = JSON.parse(started.stdout) as Session;

  const follower = cli(['session', 'logs', id.slice(0, 5), '--follow'], { env });
  await new Promise((resolve) => setTimeout(resolve, 2500));
  follower.kill('SIGKILL');
  const followed = await follower;
  assert.match(followed.stdout, /tick/);

  const listed = await cli(['session', 'list', '--json'], { env });
  const sessions = (JSON.parse(listed.stdout) as { sessions: Session[] }).sessions;
  assert.equal(sessions.find((s) => s.id === id)?.state, 'running');

  const exec = await cli(['session', 'exec', id.slice(0, 5), '--', 'sh', '-c', 'echo inside; exit 4'], { env });
  assert.deepEqual([exec.code, exec.stdout], [4, 'inside\n']);
  const stop = await cli(['session', 'stop', id.slice(0, 5)], { env });
  assert.equal(stop.code, 0, stop.stderr);
  const rm = await cli(['session', 'rm', id], { env });
  assert.equal(rm.code, 0, rm.stderr);
  assert.equal((await box.containers()).length, 0);
});

test('bad input: one clear line, a non-zero exit, nothing left behind', { timeout: 90_000 }, async () => {
  const env = { ...box.env, BERTH_IMAGE: BUSYBOX_IMAGE };
  const cases: [string[], NodeJS.ProcessEnv, RegExp][] = [
    [['session', 'stop', 'ffffffffffff'], env, /No session has an id starting with "ffffffffffff"/],
    [['session', 'start', '--agent', 'shell', '--workspace', `${box.workspace}/missing`], env, /is not a folder that exists/],
    [['session', 'start', '--agent', 'shell', '--workspace', box.workspace], { ...env, DOCKER_HOST: 'unix:///nonexistent/docker.sock' }, /No Docker engine at unix:\/\/\/nonexistent/],
    [['session', 'start', '--agent', 'shell', '--workspace', box.workspace, '--image', 'berth-test/absent:0'], env, /image berth-test\/absent:0 is not on the engine/],
    [['session', 'start', '--agent', 'shell', '--workspace', box.workspace, '--netwrk', 'none'], env, /unknown flag --netwrk \(did you mean --network\?\)/],
    [['session', 'start', '--agent', 'shell', '--workspace', box.workspace, '--memory-mb', '-5'], env, /--memory-mb.*positive/i],
    [['session', 'start', '--agent', 'shell', '--workspace', box.workspace, '--prompt', 'hi'], env, /A shell session takes no prompt/],
    [['session', 'start', '--workspace', box.workspace, '--prompt', 'hi', '--network', 'none'], { ...env, ANTHROPIC_API_KEY: 'k' }, /Claude Code needs the network/],
    [['session', 'start', '--agent', 'shell', '--workspace', box.workspace, '--', 'no-such-command', 'x'], env, /"no-such-command" was not found in the image berth-test\/busybox:1 \(exit code 127/],
    [['session', 'start', '--agent', 'shell', '--workspace', box.workspace], { ...env, BERTH_PROVIDER: 'dokcer' }, /BERTH_PROVIDER must be auto, docker or process, not "dokcer"/],
    [['session', 'start', '--agent', 'shell', '--workspace', box.workspace, '--network', 'wifi'], env, /network/],
    [['session', 'exec', 'abc'], env, /give the command after --/],
  ];
  const results = await Promise.all(cases.map(([args, caseEnv]) => cli(args, { env: caseEnv })));
  results.forEach((result, i) => {
    const [args, , pattern] = cases[i]!;
    assert.notEqual(result.code, 0, args.join(' '));
    const lines = result.stderr.split('\n').filter((line) => line && !line.startsWith('npm warn'));
    assert.equal(lines.length, 1, `${args.join(' ')}: ${result.stderr}`);
    assert.match(lines[0]!, pattern);
    assert.equal(result.stdout, '');
  });
  assert.equal((await box.containers()).length, 0);
});

test('the process provider: a local, unisolated session with a durable record', { timeout: 30_000 }, async () => {
  const local = await sessionSandbox({ settings: { provider: 'process' } });
  try {
    const session = await local.service.start({ workspace: local.workspace, agent: 'shell', command: ['sh', '-c', 'echo local > out.txt; echo done; sleep 30'] }, { origin: 'test' });
    assert.equal(session.isolated, false);
    assert.equal(session.provider, 'process');
    const { provider } = await local.service.find(session.id.slice(0, 4));
    await eventually(async () => (await readFile(`${local.workspace}/out.txt`, 'utf8').catch(() => '')) === 'local\n', 5000, 'the file');
    assert.equal((await provider.exec(session.id, ['pwd'])).exitCode, 0);
    // A new service (a restarted CLI) reads the same records.
    const again = await sessionSandbox({ settings: { provider: 'process', processStateDir: local.settings.processStateDir } });
    assert.equal((await again.service.list())[0]?.id, session.id);
    await again.cleanup();
    await provider.stop(session.id, { graceSeconds: 1 });
    assert.equal((await provider.get(session.id))?.state, 'exited');
    const listed = await cli(['session', 'list', '--all'], { env: { ...local.env, BERTH_PROVIDER: 'process' } });
    assert.match(listed.stdout, /NOT ISOLATED/);
    assert.deepEqual(await provider.prune({ startTimeoutMs: 60_000 }), [session.id]);
  } finally {
    await local.cleanup();
  }
});
