import assert from 'node:assert/strict';
import { test } from 'node:test';
import { agentCommand, expandTemplate } from '../../src/core/sessions/agent/commands.js';
import { FALLBACK_USER, chooseUser, containerOptions } from '../../src/core/sessions/hardening.js';
import { LABEL, isExpired, resolveSessionId, sessionLabels } from '../../src/core/sessions/labels.js';
import { ENTRY_SCRIPT, redact, secretsFile } from '../../src/core/sessions/secrets.js';
import { defaultSettings } from '../../src/core/sessions/settings.js';
import { buildSpec, parseEnv } from '../../src/core/sessions/spec.js';
import { poolKey } from '../../src/core/sessions/docker/warmPool.js';
import { toSessionEvent } from '../../src/core/sessions/docker/events.js';

const settings = defaultSettings({});
const owner = { uid: 1234, gid: 1235 };
const spec = (request: Parameters<typeof buildSpec>[0], secrets: Record<string, string> = {}) =>
  buildSpec(request, settings, { owner, secrets, insideContainer: true });

test('hardening is the default: no capabilities, no new privileges, read-only root, limits, tmpfs', () => {
  const s = spec({ workspace: '/w', agent: 'shell' });
  const options = containerOptions(s, { name: 'berth-x', labels: {}, user: s.user! });
  const host = options.HostConfig!;
  assert.deepEqual(host.CapDrop, ['ALL']);
  assert.equal(host.CapAdd, undefined);
  assert.deepEqual(host.SecurityOpt, ['no-new-privileges:true']);
  assert.equal(host.Privileged, false);
  assert.equal(host.ReadonlyRootfs, true);
  assert.equal(host.NetworkMode, 'none');
  assert.equal(host.PidsLimit, settings.limits.pids);
  assert.equal(host.Memory, host.MemorySwap);
  assert.deepEqual(host.Binds, ['/w:/workspace:rw']);
  assert.ok(!JSON.stringify(options).includes('docker.sock'));
  assert.match(host.Tmpfs!['/home/berth']!, /uid=1234,gid=1235,mode=0700/);
  assert.ok(host.Tmpfs!['/tmp']);
  assert.equal(options.User, '1234:1235');
});

test('the user is the workspace owner, never root', () => {
  assert.equal(chooseUser({ uid: 501, gid: 20 }), '501:20');
  assert.equal(chooseUser({ uid: 0, gid: 0 }), FALLBACK_USER);
  assert.equal(chooseUser({ uid: 0, gid: 0 }, '2000:2000'), '2000:2000');
});

test('agents get the API network, shells none; read-only mounts and limits come through', () => {
  const agent = spec({ workspace: '/w', prompt: 'hi', mount: 'ro', pidsLimit: 32, memoryMb: 64, cpus: 0.5 }, { ANTHROPIC_API_KEY: 'k' });
  assert.equal(agent.network, 'bridge');
  const host = containerOptions(agent, { name: 'n', labels: {}, user: '1:1' }).HostConfig!;
  assert.deepEqual(host.Binds, ['/w:/workspace:ro']);
  assert.equal(host.PidsLimit, 32);
  assert.equal(host.Memory, 64 * 1024 ** 2);
  assert.equal(host.NanoCpus, 5e8);
  assert.throws(() => spec({ workspace: '/w', agent: 'shell', pidsLimit: 0 }), /positive/);
});

test('secrets never reach Config.Env or labels; the command waits for them through the entry script', () => {
  const s = spec({ workspace: '/w', prompt: 'do it', env: ['A=1'] }, { ANTHROPIC_API_KEY: 'sk-very-secret' });
  const options = containerOptions(s, { name: 'n', labels: sessionLabels(s, 'abc', new Date(0), '1'), user: '1:1' });
  assert.ok(!JSON.stringify(options).includes('sk-very-secret'));
  assert.deepEqual(options.Env, ['HOME=/home/berth', 'A=1']);
  assert.deepEqual(options.Cmd?.slice(0, 4), ['/bin/sh', '-c', ENTRY_SCRIPT, 'berth-entry']);
  assert.deepEqual(options.Cmd?.slice(4, 7), ['claude', '-p', 'do it']);
  assert.deepEqual(spec({ workspace: '/w', agent: 'shell' }, { ANTHROPIC_API_KEY: 'x' }).secrets, {});
});

test('the secrets file quotes values so that nothing but assignment happens', () => {
  assert.equal(secretsFile({ K: "it's $(rm -rf /)" }), "K='it'\\''s $(rm -rf /)'\n");
  assert.throws(() => secretsFile({ 'A;B': 'x' }), /not a valid/);
  assert.equal(redact('key sk-abcdef in text sk-abcdef', ['sk-abcdef']), 'key *** in text ***');
});

test('claude runs headless with stream-json, skipping permissions only inside a container', () => {
  assert.deepEqual(agentCommand({ agent: 'claude', prompt: 'p', insideContainer: true }).command, [
    'claude', '-p', 'p', '--output-format', 'stream-json', '--verbose', '--dangerously-skip-permissions',
  ]);
  assert.ok(!agentCommand({ agent: 'claude', prompt: 'p', insideContainer: false }).command.includes('--dangerously-skip-permissions'));
  assert.equal(agentCommand({ agent: 'claude', insideContainer: true }).interactive, true);
  assert.deepEqual(agentCommand({ agent: 'shell', command: ['ls', '-l'], insideContainer: true }), { command: ['ls', '-l'], interactive: false });
});

test('command templates put the prompt in as one word, never through a shell', () => {
  assert.deepEqual(expandTemplate(`aider --yes --message {prompt}`, 'fix "it"; rm -rf /'), ['aider', '--yes', '--message', 'fix "it"; rm -rf /']);
  assert.deepEqual(expandTemplate(`tool "two words" '{prompt}!'`, 'x'), ['tool', 'two words', 'x!']);
  assert.throws(() => agentCommand({ agent: 'nope', insideContainer: true }), /Unknown agent/);
  assert.throws(() => expandTemplate('a {prompt}', undefined), /needs a prompt/);
});

test('--env takes NAME=VALUE', () => {
  assert.deepEqual(parseEnv(['A=1', 'B=x=y', 'C=']), { A: '1', B: 'x=y', C: '' });
  assert.throws(() => parseEnv(['NOEQUALS']), /NAME=VALUE/);
  assert.throws(() => parseEnv(['1A=2']), /NAME=VALUE/);
});

test('ids resolve from unique prefixes and container names', () => {
  const ids = ['a1b2c3d4e5f6', 'a1ffffffffff', 'bbbbbbbbbbbb'];
  assert.equal(resolveSessionId(ids, 'b'), 'bbbbbbbbbbbb');
  assert.equal(resolveSessionId(ids, 'a1b'), 'a1b2c3d4e5f6');
  assert.equal(resolveSessionId(ids, 'berth-a1f'), 'a1ffffffffff');
  assert.throws(() => resolveSessionId(ids, 'a1'), /matches 2 sessions/);
  assert.throws(() => resolveSessionId(ids, 'zz'), /No session/);
  assert.throws(() => resolveSessionId(ids, ' '), /No session id/);
});

test('labels carry everything needed to find and describe a session again', () => {
  const s = spec({ workspace: '/w', agent: 'shell', maxAgeSeconds: 60 });
  const labels = sessionLabels(s, 'abc', new Date('2026-01-01T00:00:00Z'), '9.9.9');
  assert.equal(labels[LABEL.session], 'abc');
  assert.equal(labels[LABEL.workspace], '/w');
  assert.equal(labels[LABEL.agent], 'shell');
  assert.equal(labels[LABEL.created], '2026-01-01T00:00:00.000Z');
  assert.equal(labels[LABEL.version], '9.9.9');
  assert.equal(labels[LABEL.maxAge], '60');
  assert.equal(isExpired(labels[LABEL.created]!, 60, Date.parse('2026-01-01T00:01:00Z')), true);
  assert.equal(isExpired(labels[LABEL.created]!, 60, Date.parse('2026-01-01T00:00:59Z')), false);
  assert.equal(isExpired(labels[LABEL.created]!, 0, Date.now()), false);
});

test('the pool key ignores identity but not configuration', () => {
  const s = spec({ workspace: '/w', agent: 'shell' });
  const a = containerOptions(s, { name: 'berth-a', labels: sessionLabels(s, 'a', new Date(1), '1'), user: '1:1' });
  const b = containerOptions(s, { name: 'berth-b', labels: sessionLabels(s, 'b', new Date(2), '1'), user: '1:1' });
  const c = containerOptions({ ...s, network: 'host' }, { name: 'berth-c', labels: sessionLabels(s, 'c', new Date(2), '1'), user: '1:1' });
  assert.equal(poolKey(a), poolKey(b));
  assert.notEqual(poolKey(a), poolKey(c));
});

test('engine events map to session events; pool containers and exec noise are left out', () => {
  const attrs = { [LABEL.session]: 'abc', name: 'berth-abc', exitCode: '3' };
  assert.deepEqual(toSessionEvent({ Action: 'die', Actor: { Attributes: attrs }, timeNano: 5e9 }), { id: 'abc', action: 'die', time: 5000, exitCode: 3 });
  assert.equal(toSessionEvent({ Action: 'exec_start: sh', Actor: { Attributes: attrs } }), undefined);
  assert.equal(toSessionEvent({ Action: 'start', Actor: { Attributes: { ...attrs, name: 'berth-pool-abc' } } }), undefined);
  assert.equal(toSessionEvent({ Action: 'rename', Actor: { Attributes: { ...attrs, name: 'berth-pool-abc' } } })?.action, 'rename');
});
