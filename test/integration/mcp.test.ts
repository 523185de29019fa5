import assert from 'node:assert/strict';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import type { Progress } from '@modelcontextprotocol/sdk/types.js';
import type { Session } from '../../src/core/sessions/types.js';
import { call, DEMO_VAULT, mcpWorld, type McpWorld } from '../support/mcp.js';
import { eventually } from '../support/sessions.js';

let world: McpWorld;
let client: Client;

before(async () => {
  world = await mcpWorld();
  client = await world.connect();
});
after(async () => world.cleanup());

test('initialize names the server and a client is counted in the status by its name and version', async () => {
  assert.equal(client.getServerVersion()?.name, 'berth');
  assert.ok(client.getServerCapabilities()?.tools);
  assert.equal(client.getServerCapabilities()?.resources?.subscribe, true);
  const status = world.server.status();
  assert.equal(status.url, world.server.url);
  assert.match(world.server.url, /^http:\/\/127\.0\.0\.1:\d+\/mcp$/);
  assert.deepEqual(
    status.clients.map((c) => [c.name, c.version, c.scopes]),
    [['test-client', '1.2.3', ['read', 'sessions']]],
  );
});

test('one tool per MCP-face operation, with its title, description, schemas and annotations', async () => {
  const { tools } = await client.listTools();
  const offered = world.operations.list().filter((operation) => !operation.faces || operation.faces.includes('mcp'));
  assert.deepEqual(tools.map((tool) => tool.name).sort(), offered.map((operation) => operation.name.replace(/\./g, '_')).sort());
  assert.ok(!tools.some((tool) => tool.name === 'session_attach'), 'attach needs a terminal: no tool');
  for (const operation of offered) {
    const tool = tools.find((candidate) => candidate.name === operation.name.replace(/\./g, '_'))!;
    assert.equal(tool.title, operation.title);
    assert.equal(tool.description, operation.description);
    assert.deepEqual(tool.annotations, operation.annotations);
    assert.equal(tool.inputSchema.type, 'object');
    assert.equal(tool.outputSchema?.type, 'object', `${tool.name} has an output schema`);
  }
  const exec = tools.find((tool) => tool.name === 'session_exec')!;
  assert.deepEqual(exec.inputSchema.required, ['id', 'command']);
  assert.ok(Object.keys(exec.outputSchema!.properties!).includes('exitCode'));
});

test('vault_health reports the demo vault: score 51, as text and as structured output', async () => {
  const result = await call<{ score: number; notes: number }>(client, 'vault_health', { dir: DEMO_VAULT });
  assert.equal(result.isError, false, result.text);
  assert.equal(result.output.score, 51);
  assert.equal(result.output.notes, 3);
  assert.match(result.text, /Score 51\/100/);
});

test('an input problem names the argument, in one CODE: message line', async () => {
  const result = await call(client, 'vault_health', { minScore: 'high', exclude: 'Templates/**' });
  assert.equal(result.isError, true);
  assert.equal(result.text.split('\n').length, 1);
  assert.match(result.text, /^INPUT_INVALID: vault_health was called with arguments/);
  assert.match(result.text, /"minScore": must be a number, not a string/);
  assert.match(result.text, /"exclude": must be an array, not a string/);
  const missing = await call(client, 'session_logs', {});
  assert.match(missing.text, /^INPUT_INVALID: .*"id": .*\(Session id or a unique prefix of it\)/);
});

test('a shell session through its life over MCP: start, list, exec (exec scope only), logs, stop, rm, each call audited', { timeout: 60_000 }, async () => {
  const started = await call<Session>(client, 'session_start', { agent: 'shell', command: ['sh', '-c', 'echo hello from the session; exec sleep 300'] });
  assert.equal(started.isError, false, started.text);
  const id = started.output.id;
  assert.match(id, /^[0-9a-f]{12}$/);
  assert.equal(started.output.workspace, world.box.workspace, 'a relative workspace is the server’s folder');

  const listed = await call<{ sessions: Session[] }>(client, 'session_list');
  assert.deepEqual(listed.output.sessions.filter((s) => s.workspace === world.box.workspace).map((s) => s.id), [id]);

  const refused = await call(client, 'session_exec', { id, command: ['true'] });
  assert.equal(refused.isError, true);
  assert.match(refused.text, /^SCOPE_MISSING: session_exec needs the "exec" scope/);

  const executor = await world.connect(await world.token('executor', ['read', 'exec']), 'executor');
  const exec = await call<{ exitCode: number; stdout: string; stderr: string }>(executor, 'session_exec', { id: id.slice(0, 5), command: ['sh', '-c', 'pwd; echo oops >&2; exit 3'] });
  assert.equal(exec.isError, false, exec.text);
  assert.deepEqual([exec.output.exitCode, exec.output.stdout, exec.output.stderr], [3, '/workspace\n', 'oops\n']);

  await eventually(async () => (await call<{ stdout: string }>(client, 'session_logs', { id })).output.stdout === 'hello from the session\n', 10_000, 'the log line');

  const stopped = await call<{ stopped: { id: string }[] }>(client, 'session_stop', { ids: [id] });
  assert.equal(stopped.isError, false, stopped.text);
  assert.deepEqual(stopped.output.stopped.map((s) => s.id), [id]);
  const removed = await call<{ removed: string[] }>(client, 'session_rm', { ids: [id] });
  assert.deepEqual(removed.output.removed, [id]);
  assert.equal((await world.box.containers()).length, 0);

  const calls = await world.calls();
  const lines = calls.filter((line) => ['session_start', 'session_exec', 'session_stop', 'session_rm'].includes(line.tool));
  assert.deepEqual(
    lines.map((line) => [line.client, line.tool, line.ok, line.code ?? null]),
    [
      ['test-client', 'session_start', true, null],
      ['test-client', 'session_exec', false, 'SCOPE_MISSING'],
      ['executor', 'session_exec', true, null],
      ['test-client', 'session_stop', true, null],
      ['test-client', 'session_rm', true, null],
    ],
  );
  assert.ok(lines.every((line) => Number.isInteger(line.ms) && line.ms >= 0));
  assert.ok(world.server.status().calls >= lines.length);
});

test('a call that reports progress sends MCP progress notifications, rising', { timeout: 60_000 }, async () => {
  const vault = join(tmpdir(), `berth-mcp-progress-${process.pid}`);
  await mkdir(vault, { recursive: true });
  try {
    for (let i = 0; i < 3000; i++) await writeFile(join(vault, `Note ${i}.md`), `# Note ${i}\n\n[[Note ${(i + 1) % 3000}]]\n`);
    const updates: Progress[] = [];
    const result = await client.callTool({ name: 'vault_health', arguments: { dir: vault } }, undefined, { onprogress: (update) => updates.push(update) });
    assert.equal(result.isError, undefined);
    assert.ok(updates.some((update) => /^Reading notes \(\d+\/3000\)$/.test(update.message ?? '') && update.total === 100), JSON.stringify(updates));
    // How many updates a scan sends depends on how fast the machine reads: at least the listing and one count.
    assert.ok(updates.length >= 2, JSON.stringify(updates));
    for (let i = 1; i < updates.length; i++) assert.ok(updates[i]!.progress > updates[i - 1]!.progress, 'each notification moves progress forward');
  } finally {
    await rm(vault, { recursive: true, force: true });
  }
});

test('cancelling a followed log stops the follow on the server: the call ends, its stream is released, the session runs on', { timeout: 60_000 }, async () => {
  const started = await call<Session>(client, 'session_start', { agent: 'shell', command: ['sh', '-c', 'while true; do echo tick; sleep 0.2; done'] });
  const id = started.output.id;
  const abort = new AbortController();
  const following = client.callTool({ name: 'session_logs', arguments: { id, follow: true } }, undefined, { signal: abort.signal });
  await eventually(() => world.server.status().active === 1, 10_000, 'the follow to be running');
  await new Promise((resolve) => setTimeout(resolve, 500));
  abort.abort();
  await assert.rejects(following, /abort/i);
  // The server's handler returns only once the operation has let go of the log stream (its finally).
  await eventually(() => world.server.status().active === 0, 5000, 'the follow to end on the server');
  await eventually(async () => (await world.calls()).some((line) => line.tool === 'session_logs' && line.code === 'CANCELLED'), 5000, 'the cancelled call’s audit line');
  const stats = await call<{ session: Session }>(client, 'session_stats', { id });
  assert.equal(stats.output.session.state, 'running');
  await call(client, 'session_rm', { ids: [id] });
});
