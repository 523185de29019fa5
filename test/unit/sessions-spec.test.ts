import assert from 'node:assert/strict';
import { test } from 'node:test';
import { agentCommand, expandTemplate } from '../../src/core/sessions/agent/commands.js';
import { HOME_PATH, containerOptions } from '../../src/core/sessions/hardening.js';
import { LABEL, isExpired, resolveSessionId, sessionLabels } from '../../src/core/sessions/labels.js';
import { entryCommand } from '../../src/core/sessions/entry.js';
import { redact, secretsFile } from '../../src/core/sessions/secrets.js';
import { defaultSettings, settingsFromConfig, settingsFromEnv } from '../../src/core/sessions/settings.js';
import { canWrite, chooseSessionUser } from '../../src/core/sessions/user.js';
import { buildSpec, parseEnv } from '../../src/core/sessions/spec.js';
import { poolKey } from '../../src/core/sessions/docker/warmPool.js';
import { toSessionEvent } from '../../src/core/sessions/docker/events.js';

const settings = defaultSettings({});
const invoker = { uid: 1234, gid: 1235, groups: [1235, 27] };
const spec = (request: Parameters<typeof buildSpec>[0], secrets: Record<string, string> = {}) =>
  buildSpec(request, settings, { invoker, secrets, insideContainer: true });

test('hardening is the default: no capabilities, no new privileges, read-only root, limits, tmpfs', () => {
  const s = spec({ workspace: '/w', agent: 'shell' });
  const options = containerOptions(s, { name: 'berth-x', labels: {} });
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
  // Every tmpfs is the session user's, with its mode given: /tmp stays writable in an image whose /tmp is 0755 root.
  assert.match(host.Tmpfs![HOME_PATH]!, /uid=1234,gid=1235,mode=0700/);
  assert.match(host.Tmpfs!['/tmp']!, /uid=1234,gid=1235,mode=1777/);
  assert.match(host.Tmpfs!['/run/berth']!, /uid=1234,gid=1235,mode=0700,noexec/);
  assert.equal(options.User, '1234:1235');
  assert.deepEqual(host.GroupAdd, ['27']);
  assert.deepEqual(host.LogConfig, { Type: 'json-file', Config: { 'max-size': '10m', 'max-file': '3' } });
  assert.ok(options.Env!.includes(`HOME=${HOME_PATH}`));
});

test('the session runs as the person who started it, root included, unless BERTH_SESSION_USER says otherwise', () => {
  assert.deepEqual(chooseSessionUser({ uid: 501, gid: 20, groups: [20] }), { uid: 501, gid: 20, groups: [20] });
  assert.deepEqual(chooseSessionUser({ uid: 0, gid: 0, groups: [] }), { uid: 0, gid: 0, groups: [] });
  assert.deepEqual(chooseSessionUser({ uid: 0, gid: 0, groups: [] }, '2000:2001'), { uid: 2000, gid: 2001, groups: [] });
  assert.throws(() => chooseSessionUser(invoker, 'root'), /uid:gid/);
  const root = buildSpec({ workspace: '/w', prompt: 'p' }, settings, { invoker: { uid: 0, gid: 0, groups: [] }, secrets: {}, insideContainer: true });
  assert.equal(root.env.IS_SANDBOX, '1', 'Claude Code accepts --dangerously-skip-permissions as root only in a sandbox');
  assert.equal(spec({ workspace: '/w', prompt: 'p' }).env.IS_SANDBOX, undefined);
});

test('whether the session user can write the workspace follows the permission bits', () => {
  const me = { uid: 1000, gid: 1000, groups: [1000, 50] };
  assert.equal(canWrite(me, { uid: 1000, gid: 1000, mode: 0o40755 }), true);
  assert.equal(canWrite(me, { uid: 0, gid: 0, mode: 0o40755 }), false);
  assert.equal(canWrite(me, { uid: 0, gid: 50, mode: 0o40775 }), true, 'through a supplementary group');
  assert.equal(canWrite(me, { uid: 0, gid: 0, mode: 0o41777 }), true);
  assert.equal(canWrite({ uid: 0, gid: 0, groups: [] }, { uid: 1000, gid: 1000, mode: 0o40755 }), false, 'root without capabilities is bound by the bits');
});

test('agents get egress (no network but their door), shells none; read-only mounts and limits come through', () => {
  const planned = spec({ workspace: '/w', prompt: 'hi', mount: 'ro', pidsLimit: 32, memoryMb: 64, cpus: 0.5 }, { ANTHROPIC_API_KEY: 'k' });
  assert.equal(planned.network, 'egress');
  assert.deepEqual(planned.egress, { allow: ['api.anthropic.com'] });
  assert.throws(() => containerOptions(planned, { name: 'n', labels: {} }), /door folder/, 'no container before its door');
  const agent = { ...planned, egress: { ...planned.egress!, folder: '/state/egress/abc' } };
  const options = containerOptions(agent, { name: 'n', labels: sessionLabels(agent, 'abc', new Date(0), '1') });
  const host = options.HostConfig!;
  assert.equal(host.NetworkMode, 'none', 'egress is no network at all');
  assert.deepEqual(host.Binds, ['/w:/workspace:ro', '/state/egress/abc/sock:/run/berth/egress:ro'], 'the socket folder only, read-only');
  assert.ok(options.Env!.includes('HTTPS_PROXY=http://127.0.0.1:3128') && options.Env!.includes('NO_PROXY=localhost,127.0.0.1'));
  assert.equal(options.Labels!['dev.berth.egress'], 'api.anthropic.com');
  assert.equal(spec({ workspace: '/w', agent: 'shell' }).network, 'none');
  assert.equal(host.PidsLimit, 32);
  assert.equal(host.Memory, 64 * 1024 ** 2);
  assert.equal(host.NanoCpus, 5e8);
  assert.throws(() => spec({ workspace: '/w', agent: 'shell', pidsLimit: 0 }), /positive/);
});

test('secrets never reach Config.Env or labels; the command waits for them through the entry script', () => {
  const s = spec({ workspace: '/w', prompt: 'do it', env: ['A=1'], network: 'host' }, { ANTHROPIC_API_KEY: 'sk-very-secret' });
  const options = containerOptions(s, { name: 'n', labels: sessionLabels(s, 'abc', new Date(0), '1') });
  assert.ok(!JSON.stringify(options).includes('sk-very-secret'));
  assert.deepEqual(options.Env, [`HOME=${HOME_PATH}`, 'A=1']);
  assert.deepEqual(options.Cmd?.slice(0, 4), entryCommand([], { secrets: true }));
  assert.deepEqual(options.Cmd?.slice(4, 6), ['claude', '-p']);
  assert.deepEqual(options.Cmd?.slice(-2), ['--', 'do it']);
  assert.deepEqual(spec({ workspace: '/w', agent: 'shell' }, { ANTHROPIC_API_KEY: 'x' }).secrets, {});
});

test('the secrets file quotes values so that nothing but assignment happens', () => {
  assert.equal(secretsFile({ K: "it's $(rm -rf /)" }), "K='it'\\''s $(rm -rf /)'\n");
  assert.throws(() => secretsFile({ 'A;B': 'x' }), /not a valid/);
  assert.equal(redact('key sk-abcdef in text sk-abcdef', ['sk-abcdef']), 'key *** in text ***');
});

test('claude runs headless with stream-json, skipping permissions only inside a container', () => {
  assert.deepEqual(agentCommand({ agent: 'claude', prompt: 'p', insideContainer: true }).command, [
    'claude', '-p', '--output-format', 'stream-json', '--verbose', '--dangerously-skip-permissions', '--', 'p',
  ]);
  assert.ok(!agentCommand({ agent: 'claude', prompt: 'p', insideContainer: false }).command.includes('--dangerously-skip-permissions'));
  assert.equal(agentCommand({ agent: 'claude', insideContainer: true }).interactive, true);
  assert.deepEqual(agentCommand({ agent: 'shell', command: ['ls', '-l'], insideContainer: true }), { command: ['ls', '-l'], interactive: false });
});

test('a prompt that looks like an option stays a prompt', () => {
  for (const prompt of ['--settings={"hooks":{}}', '--version', '-v', '-', '-x --y']) {
    for (const insideContainer of [true, false]) {
      const { command } = agentCommand({ agent: 'claude', prompt, insideContainer });
      assert.equal(command.at(-1), prompt);
      assert.equal(command.at(-2), '--', 'everything after -- is the prompt');
      assert.ok(!command.slice(0, -2).includes(prompt), 'the prompt appears only after --');
    }
  }
  // A template that passes {prompt} as a word of its own would hand "-x" to the agent as an option.
  assert.throws(() => expandTemplate('aider --yes --message {prompt}', '--exec=rm -rf /'), /starts with "-"/);
  assert.throws(() => expandTemplate('tool {prompt}', '-v'), /starts with "-"/);
  assert.deepEqual(expandTemplate('tool --message={prompt}', '--x'), ['tool', '--message=--x']);
  assert.deepEqual(expandTemplate('tool -- {prompt}', '--x'), ['tool', '--', '--x']);
  assert.deepEqual(expandTemplate('aider --message {prompt}', 'a -dash inside'), ['aider', '--message', 'a -dash inside']);
});

test('starts that cannot work are refused before anything is made', () => {
  assert.throws(() => spec({ workspace: '/w', agent: 'shell', prompt: 'hi' }), /shell session takes no prompt/);
  assert.throws(() => spec({ workspace: '/w', prompt: 'hi', network: 'none' }), /needs the network/);
  assert.throws(() => spec({ workspace: '/w', network: 'none' }), /needs the network/, 'interactive claude too');
  assert.equal(spec({ workspace: '/w', command: ['sh'], network: 'none' }).network, 'none', 'a command of your own may run offline');
});

test('BERTH_* variables that are set but wrong are errors naming the variable', () => {
  assert.deepEqual(settingsFromEnv({}), {});
  assert.deepEqual(settingsFromEnv({ BERTH_WARM_POOL: '2', BERTH_MAX_AGE: '0', BERTH_PROVIDER: 'docker', BERTH_LOG_MAX_SIZE: '5M', BERTH_LOG_MAX_FILES: '2' }), {
    warmPool: 2,
    maxAgeSeconds: 0,
    provider: 'docker',
    logMaxSize: '5m',
    logMaxFiles: 2,
  });
  const cases: [string, string][] = [
    ['BERTH_PROVIDER', 'dokcer'],
    ['BERTH_WARM_POOL', 'two'],
    ['BERTH_WARM_POOL', '-1'],
    ['BERTH_MAX_AGE', '1.5'],
    ['BERTH_SESSION_USER', 'me'],
    ['BERTH_LOG_MAX_SIZE', 'lots'],
    ['BERTH_LOG_MAX_FILES', '0'],
  ];
  for (const [name, value] of cases) {
    assert.throws(() => settingsFromEnv({ [name]: value }), (error: Error) => error.message.startsWith(`${name} must be`) && error.message.includes(`"${value}"`), `${name}=${value}`);
  }
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
  const a = containerOptions(s, { name: 'berth-a', labels: sessionLabels(s, 'a', new Date(1), '1') });
  const b = containerOptions(s, { name: 'berth-b', labels: sessionLabels(s, 'b', new Date(2), '1') });
  const c = containerOptions({ ...s, network: 'host' }, { name: 'berth-c', labels: sessionLabels(s, 'c', new Date(2), '1') });
  assert.equal(poolKey(a), poolKey(b));
  assert.notEqual(poolKey(a), poolKey(c));
});

test('engine events map to session events; pool containers, copies and exec noise are left out', () => {
  const attrs = { [LABEL.session]: 'abc', name: 'berth-abc', exitCode: '3' };
  assert.deepEqual(toSessionEvent({ Action: 'die', Actor: { Attributes: attrs }, timeNano: 5e9 }), { id: 'abc', action: 'die', time: 5000, exitCode: 3 });
  assert.equal(toSessionEvent({ Action: 'start', Actor: { Attributes: { [LABEL.session]: 'abc', name: 'berth-abc' } } })?.exitCode, null);
  assert.equal(toSessionEvent({ Action: 'exec_start: sh', Actor: { Attributes: attrs } }), undefined);
  assert.equal(toSessionEvent({ Action: 'start', Actor: { Attributes: { ...attrs, name: 'berth-pool-abc' } } }), undefined);
  assert.equal(toSessionEvent({ Action: 'start', Actor: { Attributes: { ...attrs, name: 'copy-of-abc' } } }), undefined, 'a container carrying the label is not the session');
  // A claim renames berth-pool-abc to berth-abc: the rename event carries the new name.
  assert.equal(toSessionEvent({ Action: 'rename', Actor: { Attributes: { ...attrs, name: 'berth-abc', oldName: '/berth-pool-abc' } } })?.action, 'rename');
});

test('the berth.sessions.* settings map onto the engine settings; a wrong one is named and falls back', () => {
  const { settings: mapped, problems } = settingsFromConfig({
    image: 'my/agent:2',
    environment: { ANTHROPIC_BASE_URL: 'http://127.0.0.1:9' },
    'network.agents': 'host',
    'limits.memoryMb': 512,
    maxAgeHours: 1.5,
    'limits.pids': -3,
    provider: 'dokcer',
    agents: { 'bad name!': 'x' },
  });
  assert.equal(mapped.image, 'my/agent:2');
  assert.deepEqual(mapped.agentEnv, { ANTHROPIC_BASE_URL: 'http://127.0.0.1:9' });
  assert.equal(mapped.agentNetwork, 'host');
  assert.deepEqual(mapped.limits, { pids: settings.limits.pids, memoryBytes: 512 * 1024 ** 2, cpus: settings.limits.cpus });
  assert.equal(mapped.maxAgeSeconds, 5400);
  assert.equal(mapped.provider, undefined);
  assert.equal(problems.length, 3);
  assert.match(problems.join('\n'), /^berth\.sessions\.limits\.pids: .*\(got -3\); using the default\.$/m);
  assert.match(problems.join('\n'), /^berth\.sessions\.provider: .*"dokcer"/m);
  assert.match(problems.join('\n'), /^berth\.sessions\.agents: /m);

  const withConfig = { ...settings, ...mapped };
  const agent = buildSpec({ workspace: '/w', prompt: 'p' }, withConfig, { invoker, secrets: {}, insideContainer: true });
  assert.equal(agent.network, 'host');
  assert.equal(agent.env.ANTHROPIC_BASE_URL, 'http://127.0.0.1:9');
  const shell = buildSpec({ workspace: '/w', agent: 'shell' }, withConfig, { invoker, secrets: {}, insideContainer: true });
  assert.equal(shell.network, 'none');
  assert.equal(shell.env.ANTHROPIC_BASE_URL, undefined, 'shells get none of the agents’ environment');
  assert.equal(buildSpec({ workspace: '/w', agent: 'shell' }, { ...withConfig, mount: 'ro' }, { invoker, secrets: {}, insideContainer: true }).mount, 'ro');
});
