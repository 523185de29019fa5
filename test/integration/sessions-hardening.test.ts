import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { statSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, test } from 'node:test';
import type { SessionRequest } from '../../src/core/sessions/spec.js';
import { BUSYBOX_IMAGE, busyboxImage } from '../support/images.js';
import { sessionSandbox } from '../support/sessions.js';

/** The tests run as root, so sessions run as uid 0 without capabilities (user.ts). */
const ME = `${process.getuid!()}:${process.getgid!()}`;
let box: Awaited<ReturnType<typeof sessionSandbox>>;

before(async () => {
  await busyboxImage();
  box = await sessionSandbox({ settings: { image: BUSYBOX_IMAGE, stopGraceSeconds: 1 } });
});
after(async () => box.cleanup());

async function start(request: Partial<SessionRequest>) {
  const session = await box.service.start({ workspace: box.workspace, agent: 'shell', ...request }, { origin: 'test' });
  const { provider } = await box.service.find(session.id);
  const run = async (script: string) => {
    let stdout = '';
    let stderr = '';
    const { exitCode } = await provider.exec(session.id, ['sh', '-c', script], {
      stdout: (c) => (stdout += c.toString()),
      stderr: (c) => (stderr += c.toString()),
      timeoutMs: 20_000,
    });
    return { exitCode, stdout, stderr };
  };
  return { session, provider, run };
}

test('docker inspect shows the hardening', { timeout: 30_000 }, async () => {
  const { session } = await start({});
  const info = await box.docker.getContainer(session.name).inspect();
  const host = info.HostConfig;
  assert.equal(info.Config.User, ME);
  assert.deepEqual(host.CapDrop, ['ALL']);
  assert.ok(!host.CapAdd?.length);
  assert.deepEqual(host.SecurityOpt, ['no-new-privileges:true']);
  assert.equal(host.Privileged, false);
  assert.equal(host.ReadonlyRootfs, true);
  assert.equal(host.NetworkMode, 'none');
  assert.ok((host.PidsLimit ?? 0) > 0 && (host.Memory ?? 0) > 0 && (host.NanoCpus ?? 0) > 0);
  assert.deepEqual(Object.keys(host.Tmpfs ?? {}).sort(), ['/run/berth', '/run/berth/home', '/tmp']);
  assert.deepEqual(host.LogConfig, { Type: 'json-file', Config: { 'max-size': '10m', 'max-file': '3' } });
  const sources = info.Mounts.map((mount) => mount.Source);
  assert.deepEqual(sources, [box.workspace]);
  assert.ok(!JSON.stringify(info).includes('docker.sock'));
});

test('inside: the person who started it, with no capabilities, writing only to /workspace and its tmpfs', { timeout: 30_000 }, async () => {
  const { run } = await start({});
  assert.equal((await run('echo $(id -u):$(id -g)')).stdout.trim(), ME);
  for (const field of ['CapEff', 'CapPrm', 'CapBnd', 'CapAmb']) assert.match((await run(`grep ${field} /proc/self/status`)).stdout, /:\s+0000000000000000/, field);
  for (const path of ['/etc/x', '/x', '/bin/x', '/usr/x']) assert.notEqual((await run(`touch ${path}`)).exitCode, 0, path);
  assert.equal((await run('touch /tmp/x && touch $HOME/x && echo hi > /workspace/made.txt')).exitCode, 0);
  assert.equal(statSync(`${box.workspace}/made.txt`).uid, process.getuid!(), 'what the agent writes belongs to the person');
  // Root without capabilities: no chown, no reading what only root's DAC override could.
  assert.notEqual((await run('chown 1:1 /workspace/made.txt')).exitCode, 0, 'no CAP_CHOWN');
  assert.notEqual((await run('mknod /tmp/dev c 1 3')).exitCode, 0, 'no CAP_MKNOD');
});

test('a read-only mount cannot be written', { timeout: 30_000 }, async () => {
  const { run } = await start({ mount: 'ro' });
  assert.notEqual((await run('touch /workspace/nope')).exitCode, 0);
  assert.equal((await run('ls /workspace')).exitCode, 0);
});

test('a fork bomb meets the pids limit while the host stays responsive', { timeout: 60_000 }, async () => {
  const { session, provider } = await start({ pidsLimit: 64, cpus: 1 });
  let worstTick = 0;
  let last = Date.now();
  const ticker = setInterval(() => {
    worstTick = Math.max(worstTick, Date.now() - last - 50);
    last = Date.now();
  }, 50);
  // Through exec, so the session's own process stays to be measured. ash gives up when a fork
  // fails, so sleepers hold the slots the bomb took and the pressure lasts.
  const bomb = provider.exec(session.id, ['sh', '-c', 'bomb() { while :; do sleep 600 & bomb & done; }; bomb'], { timeoutMs: 6000 }).catch(() => undefined);
  try {
    let peak = 0;
    for (let i = 0; i < 8; i++) {
      await new Promise((resolve) => setTimeout(resolve, 400));
      peak = Math.max(peak, (await provider.stats(session.id)).pids ?? 0);
    }
    assert.ok(peak > 32 && peak <= 64, `the bomb fills the limit and no more: peak ${peak} pids`);
    const probe = Date.now();
    const host = spawnSync('sh', ['-c', 'echo alive'], { encoding: 'utf8', timeout: 5000 });
    assert.equal(host.stdout, 'alive\n');
    assert.ok(Date.now() - probe < 2000, `the host took ${Date.now() - probe} ms to run a process`);
    assert.ok(worstTick < 1000, `the event loop stalled ${worstTick} ms`);
  } finally {
    clearInterval(ticker);
    await provider.remove(session.id);
    await bomb;
  }
});

test('a memory hog is OOM-killed', { timeout: 60_000 }, async () => {
  const { session, provider } = await start({ memoryMb: 32, command: ['sh', '-c', 'x=aaaaaaaaaaaaaaaa; while :; do x="$x$x"; done'] });
  const { exitCode } = await provider.wait(session.id, { timeoutMs: 30_000 });
  assert.equal(exitCode, 137);
  const ended = await provider.get(session.id);
  assert.equal(ended?.state, 'exited');
  const info = await box.docker.getContainer(session.name).inspect();
  assert.equal(info.State.OOMKilled, true, 'killed by the OOM killer');
});

test('a --network none session cannot reach a server on the host loopback; host networking can', { timeout: 30_000 }, async () => {
  const server: Server = createServer((_req, res) => res.end('secret-page'));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  try {
    const isolated = await start({ network: 'none' });
    // busybox nc, as its static wget crashes resolving names.
    const get = `printf 'GET / HTTP/1.0\\r\\n\\r\\n' | nc -w 3 127.0.0.1 ${port}`;
    const blocked = await isolated.run(get);
    assert.ok(!blocked.stdout.includes('secret-page'));
    assert.match(blocked.stderr, /can't connect|refused|unreachable/i);
    const control = await start({ network: 'host' });
    const reached = await control.run(get);
    assert.match(reached.stdout, /secret-page/, 'the probe itself works');
  } finally {
    server.closeAllConnections();
    server.close();
  }
});
