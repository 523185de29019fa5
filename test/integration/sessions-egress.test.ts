// Issue 15: egress that fails closed. Real engine, loopback only: the names the sessions ask for
// are mapped by the test hook (BERTH_EGRESS_UPSTREAM) to servers on this host's 127.0.0.1.
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { createOperationCatalog } from '../../src/core/catalog.js';
import { silentContext } from '../../src/core/operations.js';
import type { Session } from '../../src/core/sessions/types.js';
import { AGENT_IMAGE, agentImage, BUSYBOX_IMAGE, busyboxImage } from '../support/images.js';
import { cli, eventually, sessionSandbox } from '../support/sessions.js';

let box: Awaited<ReturnType<typeof sessionSandbox>>;
let upstream: Server;
let port: number;
let env: NodeJS.ProcessEnv;
const ctx = silentContext('test', process.cwd());
const invoke = <T>(name: string, input: unknown) => createOperationCatalog({ sessions: box.service }).invoke(name, input, ctx) as Promise<T>;

before(async () => {
  await Promise.all([agentImage(), busyboxImage()]);
  upstream = createServer((req, res) => res.end(`upstream says hi to ${req.method} ${req.url}\n`));
  await new Promise<void>((resolve) => upstream.listen(0, '127.0.0.1', resolve));
  port = (upstream.address() as AddressInfo).port;
  const upstreams = { 'allowed.test': `127.0.0.1:${port}`, 'other.test': `127.0.0.1:${port}` };
  box = await sessionSandbox({ settings: { image: AGENT_IMAGE, stopGraceSeconds: 1, egressUpstreams: upstreams, egressAllow: ['api.anthropic.com', 'allowed.test'] } });
  env = {
    ...box.env,
    BERTH_IMAGE: AGENT_IMAGE,
    BERTH_EGRESS_ALLOW: 'allowed.test',
    BERTH_EGRESS_UPSTREAM: Object.entries(upstreams).map(([name, target]) => `${name}=${target}`).join(','),
  };
});
after(async () => {
  await box?.cleanup();
  upstream?.close();
});

const egressShell = () => invoke<Session>('session.start', { workspace: box.workspace, agent: 'shell', network: 'egress' });
const inside = async (id: string, script: string) => {
  const result = await invoke<{ exitCode: number; stdout: string; stderr: string }>('session.exec', { id, command: ['sh', '-c', script] });
  return result;
};

test('inside an egress session: an allowed name is reached through the door (CONNECT and plain HTTP), any other gets 403 and is audited, nothing else gets out', { timeout: 120_000 }, async () => {
  const session = await egressShell();
  try {
    assert.equal(session.network, 'egress');
    const tunnel = await inside(session.id, 'curl -sS --proxytunnel http://allowed.test:443/tunnelled');
    assert.equal(tunnel.exitCode, 0, tunnel.stderr);
    assert.equal(tunnel.stdout, 'upstream says hi to GET /tunnelled\n');
    const plain = await inside(session.id, 'curl -sS http://allowed.test/plain');
    assert.equal(plain.stdout, 'upstream says hi to GET /plain\n', plain.stderr);

    const refused = await inside(session.id, 'curl -sS --proxytunnel http://other.test:443/ 2>&1; echo "exit $?"');
    assert.match(refused.stdout, /CONNECT tunnel failed, response 403/);
    const refusedPlain = await inside(session.id, 'curl -sS http://other.test/secret');
    assert.match(refusedPlain.stdout, /berth: other\.test:80 is not on this session's egress allowlist/);
    const port8080 = await inside(session.id, 'curl -sS http://allowed.test:8080/');
    assert.match(port8080.stdout, /allowed\.test:8080 is not on this session's egress allowlist/, 'only the listed ports');

    // No route, no DNS, no interface but loopback; the host's loopback is not this loopback.
    const direct = await inside(session.id, `curl -sS --noproxy '*' --max-time 5 http://127.0.0.1:${port}/ 2>&1; echo "exit $?"`);
    assert.doesNotMatch(direct.stdout, /upstream says hi/);
    assert.match(direct.stdout, /exit [1-9]/);
    const dns = await inside(session.id, 'getent hosts example.com; echo "exit $?"');
    assert.match(dns.stdout, /exit [1-9]/);
    const interfaces = await inside(session.id, "tail -n +3 /proc/net/dev | cut -d: -f1 | tr -d ' '");
    assert.equal(interfaces.stdout, 'lo\n');

    await eventually(async () => (await readFile(box.auditLog, 'utf8')).includes('"action":"egress-refused"'), 5000, 'the refusal in the audit log');
    const audit = (await readFile(box.auditLog, 'utf8')).split('\n').filter((line) => line.includes('egress-refused'));
    assert.ok(audit.some((line) => line.includes(`"session":"${session.id}"`) && line.includes('"host":"other.test"') && line.includes('"port":443')));

    const listed = await cli(['session', 'egress', session.id], { env });
    assert.equal(listed.code, 0, listed.stderr);
    assert.match(listed.stdout, new RegExp(`^${session.id}: door up; allows api.anthropic.com, allowed.test`));
    assert.match(listed.stdout, /REFUSED {2}other\.test:443 {2}1x/);
    assert.match(listed.stdout, /REFUSED {2}other\.test:80 {2}1x/);
    assert.match(listed.stdout, /allowed {2}allowed\.test:443 {2}1x/);
    assert.match(listed.stdout, /allowed {2}allowed\.test:80 {2}1x/);
    const item = (await invoke<{ sessions: Session[] }>('session.list', {})).sessions.find((s) => s.id === session.id)!;
    assert.deepEqual(item.egress?.refused.map((r) => `${r.host}:${r.port}`).sort(), ['allowed.test:8080', 'other.test:443', 'other.test:80']);
  } finally {
    await invoke('session.rm', { ids: [session.id] });
  }
});

test('a face watching egress hears a refusal and a door that stops or is killed, which are no engine events, without polling', { timeout: 120_000 }, async () => {
  const session = await egressShell();
  const heard: string[] = [];
  const watching = box.service.watchEgress((id) => heard.push(id));
  try {
    const folder = join(box.settings.egressDir!, session.id);
    await new Promise((resolve) => setTimeout(resolve, 300));
    heard.length = 0;
    // An allowed request is recorded but changes nothing an item shows: it is not heard.
    await inside(session.id, 'curl -sS http://allowed.test/quiet');
    await new Promise((resolve) => setTimeout(resolve, 600));
    assert.equal(heard.length, 0, `heard ${heard.join(", ")}`);
    await inside(session.id, 'curl -sS http://other.test/loud');
    await eventually(() => heard.includes(session.id), 5000, 'the refusal to be heard');
    const listed = (await invoke<{ sessions: Session[] }>('session.list', {})).sessions.find((s) => s.id === session.id)!;
    assert.deepEqual(listed.egress?.refused, [{ host: 'other.test', port: 80, count: 1 }]);

    heard.length = 0;
    const { pid } = JSON.parse(await readFile(join(folder, 'door.pid'), 'utf8')) as { pid: number };
    process.kill(pid, 'SIGTERM');
    await eventually(() => heard.includes(session.id), 5000, 'the stopped door to be heard');
    await eventually(() => !existsSync(`/proc/${pid}`), 5000, 'the door to stop');
    const down = (await invoke<{ sessions: Session[] }>('session.list', {})).sessions.find((s) => s.id === session.id)!;
    assert.equal(down.egress?.door, 'down');

    // A door that is killed leaves its record as it was: the watch holds its socket and hears it close.
    const restart = await cli(['session', 'egress', session.id, '--restart'], { env });
    assert.equal(restart.code, 0, restart.stderr);
    await eventually(() => heard.includes(session.id), 5000, 'the restarted door to be heard');
    const again = JSON.parse(await readFile(join(folder, 'door.pid'), 'utf8')) as { pid: number };
    await new Promise((resolve) => setTimeout(resolve, 300));
    heard.length = 0;
    process.kill(again.pid, 'SIGKILL');
    await eventually(() => heard.includes(session.id), 5000, 'the killed door to be heard');
    assert.ok(existsSync(join(folder, 'door.pid')), 'a killed door could not remove its record');
    const killed = (await invoke<{ sessions: Session[] }>('session.list', {})).sessions.find((s) => s.id === session.id)!;
    assert.equal(killed.egress?.door, 'down');
  } finally {
    watching.dispose();
    await invoke('session.rm', { ids: [session.id] });
  }
});

test('a killed door leaves the session with no egress at all, shown as down; a restart restores it', { timeout: 120_000 }, async () => {
  const session = await egressShell();
  try {
    const folder = join(box.settings.egressDir!, session.id);
    const { pid } = JSON.parse(await readFile(join(folder, 'door.pid'), 'utf8')) as { pid: number };
    process.kill(pid, 'SIGKILL');
    await eventually(() => !existsSync(`/proc/${pid}`), 5000, 'the door to die');
    const cut = await inside(session.id, 'curl -sS --max-time 5 http://allowed.test/ 2>&1; echo "exit $?"');
    assert.doesNotMatch(cut.stdout, /upstream says hi/);
    const listed = (await invoke<{ sessions: Session[] }>('session.list', {})).sessions.find((s) => s.id === session.id)!;
    assert.equal(listed.egress?.door, 'down');
    const restart = await cli(['session', 'egress', session.id, '--restart', '--json'], { env });
    assert.equal(restart.code, 0, restart.stderr);
    assert.deepEqual((JSON.parse(restart.stdout) as { door: string; restarted: boolean }).restarted, true);
    const back = await inside(session.id, 'curl -sS http://allowed.test/again');
    assert.equal(back.stdout, 'upstream says hi to GET /again\n', back.stderr);
  } finally {
    await invoke('session.rm', { ids: [session.id] });
  }
});

test('a detached CLI start keeps its door after the CLI exits; removing the session removes the door, its socket and its folder', { timeout: 120_000 }, async () => {
  const started = await cli(['session', 'start', '--json', '--workspace', box.workspace, '--agent', 'shell', '--network', 'egress', '--allow', 'other.test'], { env });
  assert.equal(started.code, 0, started.stderr);
  const session = JSON.parse(started.stdout) as Session;
  assert.deepEqual(session.egress?.allow, ['api.anthropic.com', 'allowed.test', 'other.test']);
  const folder = join(box.root, 'state', 'berth', 'egress', session.id);
  const { pid } = JSON.parse(await readFile(join(folder, 'door.pid'), 'utf8')) as { pid: number };
  assert.ok(existsSync(`/proc/${pid}`), 'the door outlives the CLI that started it');
  const reached = await inside(session.id, 'curl -sS http://other.test/by-allow');
  assert.equal(reached.stdout, 'upstream says hi to GET /by-allow\n', '--allow added the host for this session');
  const removed = await cli(['session', 'rm', session.id], { env });
  assert.equal(removed.code, 0, removed.stderr);
  await eventually(() => !existsSync(`/proc/${pid}`), 5000, 'the door to go');
  assert.equal(existsSync(folder), false, 'no folder or socket left');
  assert.equal((await box.containers()).filter((info) => info.Labels['dev.berth.session'] === session.id).length, 0);
});

test('an image without socat cannot run egress: the start fails saying what the image needs, and leaves nothing behind', { timeout: 60_000 }, async () => {
  const before = (await box.containers()).length;
  await assert.rejects(invoke('session.start', { workspace: box.workspace, agent: 'shell', network: 'egress', image: BUSYBOX_IMAGE }), (error: Error & { code?: string; hint?: string }) => {
    assert.equal(error.code, 'EGRESS_UNSUPPORTED');
    assert.match(error.message, /egress sessions need socat in the image/);
    return true;
  });
  assert.equal((await box.containers()).length, before);
  const folders = existsSync(box.settings.egressDir!) ? (await import('node:fs')).readdirSync(box.settings.egressDir!) : [];
  assert.deepEqual(folders, [], 'no door folder, no door');
});

test('bad --allow values and --allow without egress are refused before anything starts', { timeout: 30_000 }, async () => {
  for (const [allow, why] of [
    ['203.0.113.7', /an address is not a name/],
    ['localhost', /not a host name/],
    ['example.com:99999', /port must be/],
  ] as const) {
    const result = await cli(['session', 'start', '--workspace', box.workspace, '--agent', 'shell', '--network', 'egress', '--allow', allow], { env });
    assert.equal(result.code, 2, result.stderr);
    assert.match(result.stderr, why);
  }
  const mismatch = await cli(['session', 'start', '--workspace', box.workspace, '--agent', 'shell', '--network', 'none', '--allow', 'example.com'], { env });
  assert.equal(mismatch.code, 2);
  assert.match(mismatch.stderr, /--allow opens the egress door, and this session's network is none/);
});

test('an agent with secrets in an image without socat fails the start saying what the image needs, not that the hand-over failed', { timeout: 60_000 }, async () => {
  const keyed = await sessionSandbox({ secrets: { ANTHROPIC_API_KEY: 'sk-ant-test-egress' }, settings: { image: BUSYBOX_IMAGE, agents: { idler: 'sleep 600 {prompt}' } } });
  try {
    await assert.rejects(
      createOperationCatalog({ sessions: keyed.service }).invoke('session.start', { workspace: keyed.workspace, agent: 'idler', prompt: '1' }, ctx),
      (error: Error & { code?: string }) => error.code === 'EGRESS_UNSUPPORTED' && /need socat/.test(error.message),
    );
    assert.equal((await keyed.containers()).length, 0);
  } finally {
    await keyed.cleanup();
  }
});
