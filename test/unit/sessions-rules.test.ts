// Rules of the session engine that a mutation run (npm run mutate) showed no test held: each
// assertion here fails when the rule it names is broken.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { agentCommand, expandTemplate, IDLE_COMMAND } from '../../src/core/sessions/agent/commands.js';
import { containerOptions, HOME_PATH } from '../../src/core/sessions/hardening.js';
import { isExpired } from '../../src/core/sessions/labels.js';
import { entryCommand } from '../../src/core/sessions/entry.js';
import { redact, secretsFile } from '../../src/core/sessions/secrets.js';
import { defaultSettings } from '../../src/core/sessions/settings.js';
import { buildSpec, parseEnv } from '../../src/core/sessions/spec.js';
import { canWrite, chooseSessionUser, type SessionUser } from '../../src/core/sessions/user.js';

const settings = defaultSettings({});
const person: SessionUser = { uid: 1234, gid: 1235, groups: [1235, 27] };
const root: SessionUser = { uid: 0, gid: 0, groups: [] };
const spec = (request: Parameters<typeof buildSpec>[0], context: { invoker?: SessionUser; secrets?: Record<string, string>; insideContainer?: boolean } = {}) =>
  buildSpec(request, settings, { invoker: context.invoker ?? person, secrets: context.secrets ?? {}, insideContainer: context.insideContainer ?? true });

test('canWrite reads only the class that applies (owner, else group, else others) and needs both w and x', () => {
  const dir = (uid: number, gid: number, mode: number) => ({ uid, gid, mode: 0o40000 | mode });
  assert.equal(canWrite(person, dir(1234, 0, 0o700)), true);
  assert.equal(canWrite(person, dir(1234, 0, 0o600)), false, 'an owner without x cannot create files in it');
  assert.equal(canWrite(person, dir(1234, 0, 0o500)), false, 'an owner without w');
  assert.equal(canWrite(person, dir(1234, 1235, 0o077)), false, 'the owner class applies to the owner even when others may write');
  assert.equal(canWrite(person, dir(0, 1235, 0o070)), true, 'through the primary group');
  assert.equal(canWrite({ ...person, groups: [] }, dir(0, 1235, 0o070)), true, 'the primary group counts without being listed');
  assert.equal(canWrite(person, dir(0, 27, 0o060)), false, 'a group without x');
  assert.equal(canWrite(person, dir(0, 27, 0o050)), false, 'a group without w');
  assert.equal(canWrite(person, dir(0, 27, 0o007)), false, 'the group class applies to members even when others may write');
  assert.equal(canWrite(person, dir(0, 50, 0o070)), false, 'the bits of a group the user is not in');
  assert.equal(canWrite(person, dir(0, 50, 0o003)), true, 'through the others bits');
  assert.equal(canWrite(person, dir(0, 50, 0o006)), false, 'others without x');
});

test('BERTH_SESSION_USER is uid:gid and nothing around it', () => {
  assert.deepEqual(chooseSessionUser(person, ' 2000:2001 '), { uid: 2000, gid: 2001, groups: [] });
  for (const override of ['2000:2001x', 'x2000:2001', '2000:2001:0', '2000']) {
    assert.throws(() => chooseSessionUser(person, override), /must be uid:gid/, override);
  }
});

test('--env names are whole identifiers, and a bad word is quoted without its value', () => {
  assert.deepEqual(parseEnv(['DEBUG_LEVEL=2', '_X9=a=b', 'EMPTY=']), { DEBUG_LEVEL: '2', _X9: 'a=b', EMPTY: '' });
  assert.throws(() => parseEnv(['A-B=1']), /not "A-B=…"/);
  assert.throws(() => parseEnv(['NAME-=sk-secret']), (error: Error) => /not "NAME-=…"/.test(error.message) && !error.message.includes('sk-secret'));
  assert.throws(() => parseEnv(['9LIVES=1']), /not "9LIVES=…"/);
  assert.throws(() => parseEnv(['DEBUG']), /not "DEBUG"\./);
});

test('a spec takes the request over the settings, and the settings where the request is silent', () => {
  const plain = spec({ workspace: '/w', agent: 'shell' });
  assert.equal(plain.image, settings.image);
  assert.deepEqual(plain.limits, settings.limits);
  assert.ok(!('prompt' in plain), 'no prompt field without a prompt');
  assert.equal(spec({ workspace: '/w', agent: 'shell', image: 'mine:1' }).image, 'mine:1');
  assert.equal(spec({ workspace: '/w', agent: 'shell', memoryMb: 64 }).limits.memoryBytes, 64 * 1024 ** 2);
  assert.equal(spec({ workspace: '/w', prompt: 'hi' }, { secrets: { ANTHROPIC_API_KEY: 'k' } }).prompt, 'hi');
});

test('IS_SANDBOX is set only for Claude Code running as root inside a container', () => {
  assert.equal(spec({ workspace: '/w', prompt: 'p' }, { invoker: root }).env.IS_SANDBOX, '1');
  assert.equal(spec({ workspace: '/w', prompt: 'p' }, { invoker: root, insideContainer: false }).env.IS_SANDBOX, undefined, 'a local process is no sandbox');
  assert.equal(spec({ workspace: '/w', agent: 'shell' }, { invoker: root }).env.IS_SANDBOX, undefined, 'a shell is not Claude Code');
  assert.equal(spec({ workspace: '/w', prompt: 'p' }).env.IS_SANDBOX, undefined, 'not root');
});

test('the container runs the exact argv: the secrets entry script only when there are secrets', () => {
  const shell = spec({ workspace: '/w', agent: 'shell' });
  const plain = containerOptions(shell, { name: 'n', labels: {} });
  assert.deepEqual(plain.Cmd, IDLE_COMMAND);
  assert.deepEqual(plain.Entrypoint, [], 'an image ENTRYPOINT would wrap the command');
  const agent = spec({ workspace: '/w', prompt: 'p', network: 'host' }, { secrets: { ANTHROPIC_API_KEY: 'k' } });
  assert.deepEqual(containerOptions(agent, { name: 'n', labels: {} }).Cmd, entryCommand(agent.command, { secrets: true }));
});

test('the container is detached, reaped by an init, private in IPC, never restarted, with tmpfs exactly as asked', () => {
  const options = containerOptions(spec({ workspace: '/w', agent: 'shell' }), { name: 'n', labels: {} });
  assert.deepEqual([options.AttachStdin, options.AttachStdout, options.AttachStderr], [false, false, false]);
  const host = options.HostConfig!;
  assert.equal(host.Init, true);
  assert.equal(host.IpcMode, 'private');
  assert.deepEqual(host.RestartPolicy, { Name: 'no' });
  assert.deepEqual(host.Tmpfs, {
    '/tmp': 'rw,nosuid,nodev,size=512m,uid=1234,gid=1235,mode=1777',
    '/run/berth': 'rw,nosuid,nodev,size=1m,uid=1234,gid=1235,mode=0700,noexec',
    [HOME_PATH]: 'rw,nosuid,nodev,size=512m,uid=1234,gid=1235,mode=0700',
  });
  assert.equal(HOME_PATH, '/run/berth/home');
});

test('secrets: any identifier may be a name; values of four characters or more are redacted, shorter ones would mangle text', () => {
  assert.equal(secretsFile({ API_KEY2: 'v' }), "API_KEY2='v'\n");
  assert.throws(() => secretsFile({ 'KEY=x': 'v' }), /not a valid/);
  assert.equal(redact('pin 1234 and 1234', ['1234']), 'pin *** and ***');
  assert.equal(redact('a cat sat', ['at']), 'a cat sat');
});

test('a maximum age of zero or less means the session never expires', () => {
  const created = new Date(0).toISOString();
  assert.equal(isExpired(created, 0, 10_000), false);
  assert.equal(isExpired(created, -5, 10_000), false);
  assert.equal(isExpired(created, undefined, 10_000), false);
  assert.equal(isExpired(created, 10, 10_000), true);
  assert.equal(isExpired(created, 11, 10_000), false);
});

test('agent commands: a shell idles, claude is interactive only without a prompt, templates run as their words', () => {
  assert.deepEqual(agentCommand({ agent: 'shell', insideContainer: true }), { command: ['sleep', 'infinity'], interactive: false });
  assert.equal(agentCommand({ agent: 'claude', insideContainer: true }).interactive, true);
  assert.equal(agentCommand({ agent: 'claude', prompt: 'p', insideContainer: true }).interactive, false);
  // Outside a container claude gets exactly its headless argv: no permission flag, nothing in its place.
  assert.deepEqual(agentCommand({ agent: 'claude', prompt: 'p', insideContainer: false }).command, ['claude', '-p', '--output-format', 'stream-json', '--verbose', '--', 'p']);
  assert.deepEqual(agentCommand({ agent: 'claude', insideContainer: false }).command, ['claude']);
  const templates = { aider: 'aider --yes --message {prompt}', repl: 'repl --color' };
  assert.deepEqual(agentCommand({ agent: 'aider', prompt: 'fix it', templates, insideContainer: true }), { command: ['aider', '--yes', '--message', 'fix it'], interactive: false });
  assert.deepEqual(agentCommand({ agent: 'repl', templates, insideContainer: true }), { command: ['repl', '--color'], interactive: true });
  assert.deepEqual(agentCommand({ agent: 'repl', prompt: 'p', templates, insideContainer: true }).interactive, false);
  assert.throws(
    () => agentCommand({ agent: 'my-tool', templates, insideContainer: true }),
    (error: Error & { hint?: string }) => /Unknown agent "my-tool"/.test(error.message) && error.hint === 'Use one of claude, shell, aider, repl, or add a command template for it (BERTH_AGENT_MY_TOOL).',
  );
  assert.deepEqual(expandTemplate('tool --interactive', undefined), ['tool', '--interactive'], 'a template without {prompt} needs none');
  assert.throws(() => expandTemplate('   ', 'p'), /template is empty/);
});
