import assert from 'node:assert/strict';
import { symlink } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import type { AuthorizeRequest } from '../../src/core/mcp/hub.js';
import { scopeOf } from '../../src/core/mcp/scopes.js';
import { mcpOperations } from '../../src/core/mcp/tools.js';
import { silentContext } from '../../src/core/operations.js';
import type { Session } from '../../src/core/sessions/types.js';
import { call, DEMO_VAULT, mcpWorld, type McpWorld } from '../support/mcp.js';

/** What the person answers when the server asks; every question is kept. */
const person = { answer: false, asked: [] as AuthorizeRequest[] };
let world: McpWorld;

before(async () => {
  world = await mcpWorld({
    server: {
      authorize: async (request) => {
        person.asked.push(request);
        return person.answer;
      },
    },
  });
});
after(async () => world.cleanup());

/** A session a person started (not through MCP), running. */
async function personsSession(): Promise<Session> {
  return (await world.operations.invoke('session.start', { workspace: world.box.workspace, agent: 'shell' }, silentContext('test', world.box.workspace))) as Session;
}

const state = async (id: string) => (await world.box.service.find(id)).session.state;

test('each operation offered as a tool has the scope the rule gives it: exec for exec, read for read-only, sessions for the rest', () => {
  const scopes = Object.fromEntries(mcpOperations(world.operations).map((operation) => [operation.name, scopeOf(operation)]));
  assert.deepEqual(scopes, {
    doctor: 'read',
    'session.start': 'sessions',
    'session.list': 'read',
    'session.exec': 'exec',
    'session.logs': 'read',
    'session.stats': 'read',
    'session.stop': 'sessions',
    'session.rm': 'sessions',
    'session.prune': 'sessions',
    'session.gc': 'sessions',
    'session.egress': 'sessions',
    'image.build': 'sessions',
    'isolation.check': 'sessions',
    'vault.health': 'read',
    'vault.link.retarget': 'read',
    'vault.note.create': 'read',
    'vault.backup': 'sessions',
    'vault.verify': 'read',
    'vault.restore': 'sessions',
    'vault.repair': 'sessions',
    'vault.undo': 'sessions',
  });
});

test('a read token reads and may not change anything; the refusal names the missing scope and nothing runs', { timeout: 30_000 }, async () => {
  const reader = await world.connect(await world.token('reader', ['read']), 'reader');
  assert.equal((await call(reader, 'session_list')).isError, false);
  assert.equal((await call(reader, 'vault_health', { dir: DEMO_VAULT })).isError, false);
  assert.equal((await reader.readResource({ uri: 'berth://vault/health' })).contents.length, 1);
  const start = await call(reader, 'session_start', { agent: 'shell' });
  assert.match(start.text, /^SCOPE_MISSING: session_start needs the "sessions" scope, and this client's token has only "read"/);
  assert.equal((await world.box.containers()).length, 0, 'nothing was started');
  assert.match((await call(reader, 'image_build', {})).text, /^SCOPE_MISSING: .*"sessions"/);
  assert.match((await call(reader, 'session_prune', { yes: true })).text, /^SCOPE_MISSING: .*"sessions"/);
  assert.match((await call(reader, 'session_exec', { id: 'abc', command: ['true'] })).text, /^SCOPE_MISSING: .*"exec"/);
});

test('an exec-only token reads nothing, resources included', async () => {
  const executor = await world.connect(await world.token('exec-only', ['exec']), 'exec-only');
  assert.match((await call(executor, 'session_list')).text, /^SCOPE_MISSING: session_list needs the "read" scope/);
  await assert.rejects(executor.readResource({ uri: 'berth://vault/health' }), /SCOPE_MISSING/);
  assert.deepEqual((await executor.listResources()).resources.filter((resource) => resource.uri.startsWith('berth://sessions/')), []);
});

test('a client asks the person before it stops, removes or execs in a session it did not start: no stops nothing', { timeout: 60_000 }, async () => {
  const client = await world.connect(await world.token('asker', ['read', 'sessions', 'exec']), 'asker');
  const theirs = await personsSession();
  person.asked = [];
  person.answer = false;

  const stop = await call(client, 'session_stop', { ids: [theirs.id.slice(0, 6)] });
  assert.equal(stop.isError, true);
  assert.match(stop.text, /^DENIED: The person did not allow asker to stop session [0-9a-f]{12}/);
  assert.equal(await state(theirs.id), 'running', 'nothing was stopped');
  const exec = await call(client, 'session_exec', { id: theirs.id, command: ['touch', '/workspace/touched'] });
  assert.match(exec.text, /^DENIED: .* to exec session/);
  const remove = await call(client, 'session_rm', { ids: [theirs.id] });
  assert.match(remove.text, /^DENIED: .* to remove session/);
  assert.equal(await state(theirs.id), 'running');
  assert.deepEqual(person.asked, [
    { client: 'asker', tool: 'session_stop', action: 'stop', sessionId: theirs.id },
    { client: 'asker', tool: 'session_exec', action: 'exec', sessionId: theirs.id },
    { client: 'asker', tool: 'session_rm', action: 'remove', sessionId: theirs.id },
  ]);
  const audit = await world.calls();
  assert.deepEqual(audit.filter((line) => line.client === 'asker').map((line) => line.code), ['DENIED', 'DENIED', 'DENIED']);

  // A session it started itself is its own: nobody is asked.
  person.asked = [];
  const mine = (await call<Session>(client, 'session_start', { agent: 'shell' })).output;
  assert.equal((await call(client, 'session_exec', { id: mine.id, command: ['true'] })).isError, false);
  assert.equal((await call(client, 'session_stop', { ids: [mine.id] })).isError, false);
  assert.equal((await call(client, 'session_rm', { ids: [mine.id] })).isError, false);
  assert.equal(person.asked.length, 0, JSON.stringify(person.asked));

  // Stopping both at once asks about the person's only, and a yes lets the call through.
  const another = (await call<Session>(client, 'session_start', { agent: 'shell' })).output;
  person.answer = true;
  const both = await call<{ stopped: { id: string }[] }>(client, 'session_stop', { ids: [theirs.id, another.id] });
  assert.equal(both.isError, false, both.text);
  assert.deepEqual(both.output.stopped.map((s) => s.id).sort(), [theirs.id, another.id].sort());
  assert.deepEqual(person.asked.map((request) => request.sessionId), [theirs.id]);
  assert.equal(await state(theirs.id), 'exited');
  await call(client, 'session_rm', { ids: [theirs.id, another.id] });
});

test('a client is the same client under the same token and name: a session it started before reconnecting is still its own, not an impostor’s', { timeout: 60_000 }, async () => {
  const secret = await world.token('reconnecting', ['read', 'sessions']);
  const first = await world.connect(secret, 'agent-x');
  const mine = (await call<Session>(first, 'session_start', { agent: 'shell' })).output;
  await first.close();
  const second = await world.connect(secret, 'agent-x');
  person.asked = [];
  assert.equal((await call(second, 'session_exec', { id: mine.id, command: ['true'] })).text, 'SCOPE_MISSING: session_exec needs the "exec" scope, and this client\'s token has only "read", "sessions". Ask the person for a token with the "exec" scope.');
  assert.equal((await call(second, 'session_stop', { ids: [mine.id] })).isError, false);
  assert.equal(person.asked.length, 0, JSON.stringify(person.asked));

  // Another token's holder giving the same name is another client: the session is not its own.
  const impostor = await world.connect(await world.token('impostor', ['read', 'sessions']), 'agent-x');
  person.answer = false;
  assert.match((await call(impostor, 'session_rm', { ids: [mine.id] })).text, /^DENIED: /);
  assert.deepEqual(person.asked.map((request) => [request.client, request.sessionId]), [['agent-x', mine.id]]);
  assert.equal((await call(second, 'session_rm', { ids: [mine.id] })).isError, false);
});

test('without the hook (headless) the scopes are the consent: sessions stops a person’s session, exec runs in it', { timeout: 60_000 }, async () => {
  const headless = await mcpWorld();
  try {
    const client = await headless.connect(await headless.token('headless', ['read', 'sessions', 'exec']));
    const theirs = (await headless.operations.invoke('session.start', { workspace: headless.box.workspace, agent: 'shell' }, silentContext('test', headless.box.workspace))) as Session;
    const exec = await call<{ stdout: string }>(client, 'session_exec', { id: theirs.id, command: ['echo', 'in'] });
    assert.equal(exec.output.stdout, 'in\n');
    assert.equal((await call(client, 'session_stop', { ids: [theirs.id] })).isError, false);
    assert.equal((await headless.box.service.find(theirs.id)).session.state, 'exited');
  } finally {
    await headless.cleanup();
  }
});

test('a client names paths only inside the server’s folders: no mounting ~ or /, no reading /etc, not even through a link', async () => {
  const client = await world.connect(await world.token('roots', ['read', 'sessions']), 'roots-client');
  const before = (await world.box.containers()).length;
  for (const workspace of ['/', homedir(), '/etc']) {
    const started = await call(client, 'session_start', { workspace, agent: 'shell' });
    assert.equal(started.isError, true, workspace);
    assert.match(started.text, /^OUTSIDE_ROOTS: The workspace .* is outside the folders this caller may use/);
  }
  const link = join(world.box.workspace, 'escape');
  await symlink('/etc', link);
  assert.match((await call(client, 'session_start', { workspace: link, agent: 'shell' })).text, /^OUTSIDE_ROOTS/);
  assert.match((await call(client, 'vault_health', { dir: '/etc' })).text, /^OUTSIDE_ROOTS: The vault folder \/etc/);
  assert.match((await call(client, 'vault_health', { dir: link })).text, /^OUTSIDE_ROOTS/, 'a link inside that leads out is outside');
  assert.match((await call(client, 'image_build', { claudeBinary: '/etc/shadow' })).text, /^OUTSIDE_ROOTS: The claude binary/);
  assert.equal((await world.box.containers()).length, before, 'nothing was started');
  const inside = await call<Session>(client, 'session_start', { agent: 'shell' });
  assert.equal(inside.isError, false, inside.text);
  assert.equal(inside.output.workspace, world.box.workspace, 'no workspace named: the server’s folder');
});
