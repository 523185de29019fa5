import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import type { Session } from '../../src/core/sessions/types.js';
import { call, INITIALIZE, MCP_HEADERS, mcpWorld, raw, type McpWorld } from '../support/mcp.js';
import { eventually } from '../support/sessions.js';

let world: McpWorld;

before(async () => {
  world = await mcpWorld({ server: { limits: { callsPerClient: 1, callsTotal: 2, clients: 3 }, idleTimeoutMs: 1500 } });
});
after(async () => world.cleanup());

/** A call that lasts until aborted: a followed log of a session that keeps running. */
async function longCall(client: Awaited<ReturnType<McpWorld['connect']>>, id: string) {
  const abort = new AbortController();
  const pending = client.callTool({ name: 'session_logs', arguments: { id, follow: true } }, undefined, { signal: abort.signal }).catch(() => undefined);
  return { stop: async () => (abort.abort(), await pending) };
}

test('calls over a client’s limit, or the server’s, are refused as busy, and run again once one ends', { timeout: 60_000 }, async () => {
  const a = await world.connect(undefined, 'a');
  const b = await world.connect(undefined, 'b');
  const c = await world.connect(undefined, 'c');
  const session = (await call<Session>(a, 'session_start', { agent: 'shell' })).output;

  const first = await longCall(a, session.id);
  await eventually(() => world.server.status().active === 1, 5000, 'the first call');
  const busy = await call(a, 'session_list');
  assert.match(busy.text, /^BUSY: session_list did not run: this client has 1 call running, as many as it may have at once\. Try again/);
  const second = await longCall(b, session.id);
  await eventually(() => world.server.status().active === 2, 5000, 'the second call');
  assert.match((await call(c, 'session_list')).text, /^BUSY: .*the server has 2 calls running/);

  await first.stop();
  await second.stop();
  await eventually(() => world.server.status().active === 0, 5000, 'both calls to end');
  assert.equal((await call(a, 'session_list')).isError, false);
  assert.equal((await call(c, 'session_list')).isError, false);
  const audit = await world.calls();
  assert.equal(audit.filter((line) => line.code === 'BUSY').length, 2);
  await call(a, 'session_rm', { ids: [session.id] });
  await Promise.all([a, b, c].map((client) => (client.transport as StreamableHTTPClientTransport).terminateSession()));
});

test('DELETE ends an MCP session; status and its change events follow clients coming and going', { timeout: 30_000 }, async () => {
  let changes = 0;
  const listening = world.server.onDidChange(() => changes++);
  try {
    await eventually(() => world.server.status().clients.length === 0, 5000, 'no clients');
    const client = await world.connect(undefined, 'status-client');
    assert.ok(changes > 0);
    assert.deepEqual(world.server.status().clients.map((c) => c.name), ['status-client']);
    await call(client, 'session_list');
    assert.equal(world.server.status().clients[0]!.calls, 1);
    await (client.transport as StreamableHTTPClientTransport).terminateSession();
    await eventually(() => world.server.status().clients.length === 0, 5000, 'the client to leave');
  } finally {
    listening.dispose();
  }
});

test('more MCP sessions than the limit: 503', async () => {
  const open = await Promise.all(Array.from({ length: 3 }, () => raw(world.server.port, { headers: { ...MCP_HEADERS, Authorization: `Bearer ${world.defaultToken.secret}` }, body: INITIALIZE })));
  assert.deepEqual(open.map((response) => response.status), [200, 200, 200]);
  const over = await raw(world.server.port, { headers: { ...MCP_HEADERS, Authorization: `Bearer ${world.defaultToken.secret}` }, body: INITIALIZE });
  assert.equal(over.status, 503);
  // Idle sessions are closed after the idle timeout, which makes room again.
  await eventually(async () => (await raw(world.server.port, { headers: { ...MCP_HEADERS, Authorization: `Bearer ${world.defaultToken.secret}` }, body: INITIALIZE })).status === 200, 10_000, 'room after the idle timeout');
});

test('an idle MCP session is closed after the idle timeout: its id is then unknown', { timeout: 30_000 }, async () => {
  const headers = { ...MCP_HEADERS, Authorization: `Bearer ${world.defaultToken.secret}`, 'Mcp-Protocol-Version': '2025-06-18' };
  const opened = await raw(world.server.port, { headers, body: INITIALIZE.replace('"raw"', '"idle"') });
  const sessionId = String(opened.headers['mcp-session-id']);
  await raw(world.server.port, { headers: { ...headers, 'Mcp-Session-Id': sessionId }, body: JSON.stringify({ jsonrpc: '2.0', method: 'notifications/initialized' }) });
  assert.ok(world.server.status().clients.some((c) => c.name === 'idle'));
  // Nothing open and nothing asked: after the idle timeout the session is gone.
  await eventually(() => !world.server.status().clients.some((c) => c.name === 'idle'), 10_000, 'the idle session to close');
  const list = JSON.stringify({ jsonrpc: '2.0', id: 2, method: 'tools/list' });
  const response = await raw(world.server.port, { headers: { ...headers, 'Mcp-Session-Id': sessionId }, body: list });
  assert.equal(response.status, 404);
});
