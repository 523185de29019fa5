import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { after, before, test } from 'node:test';
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import type { Session } from '../../src/core/sessions/types.js';
import { call, mcpWorld, type McpWorld } from '../support/mcp.js';
import { eventually } from '../support/sessions.js';

const KEY = `sk-ant-mcp-${Math.random().toString(36).slice(2)}${Date.now()}`;
let world: McpWorld;
let client: Client;

before(async () => {
  world = await mcpWorld({ secrets: { ANTHROPIC_API_KEY: KEY } });
  client = await world.connect(await world.token('everything', ['read', 'sessions', 'exec']));
});
after(async () => world.cleanup());

test('the API key an agent session holds never leaves through session_logs or session_exec: *** does', { timeout: 60_000 }, async () => {
  // An agent session gets the key; its command prints it and leaves a copy for exec to read.
  const probe = 'echo "key=$ANTHROPIC_API_KEY"; echo "$ANTHROPIC_API_KEY" > /tmp/key; echo "err=$ANTHROPIC_API_KEY" >&2; exec sleep 300';
  const started = await call<Session>(client, 'session_start', { agent: 'claude', network: 'none', command: ['sh', '-c', probe] });
  assert.equal(started.isError, false, started.text);
  const id = started.output.id;

  await eventually(async () => (await call(client, 'session_logs', { id })).text.includes('key='), 10_000, 'the probe’s output');
  const logs = await call<{ stdout: string; stderr: string }>(client, 'session_logs', { id });
  assert.equal(logs.output.stdout, 'key=***\n');
  assert.equal(logs.output.stderr, 'err=***\n');
  assert.ok(!logs.text.includes(KEY) && logs.text.includes('key=***'));

  const exec = await call<{ stdout: string }>(client, 'session_exec', { id, command: ['cat', '/tmp/key'] });
  assert.equal(exec.isError, false, exec.text);
  assert.equal(exec.output.stdout, '***\n');
  assert.ok(!exec.text.includes(KEY));

  // The proof that the key was really there: its length is not a secret.
  const length = await call<{ stdout: string }>(client, 'session_exec', { id, command: ['sh', '-c', 'tr -d "\\n" < /tmp/key | wc -c'] });
  assert.equal(Number(length.output.stdout.trim()), KEY.length);
  await call(client, 'session_rm', { ids: [id] });
});

test('an error that would carry the key is redacted, and so is the audit line', async () => {
  const result = await call(client, 'session_exec', { id: KEY, command: ['true'] });
  assert.equal(result.isError, true);
  assert.match(result.text, /^SESSION_NOT_FOUND: .*\*\*\*/);
  assert.ok(!result.text.includes(KEY));
  assert.ok(!(await readFile(world.box.auditLog, 'utf8')).includes(KEY));
});

test('no MCP token leaves through a result either, whoever printed it', { timeout: 60_000 }, async () => {
  const other = await world.token('printed', ['read']);
  const started = await call<Session>(client, 'session_start', { agent: 'shell', command: ['sh', '-c', `echo "token=${other} default=${world.defaultToken.secret}"; exec sleep 300`] });
  const id = started.output.id;
  await eventually(async () => (await call(client, 'session_logs', { id })).text.includes('token='), 10_000, 'the echo');
  const logs = await call<{ stdout: string }>(client, 'session_logs', { id });
  assert.equal(logs.output.stdout, 'token=*** default=***\n');
  await call(client, 'session_rm', { ids: [id] });
});
