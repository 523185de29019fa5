// Regression tests for the defects a hostile review of the session engine found (issue 9): each
// test fails on the engine as it was before its fix.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { chmod, chown, mkdir, mkdtemp, readFile, rm, symlink, truncate, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { after, before, test } from 'node:test';
import { createOperationCatalog } from '../../src/core/catalog.js';
import { silentContext, type OperationContext } from '../../src/core/operations.js';
import { LABEL } from '../../src/core/sessions/labels.js';
import type { Session } from '../../src/core/sessions/types.js';
import { BUSYBOX_0755_IMAGE, BUSYBOX_IMAGE, busybox0755Image, busyboxImage, claudeBinary } from '../support/images.js';
import { startRemappedEngine } from '../support/docker.js';
import { startMessagesApi } from '../support/messagesApi.js';
import { asAccount, cli, eventually, sessionSandbox, type HostAccount } from '../support/sessions.js';

const KEY = `sk-ant-review-${randomBytes(8).toString('hex')}`;
/** Accounts that exist on no machine of ours but in the kernel's eyes: uid 1000 is the old fallback user. */
const OLD_FALLBACK: HostAccount = { uid: 1000, gid: 1000 };
const STRANGER: HostAccount = { uid: 4242, gid: 4242 };
const DOCKER_GID = Number(spawnSync('getent', ['group', 'docker'], { encoding: 'utf8' }).stdout.split(':')[2]);

let box: Awaited<ReturnType<typeof sessionSandbox>>;
const ctx = silentContext('test', process.cwd());
const ops = () => createOperationCatalog({ sessions: box.service });
const invoke = <T>(name: string, input: unknown, context: OperationContext = ctx) => ops().invoke(name, input, context) as Promise<T>;
const docker = (...args: string[]) => spawnSync('docker', args, { encoding: 'utf8' });

before(async () => {
  await Promise.all([busyboxImage(), busybox0755Image()]);
  box = await sessionSandbox({ settings: { image: BUSYBOX_IMAGE, stopGraceSeconds: 1 }, secrets: { ANTHROPIC_API_KEY: KEY } });
});
after(async () => box.cleanup());

const shared: string[] = [];
after(async () => Promise.all(shared.map((folder) => rm(folder, { recursive: true, force: true }))));

/** A folder other accounts can reach, for tests that run something as them; removed after the tests. */
async function sharedFolder(owner?: HostAccount): Promise<string> {
  const root = await mkdtemp(join(tmpdir(), 'berth-shared-'));
  shared.push(root);
  await chmod(root, 0o755);
  if (owner) await chown(root, owner.uid, owner.gid);
  return root;
}

test('1. a prompt that starts with -- reaches the agent as its prompt, never as an option of claude', { timeout: 120_000 }, async () => {
  const claude = await claudeBinary();
  const api = await startMessagesApi([{ text: 'ok' }]);
  const local = await sessionSandbox({ settings: { provider: 'process' } });
  try {
    const bin = join(local.root, 'bin');
    await mkdir(bin);
    await symlink(claude, join(bin, 'claude'));
    const marker = join(local.root, 'hook-ran');
    // What the review used: a settings file whose hook runs a command on the host with no prompt.
    const prompt = `--settings={"hooks":{"SessionStart":[{"hooks":[{"type":"command","command":"touch ${marker}"}]}],"UserPromptSubmit":[{"hooks":[{"type":"command","command":"touch ${marker}"}]}]}}`;
    const env = {
      ...local.env,
      BERTH_PROVIDER: 'process',
      PATH: `${bin}:${process.env.PATH}`,
      HOME: local.root,
      ANTHROPIC_API_KEY: 'sk-ant-local',
      ANTHROPIC_BASE_URL: api.url,
      CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC: '1',
    };
    const started = await cli(['session', 'start', '--workspace', local.workspace, '--json', `--prompt=${prompt}`], { env });
    assert.equal(started.code, 0, started.stderr);
    const session = JSON.parse(started.stdout) as Session;
    const { provider } = await local.service.find(session.id);
    const { exitCode } = await provider.wait(session.id, { timeoutMs: 60_000 });
    assert.equal(exitCode, 0, (await readFile(join(local.settings.processStateDir!, session.id, 'stderr.log'), 'utf8').catch(() => '')));
    assert.equal(existsSync(marker), false, 'the prompt was read as --settings and its hook ran');
    const asked = api.requests.filter((request) => Array.isArray(request.body.tools) && request.body.tools.length > 0);
    assert.ok(asked.some((request) => JSON.stringify(request.body.messages).includes('--settings={\\"hooks\\"')), 'the prompt reached the API as the user turn');
  } finally {
    await api.close();
    await local.cleanup();
  }
});

test('2. no other host account can read, browse or signal a session; what it writes belongs to its starter', { timeout: 90_000 }, async () => {
  // The workspace belongs to root, as the review's did: the old engine ran the session as 1000:1000.
  const session = await invoke<Session>('session.start', { workspace: box.workspace, agent: 'claude', network: 'none', command: ['sh', '-c', 'echo mine > /workspace/root-owned.txt; exec sleep 300'] });
  const top = await box.docker.getContainer(session.name).top({ ps_args: '-eo pid,args' });
  const sleeper = top.Processes.find((row: string[]) => row[1] === 'sleep 300');
  assert.ok(sleeper, JSON.stringify(top));
  const pid = sleeper[0]!.trim();
  // Control: the probe sees the key where it may look.
  assert.match(await readFile(`/proc/${pid}/environ`, 'utf8'), new RegExp(`ANTHROPIC_API_KEY=${KEY}`));
  for (const account of [OLD_FALLBACK, STRANGER]) {
    for (const probe of [['cat', `/proc/${pid}/environ`], ['ls', `/proc/${pid}/root/`], ['kill', '-0', pid]]) {
      const result = spawnSync(asAccount(account, probe)[0]!, asAccount(account, probe).slice(1), { encoding: 'utf8' });
      assert.notEqual(result.status, 0, `uid ${account.uid} ran ${probe.join(' ')}: ${result.stdout.slice(0, 80)}`);
      assert.ok(!result.stdout.includes(KEY));
    }
  }
  await eventually(() => existsSync(join(box.workspace, 'root-owned.txt')), 5000, 'the file');
  assert.equal(statSync(join(box.workspace, 'root-owned.txt')).uid, 0, 'the agent wrote a root-owned workspace, as root');
  await invoke('session.rm', { ids: [session.id] });
});

test('2. a person who is not root gets a session of their own uid, with their groups', { timeout: 90_000 }, async () => {
  const person: HostAccount = { uid: 4343, gid: 4343, groups: [DOCKER_GID] };
  const root = await sharedFolder(person);
  const workspace = join(root, 'workspace');
  await mkdir(workspace);
  await chown(workspace, person.uid, person.gid);
  const env = { PATH: process.env.PATH, HOME: root, XDG_STATE_HOME: join(root, 'state'), BERTH_IMAGE: BUSYBOX_IMAGE };
  const started = await cli(['session', 'start', '--workspace', workspace, '--agent', 'shell', '--json', '--', 'sh', '-c', 'id -u > /workspace/who; sleep 300'], { env, as: person });
  assert.equal(started.code, 0, started.stderr);
  const session = JSON.parse(started.stdout) as Session;
  try {
    assert.equal(session.user, '4343:4343');
    const inspect = await box.docker.getContainer(session.name).inspect();
    assert.equal(inspect.Config.User, '4343:4343');
    assert.deepEqual(inspect.HostConfig.GroupAdd, [String(DOCKER_GID)]);
    await eventually(() => existsSync(join(workspace, 'who')), 5000, 'the file');
    assert.equal(await readFile(join(workspace, 'who'), 'utf8'), '4343\n');
    assert.equal(statSync(join(workspace, 'who')).uid, 4343);
  } finally {
    docker('rm', '-f', session.name);
  }
});

test('2. on an engine that remaps users, the start says whose files the agent writes', { timeout: 180_000 }, async () => {
  const engine = await startRemappedEngine();
  try {
    const load = spawnSync('sh', ['-c', `docker save ${BUSYBOX_IMAGE} | DOCKER_HOST=${engine.host} docker load`], { encoding: 'utf8' });
    assert.equal(load.status, 0, load.stderr);
    const env = { ...box.env, DOCKER_HOST: engine.host, BERTH_IMAGE: BUSYBOX_IMAGE };
    const started = await cli(['session', 'start', '--agent', 'shell', '--workspace', box.workspace, '--json'], { env });
    assert.equal(started.code, 0, started.stderr);
    assert.match(started.stderr, /^berth: warning: The Docker engine remaps users \(userns-remap\): the session's uid 0:0 is a subordinate uid on the host/m);
    const session = JSON.parse(started.stdout) as Session;
    const rm = await cli(['session', 'rm', session.id], { env });
    assert.equal(rm.code, 0, rm.stderr);
    const plain = await cli(['session', 'start', '--agent', 'shell', '--workspace', box.workspace, '--json'], { env: { ...box.env, BERTH_IMAGE: BUSYBOX_IMAGE } });
    assert.doesNotMatch(plain.stderr, /remaps users/, 'an engine without remapping says nothing');
    docker('rm', '-f', `berth-${(JSON.parse(plain.stdout) as Session).id}`);
  } finally {
    await engine.stop();
  }
});

test('3. container logs are capped by the engine, and a result keeps only the newest output', { timeout: 120_000 }, async () => {
  const capped = await sessionSandbox({ settings: { image: BUSYBOX_IMAGE, logMaxSize: '1m', logMaxFiles: 2 } });
  try {
    const catalog = createOperationCatalog({ sessions: capped.service });
    const session = (await catalog.invoke(
      'session.start',
      { workspace: capped.workspace, agent: 'shell', command: ['sh', '-c', 'yes "$(head -c 4000 /dev/zero | tr "\\0" a)" | head -c 50000000; echo; echo the-last-line'] },
      ctx,
    )) as Session;
    const { provider } = await capped.service.find(session.id);
    assert.equal((await provider.wait(session.id, { timeoutMs: 60_000 })).exitCode, 0);
    const logPath = (await capped.docker.getContainer(session.name).inspect()).LogPath;
    const kept = readdirSync(dirname(logPath))
      .filter((name) => name.startsWith(basename(logPath)))
      .reduce((sum, name) => sum + statSync(join(dirname(logPath), name)).size, 0);
    assert.ok(kept <= 2.2 * 1024 ** 2, `50 MB printed, ${kept} bytes kept on the host`);
    const logs = (await catalog.invoke('session.logs', { id: session.id }, ctx)) as { stdout: string; truncated: boolean };
    assert.equal(logs.truncated, true);
    assert.ok(logs.stdout.length <= 1024 * 1024, `${logs.stdout.length} characters in a result`);
    assert.match(logs.stdout, /the-last-line\n$/, 'the newest output is the part kept');
  } finally {
    await capped.cleanup();
  }
});

test('4. prunes racing twenty starts remove none of them', { timeout: 180_000 }, async () => {
  const racing = await sessionSandbox({ settings: { image: BUSYBOX_IMAGE, stopGraceSeconds: 1 } });
  try {
    const catalog = createOperationCatalog({ sessions: racing.service });
    const starts = Array.from({ length: 20 }, () => catalog.invoke('session.start', { workspace: racing.workspace, agent: 'shell' }, silentContext('test', process.cwd())) as Promise<Session>);
    const prunes = Array.from({ length: 8 }, (_, i) =>
      new Promise((resolve) => setTimeout(resolve, i * 150)).then(() => catalog.invoke('session.prune', { yes: true }, silentContext('test', process.cwd()))),
    );
    const [started] = await Promise.all([Promise.allSettled(starts), Promise.all(prunes)]);
    const ok = started.filter((result): result is PromiseFulfilledResult<Session> => result.status === 'fulfilled').map((result) => result.value.id);
    assert.equal(ok.length, 20, JSON.stringify(started.filter((result) => result.status === 'rejected')));
    const running = (await racing.service.list()).filter((s) => s.workspace === racing.workspace).map((s) => s.id);
    assert.deepEqual([...running].sort(), [...ok].sort(), 'every start that reported success still runs');
  } finally {
    await racing.cleanup();
  }
});

test('5. a container that copies a session’s labels is not the session, and an id two claim is refused', { timeout: 90_000 }, async () => {
  const session = await invoke<Session>('session.start', { workspace: box.workspace, agent: 'shell' });
  const tag = `berth-test/copy:${randomBytes(4).toString('hex')}`;
  const copy = `copy-${randomBytes(4).toString('hex')}`;
  const ended = `${copy}-ended`;
  try {
    assert.equal(docker('commit', session.name, tag).status, 0);
    assert.equal(docker('run', '-d', '--name', copy, '--network', 'none', tag, 'sleep', '300').status, 0);
    assert.equal(docker('run', '--name', ended, '--network', 'none', tag, 'true').status, 0);
    assert.equal(docker('inspect', '-f', `{{index .Config.Labels "${LABEL.session}"}}`, copy).stdout.trim(), session.id, 'the copy carries the label');

    const listed = (await box.service.list({ all: true })).filter((s) => s.id === session.id);
    assert.deepEqual(listed.map((s) => s.name), [session.name], 'only the session is listed');
    await assert.rejects(invoke('session.stop', { ids: [session.id] }), (error: Error) => error.message.includes('Two containers claim') && error.message.includes(copy) && error.message.includes(session.name));
    await assert.rejects(invoke('session.exec', { id: session.id, command: ['true'] }), /Two containers claim/);
    assert.equal(docker('inspect', '-f', '{{.State.Running}}', session.name).stdout.trim(), 'true', 'the session was not touched');
    assert.equal(docker('inspect', '-f', '{{.State.Running}}', copy).stdout.trim(), 'true', 'nor the copy');

    docker('rm', '-f', copy);
    await invoke('session.prune', { yes: true });
    assert.equal(docker('inspect', ended).status, 0, 'prune leaves a container that is not a session alone');
    docker('rm', '-f', ended);
    const { stopped } = await invoke<{ stopped: { id: string }[] }>('session.stop', { ids: [session.id] });
    assert.deepEqual(stopped.map((s) => s.id), [session.id]);
  } finally {
    docker('rm', '-f', copy, ended);
    docker('rmi', tag);
    await invoke('session.rm', { ids: [session.id] }).catch(() => undefined);
  }
});

test('7. an engine that refuses the user is an error with the fix, not a reason to drop isolation', { timeout: 60_000 }, async () => {
  const root = await sharedFolder(STRANGER);
  const workspace = join(root, 'workspace');
  await mkdir(workspace);
  await chown(workspace, STRANGER.uid, STRANGER.gid);
  const state = join(root, 'state');
  const env = { PATH: process.env.PATH, HOME: root, XDG_STATE_HOME: state };
  for (const args of [['session', 'start', '--agent', 'shell', '--workspace', workspace], ['session', 'list']]) {
    const result = await cli(args, { env, as: STRANGER });
    assert.equal(result.code, 1, result.stderr);
    assert.match(result.stderr, /Permission denied on unix:\/\/\/var\/run\/docker\.sock.*"docker" group/);
  }
  assert.equal(existsSync(join(state, 'berth', 'process-sessions')), false, 'no local process was started instead');
});

test('7. with no engine at all the fallback warns on stderr, terminal or not', { timeout: 60_000 }, async () => {
  const local = await sessionSandbox();
  try {
    const env = { ...local.env };
    delete env.DOCKER_HOST;
    // A private mount namespace where the default socket is /dev/null: no engine, nothing refused.
    const script = `mount --bind /dev/null /var/run/docker.sock && exec ${process.execPath} --import tsx src/cli/main.ts session start --agent shell --workspace '${local.workspace}' -- true`;
    const result = spawnSync('unshare', ['--mount', '--propagation', 'private', 'sh', '-c', script], { cwd: join(__dirname, '..', '..'), env, encoding: 'utf8', timeout: 60_000 });
    assert.equal(result.status, 0, result.stderr);
    assert.match(result.stderr, /^berth: warning: No Docker engine at unix:\/\/\/var\/run\/docker\.sock.*NOT isolated/m);
    assert.match(result.stdout, /NOT ISOLATED/);
  } finally {
    await local.cleanup();
  }
});

test('8. a local shell session inherits no secret, and a log over 2 GiB is streamed whole', { timeout: 180_000 }, async () => {
  const local = await sessionSandbox({ settings: { provider: 'process' }, secrets: { ANTHROPIC_API_KEY: KEY } });
  try {
    const env = { ...local.env, BERTH_PROVIDER: 'process', ANTHROPIC_API_KEY: KEY };
    const shell = await cli(['session', 'start', '--agent', 'shell', '--workspace', local.workspace, '--json', '--', 'sh', '-c', 'env > shell-env.txt; sleep 30'], { env });
    assert.equal(shell.code, 0, shell.stderr);
    const { id } = JSON.parse(shell.stdout) as Session;
    await eventually(() => existsSync(join(local.workspace, 'shell-env.txt')), 5000, 'the environment file');
    assert.ok(!(await readFile(join(local.workspace, 'shell-env.txt'), 'utf8')).includes(KEY), 'the shell session got the key');
    const exec = await cli(['session', 'exec', id, '--', 'env'], { env });
    assert.equal(exec.code, 0, exec.stderr);
    assert.ok(!exec.stdout.includes(KEY), 'a command run in the shell session got the key');

    const agent = await cli(['session', 'start', '--agent', 'claude', '--workspace', local.workspace, '--json', '--', 'sh', '-c', 'env > agent-env.txt'], { env });
    assert.equal(agent.code, 0, agent.stderr);
    await eventually(() => existsSync(join(local.workspace, 'agent-env.txt')), 5000, 'the agent environment file');
    assert.ok((await readFile(join(local.workspace, 'agent-env.txt'), 'utf8')).includes(`ANTHROPIC_API_KEY=${KEY}`), 'an agent session gets what it needs');

    // A sparse file: 2.1 GiB of log without 2.1 GiB of disk.
    const size = Math.floor(2.1 * 1024 ** 3);
    await truncate(join(local.settings.processStateDir!, id, 'stdout.log'), size);
    let bytes = 0;
    const catalog = createOperationCatalog({ sessions: local.service });
    await catalog.invoke('session.logs', { id }, { ...silentContext('test', process.cwd()), emit: (chunk) => (bytes += Buffer.byteLength(chunk)) });
    assert.equal(bytes, size);
  } finally {
    await local.cleanup();
  }
});

test('9. a start whose audit line cannot be written is rolled back', { timeout: 60_000 }, async () => {
  const blocker = join(box.root, 'not-a-folder');
  await writeFile(blocker, '');
  const strict = await sessionSandbox({ settings: { image: BUSYBOX_IMAGE, auditLog: join(blocker, 'audit.jsonl') } });
  try {
    await assert.rejects(strict.service.start({ workspace: strict.workspace, agent: 'shell' }, { origin: 'test' }), (error: Error) => /was not started: its audit line could not be written/.test(error.message));
    assert.equal((await strict.containers()).length, 0, 'no session runs that the audit log does not know of');
  } finally {
    await strict.cleanup();
  }
});

test('10. control characters in a workspace path are escaped in the session table', { timeout: 60_000 }, async () => {
  const odd = join(box.root, 'ws\u001b[31mred\u0007');
  await mkdir(odd);
  const env = { ...box.env, BERTH_IMAGE: BUSYBOX_IMAGE };
  const started = await cli(['session', 'start', '--agent', 'shell', '--workspace', odd, '--json'], { env });
  assert.equal(started.code, 0, started.stderr);
  const { id } = JSON.parse(started.stdout) as Session;
  try {
    const listed = await cli(['session', 'list'], { env });
    assert.ok(listed.stdout.includes(id));
    assert.ok(!/[\u0000-\u0008\u000b-\u001f\u007f]/.test(listed.stdout), JSON.stringify(listed.stdout));
    assert.ok(listed.stdout.includes('ws\\e[31mred\\u0007'));
  } finally {
    docker('rm', '-f', `berth-${id}`);
  }
});

test('11. /tmp is writable and the home private even where the image ships them 0755 root', { timeout: 60_000 }, async () => {
  assert.equal(docker('run', '--rm', '--entrypoint', 'stat', BUSYBOX_0755_IMAGE, '-c', '%a %u', '/tmp').stdout.trim(), '755 0', 'the image is as the review saw it');
  // Not as root: root would own the image's /tmp anyway, and could write it whoever owned the tmpfs.
  const other = await sessionSandbox({ settings: { image: BUSYBOX_0755_IMAGE, user: '4242:4242' } });
  try {
    const catalog = createOperationCatalog({ sessions: other.service });
    const session = (await catalog.invoke('session.start', { workspace: other.workspace, agent: 'shell' }, ctx)) as Session;
    const run = async (script: string) => ((await catalog.invoke('session.exec', { id: session.id, command: ['sh', '-c', script] }, ctx)) as { stdout: string }).stdout;
    assert.equal(await run('id -u'), '4242\n');
    assert.equal(await run('touch /tmp/x && echo ok'), 'ok\n');
    assert.equal(await run('stat -c "%u %a" "$HOME" /run/berth'), '4242 700\n4242 700\n');
  } finally {
    await other.cleanup();
  }
});

test('14. BERTH_WARM_POOL keeps ready containers, and a start takes one', { timeout: 120_000 }, async () => {
  const pooled = await sessionSandbox();
  try {
    const env = { ...pooled.env, BERTH_IMAGE: BUSYBOX_IMAGE, BERTH_WARM_POOL: '2' };
    const ready = async () => (await pooled.containers()).filter((info) => info.Names[0]!.startsWith('/berth-pool-') && info.State === 'running').map((info) => info.Labels[LABEL.session]!);
    const first = await cli(['session', 'start', '--agent', 'shell', '--json'], { env, cwd: pooled.workspace });
    assert.equal(first.code, 0, first.stderr);
    assert.equal((await ready()).length, 2, 'the first start fills the pool');
    const pool = await ready();
    const second = await cli(['session', 'start', '--agent', 'shell', '--json'], { env, cwd: pooled.workspace });
    assert.equal(second.code, 0, second.stderr);
    assert.ok(pool.includes((JSON.parse(second.stdout) as Session).id), 'the second start is a warm container');
    assert.equal((await ready()).length, 2, 'and the pool is topped up again');
  } finally {
    await pooled.cleanup();
  }
});

test('18. session exec -i passes standard input; without -i the command reads none', { timeout: 60_000 }, async () => {
  const env = { ...box.env, BERTH_IMAGE: BUSYBOX_IMAGE };
  const session = await invoke<Session>('session.start', { workspace: box.workspace, agent: 'shell' });
  try {
    const piped = await cli(['session', 'exec', '-i', session.id, '--', 'cat'], { env, stdin: 'abc\n' });
    assert.deepEqual([piped.code, piped.stdout], [0, 'abc\n'], piped.stderr);
    const closed = await cli(['session', 'exec', session.id, '--', 'cat'], { env, stdin: 'abc\n' });
    assert.deepEqual([closed.code, closed.stdout], [0, '']);
    const notty = await cli(['session', 'exec', '-it', session.id, '--', 'sh'], { env, stdin: '' });
    assert.equal(notty.code, 2, 'a usage error');
    assert.match(notty.stderr, /-t needs a terminal/);
  } finally {
    await invoke('session.rm', { ids: [session.id] });
  }
});

test('18. berth session attach connects a terminal to an interactive session', { timeout: 60_000 }, async () => {
  const env = { ...box.env, BERTH_IMAGE: BUSYBOX_IMAGE, BERTH_AGENT_TTYSH: 'sh' };
  const started = await cli(['session', 'start', '--agent', 'ttysh', '--network', 'none', '--workspace', box.workspace, '--json'], { env });
  assert.equal(started.code, 0, started.stderr);
  const session = JSON.parse(started.stdout) as Session;
  assert.equal(session.interactive, true);
  // script(1) gives the CLI a pseudo-terminal, as a person's terminal would be.
  const command = `${process.execPath} --import tsx src/cli/main.ts session attach ${session.id}`;
  const attached = spawnSync('script', ['-qec', command, '/dev/null'], {
    cwd: join(__dirname, '..', '..'),
    env,
    input: 'echo "hi-$((40+2))"\nexit 3\n',
    encoding: 'utf8',
    timeout: 30_000,
  });
  assert.match(attached.stdout, /hi-42/);
  assert.match(attached.stdout, new RegExp(`Session ${session.id} ended with code 3`));
  const notInteractive = await invoke<Session>('session.start', { workspace: box.workspace, agent: 'shell' });
  const refused = await cli(['session', 'attach', notInteractive.id], { env });
  assert.equal(refused.code, 2, 'a usage error: no terminal here');
  assert.match(refused.stderr, /needs a terminal/);
  await invoke('session.rm', { ids: [session.id, notInteractive.id] });
});

test('19. prune lists with --dry-run, asks or wants --yes, and stop and rm take several ids', { timeout: 90_000 }, async () => {
  const own = await sessionSandbox({ settings: { image: BUSYBOX_IMAGE, stopGraceSeconds: 1 } });
  try {
    const env = { ...own.env, BERTH_IMAGE: BUSYBOX_IMAGE };
    const catalog = createOperationCatalog({ sessions: own.service });
    const start = () => catalog.invoke('session.start', { workspace: own.workspace, agent: 'shell' }, ctx) as Promise<Session>;
    const [a, b, c] = await Promise.all([start(), start(), start()]);
    const stop = await cli(['session', 'stop', a!.id, b!.id.slice(0, 6)], { env });
    assert.equal(stop.code, 0, stop.stderr);
    assert.match(stop.stdout, new RegExp(`Stopped ${a!.id}[^\\n]*\\nStopped ${b!.id}`));

    const dry = await cli(['session', 'prune', '--dry-run', '--json'], { env });
    const listed = JSON.parse(dry.stdout) as { dryRun: boolean; removed: string[] };
    assert.equal(listed.dryRun, true);
    assert.ok(listed.removed.includes(a!.id) && listed.removed.includes(b!.id) && !listed.removed.includes(c!.id));
    assert.equal((await own.containers()).length, 3, 'a dry run removes nothing');

    const unasked = await cli(['session', 'prune'], { env });
    assert.equal(unasked.code, 2, 'a usage error: --yes is missing');
    assert.match(unasked.stderr, /nobody to ask\. Pass --yes/);
    assert.equal((await own.containers()).length, 3);

    const yes = await cli(['session', 'prune', '--yes'], { env });
    assert.equal(yes.code, 0, yes.stderr);
    assert.deepEqual((await own.containers()).map((info) => info.Labels[LABEL.session]), [c!.id]);
    const rm = await cli(['session', 'rm', c!.id], { env });
    assert.equal(rm.code, 0, rm.stderr);
    assert.equal((await own.containers()).length, 0);
  } finally {
    await own.cleanup();
  }
});

test('20. --json has one shape: every session field present, stdout and stderr named alike', { timeout: 60_000 }, async () => {
  const env = { ...box.env, BERTH_IMAGE: BUSYBOX_IMAGE };
  const session = await invoke<Session>('session.start', { workspace: box.workspace, agent: 'shell', command: ['sh', '-c', 'echo out; echo err >&2; sleep 300'] });
  try {
    const keys = ['id', 'name', 'provider', 'isolated', 'workspace', 'agent', 'image', 'created', 'state', 'status', 'exitCode', 'oomKilled', 'interactive', 'mount', 'network', 'user', 'version', 'maxAgeSeconds', 'owner', 'policy', 'stopsAt', 'egress'].sort();
    const listed = JSON.parse((await cli(['session', 'list', '--json'], { env })).stdout) as { sessions: Record<string, unknown>[] };
    const mine = listed.sessions.find((s) => s.id === session.id)!;
    assert.deepEqual(Object.keys(mine).sort(), keys);
    assert.equal(mine.exitCode, null);
    const exec = JSON.parse((await cli(['session', 'exec', session.id, '--json', '--', 'sh', '-c', 'echo a; echo b >&2'], { env })).stdout);
    assert.deepEqual(exec, { id: session.id, exitCode: 0, stdout: 'a\n', stderr: 'b\n', truncated: false });
    await eventually(async () => JSON.parse((await cli(['session', 'logs', session.id, '--json'], { env })).stdout).stderr === 'err\n', 5000, 'the logs');
    const logs = JSON.parse((await cli(['session', 'logs', session.id, '--json'], { env })).stdout);
    assert.deepEqual(logs, { id: session.id, stdout: 'out\n', stderr: 'err\n', events: null, truncated: false });
  } finally {
    await invoke('session.rm', { ids: [session.id] });
  }
});

test('a reader that goes away ends berth quietly, as SIGPIPE ends Unix tools', { timeout: 60_000 }, async () => {
  const session = await invoke<Session>('session.start', { workspace: box.workspace, agent: 'shell', command: ['sh', '-c', 'yes berth-pipe | head -c 2000000; sleep 300'] });
  try {
    await eventually(async () => ((await invoke<{ stdout: string }>('session.logs', { id: session.id, tail: 1 })).stdout ?? '').includes('berth-pipe'), 10_000, 'the output');
    const loader = join(__dirname, '..', '..', 'node_modules', 'tsx', 'dist', 'loader.mjs');
    const main = join(__dirname, '..', '..', 'src', 'cli', 'main.ts');
    const piped = spawnSync('sh', ['-c', `"${process.execPath}" --import "${loader}" "${main}" session logs ${session.id} --follow | head -c 20`], {
      env: { ...box.env, BERTH_IMAGE: BUSYBOX_IMAGE },
      encoding: 'utf8',
      timeout: 30_000,
    });
    assert.equal(piped.signal, null, 'it ended by itself, following no more');
    assert.match(piped.stdout, /^berth-pipe\nberth-pip/);
    assert.doesNotMatch(piped.stderr, /EPIPE|Error|at /, piped.stderr);
  } finally {
    await invoke('session.rm', { ids: [session.id] });
  }
});
