import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import type { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { ResourceUpdatedNotificationSchema } from '@modelcontextprotocol/sdk/types.js';
import type { TranscriptEvent } from '../../src/core/sessions/agent/transcript.js';
import type { Session } from '../../src/core/sessions/types.js';
import { call, DEMO_VAULT, mcpWorld, type McpWorld } from '../support/mcp.js';
import { eventually } from '../support/sessions.js';

const KEY = `sk-ant-res-${Math.random().toString(36).slice(2)}${Date.now()}`;

/** The vault's change source, as the extension's live vault would give it. */
const vault = {
  listeners: new Set<() => void>(),
  fire() {
    for (const listener of vault.listeners) listener();
  },
};

let world: McpWorld;
let client: Client;
const updates: string[] = [];

before(async () => {
  world = await mcpWorld({
    secrets: { ANTHROPIC_API_KEY: KEY },
    server: {
      cwd: () => DEMO_VAULT,
      vaultChanges: (listener) => {
        vault.listeners.add(listener);
        return { dispose: () => vault.listeners.delete(listener) };
      },
    },
  });
  client = await world.connect();
  client.setNotificationHandler(ResourceUpdatedNotificationSchema, (notification) => void updates.push(notification.params.uri));
});
after(async () => world.cleanup());

const line = (text: string) => JSON.stringify({ type: 'assistant', message: { content: [{ type: 'text', text }] } });

/** A stand-in for Claude Code: stream-json lines, more each time the test drops a file in the workspace. */
const FAKE_CLAUDE = [
  `echo '${JSON.stringify({ type: 'system', subtype: 'init', session_id: 's-1', model: 'claude-test', cwd: '/workspace', tools: ['Write'] })}'`,
  `echo "{\\"type\\":\\"assistant\\",\\"message\\":{\\"content\\":[{\\"type\\":\\"text\\",\\"text\\":\\"the key is $ANTHROPIC_API_KEY\\"}]}}"`,
  'while [ ! -e /workspace/go1 ]; do sleep 0.1; done',
  `echo '${line('more')}'`,
  'while [ ! -e /workspace/go2 ]; do sleep 0.1; done',
  `echo '${line('while nobody listens')}'`,
  'while [ ! -e /workspace/go3 ]; do sleep 0.1; done',
  `echo '${line('last')}'`,
].join('\n');

const texts = (events: TranscriptEvent[]) => events.flatMap((event) => (event.kind === 'text' ? [event.text] : []));

/** The JSON a resource holds. */
async function read<T>(uri: string): Promise<T> {
  const [content] = (await client.readResource({ uri })).contents;
  assert.equal(content?.mimeType, 'application/json');
  assert.ok(content && 'text' in content, 'a text resource');
  return JSON.parse(content.text) as T;
}

const transcript = (uri: string) => read<{ id: string; events: TranscriptEvent[]; truncated: boolean }>(uri);

test('berth://vault/health is the report of the server’s vault, as JSON', async () => {
  const report = await read<{ score: number; root: string }>('berth://vault/health');
  assert.equal(report.score, 51);
  assert.equal(report.root, DEMO_VAULT);
});

test('a vault subscription notifies on each change of the source, until unsubscribed or the session closes', { timeout: 30_000 }, async () => {
  updates.length = 0;
  await client.subscribeResource({ uri: 'berth://vault/health' });
  vault.fire();
  await eventually(() => updates.includes('berth://vault/health'), 5000, 'the vault update');
  await client.unsubscribeResource({ uri: 'berth://vault/health' });
  assert.equal(vault.listeners.size, 0, 'unsubscribing lets go of the source');
  updates.length = 0;
  vault.fire();
  await new Promise((resolve) => setTimeout(resolve, 600));
  assert.equal(updates.length, 0, updates.join(', '));

  const leaving = await world.connect(undefined, 'leaving');
  await leaving.subscribeResource({ uri: 'berth://vault/health' });
  assert.equal(vault.listeners.size, 1);
  await (leaving.transport as StreamableHTTPClientTransport).terminateSession();
  await eventually(() => vault.listeners.size === 0, 5000, 'the closed session to let go of the source');
});

test('without a change source (the CLI) subscribing to the vault says why', async () => {
  const plain = await mcpWorld();
  try {
    const other = await plain.connect();
    await assert.rejects(other.subscribeResource({ uri: 'berth://vault/health' }), /no change source .* read it again/);
    await assert.rejects(other.subscribeResource({ uri: 'berth://nothing/here' }), /not a resource Berth can follow/);
  } finally {
    await plain.cleanup();
  }
});

test('a Claude Code session’s transcript: listed, read as events without the key, followed while subscribed', { timeout: 60_000 }, async () => {
  await writeFile(join(world.box.workspace, 'claude.sh'), FAKE_CLAUDE);
  const agent = (await call<Session>(client, 'session_start', { workspace: world.box.workspace, agent: 'claude', network: 'none', command: ['sh', '/workspace/claude.sh'] })).output;
  const shell = (await call<Session>(client, 'session_start', { workspace: world.box.workspace, agent: 'shell' })).output;
  const uri = `berth://sessions/${agent.id}/transcript`;

  const { resources } = await client.listResources();
  assert.ok(resources.some((resource) => resource.uri === uri));
  assert.ok(!resources.some((resource) => resource.uri.includes(shell.id)), 'a shell has no transcript');

  await eventually(async () => texts((await transcript(uri)).events).length === 1, 10_000, 'the first events');
  const first = await transcript(uri);
  assert.equal(first.id, agent.id);
  assert.deepEqual(first.events[0], { kind: 'init', sessionId: 's-1', model: 'claude-test', cwd: '/workspace', tools: ['Write'] });
  assert.deepEqual(texts(first.events), ['the key is ***']);

  updates.length = 0;
  await client.subscribeResource({ uri });
  await writeFile(join(world.box.workspace, 'go1'), '');
  await eventually(() => updates.includes(uri), 10_000, 'the transcript update');
  assert.deepEqual(texts((await transcript(uri)).events), ['the key is ***', 'more']);

  await client.unsubscribeResource({ uri });
  updates.length = 0;
  await writeFile(join(world.box.workspace, 'go2'), '');
  await eventually(async () => texts((await transcript(uri)).events).length === 3, 10_000, 'the unheard event');
  await new Promise((resolve) => setTimeout(resolve, 600));
  assert.equal(updates.length, 0, 'no notification after unsubscribing');

  // Subscribed again, the session's end is a change too, and the last events are in.
  await client.subscribeResource({ uri });
  await writeFile(join(world.box.workspace, 'go3'), '');
  await eventually(() => updates.includes(uri), 10_000, 'the last update');
  await eventually(async () => (await world.box.service.find(agent.id)).session.state === 'exited', 10_000, 'the agent to end');
  assert.deepEqual(texts((await transcript(uri)).events), ['the key is ***', 'more', 'while nobody listens', 'last']);
  await call(client, 'session_rm', { ids: [agent.id, shell.id] });
});

test('reading the transcript of no session is an error that says so, and the server serves on', async () => {
  await assert.rejects(client.readResource({ uri: 'berth://sessions/ffffffffffff/transcript' }), /SESSION_NOT_FOUND/);
  await assert.rejects(client.subscribeResource({ uri: 'berth://sessions/ffffffffffff/transcript' }), /No session/);
  assert.equal((await call<{ score: number }>(client, 'vault_health')).output.score, 51);
});
