import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { startHttpServer } from '../../src/core/mcp/http.js';
import { call, DEMO_VAULT, INITIALIZE, MCP_HEADERS, mcpWorld, raw, type McpWorld, type RawResponse } from '../support/mcp.js';

let world: McpWorld;
let client: Client;
let port: number;
let auth: Record<string, string>;

before(async () => {
  world = await mcpWorld();
  client = await world.connect();
  port = world.server.port;
  auth = { Authorization: `Bearer ${world.defaultToken.secret}` };
});
after(async () => world.cleanup());

/** After whatever was sent, the server still serves a client that does everything right. */
async function stillServes(): Promise<void> {
  const result = await call<{ score: number }>(client, 'vault_health', { dir: DEMO_VAULT });
  assert.equal(result.output.score, 51);
}

const rpcError = (response: RawResponse) => JSON.parse(response.body).error as { code: number; message: string };
const noCors = (response: RawResponse) => assert.ok(!Object.keys(response.headers).some((name) => name.startsWith('access-control-')), `CORS headers: ${JSON.stringify(response.headers)}`);

test('without a token, or with a wrong one, the answer is 401 with a Bearer challenge, and there is no OAuth metadata', async () => {
  const none = await raw(port, { headers: MCP_HEADERS, body: INITIALIZE });
  assert.equal(none.status, 401);
  assert.match(String(none.headers['www-authenticate']), /^Bearer\b/);
  const wrong = await raw(port, { headers: { ...MCP_HEADERS, Authorization: `Bearer ${world.defaultToken.secret.slice(0, -2)}xx` }, body: INITIALIZE });
  assert.equal(wrong.status, 401);
  assert.match(String(wrong.headers['www-authenticate']), /^Bearer .*invalid_token/);
  const basic = await raw(port, { headers: { ...MCP_HEADERS, Authorization: `Basic ${Buffer.from(`x:${world.defaultToken.secret}`).toString('base64')}` }, body: INITIALIZE });
  assert.equal(basic.status, 401);
  for (const path of ['/.well-known/oauth-protected-resource', '/.well-known/oauth-protected-resource/mcp', '/.well-known/oauth-authorization-server']) {
    assert.equal((await raw(port, { method: 'GET', path, headers: auth })).status, 404, path);
  }
  // The right token opens a session.
  const good = await raw(port, { headers: { ...MCP_HEADERS, ...auth }, body: INITIALIZE });
  assert.equal(good.status, 200);
  assert.ok(good.headers['mcp-session-id']);
  await stillServes();
});

test('a Host that is not this server by a loopback name is refused (DNS rebinding), before the token is even looked at', async () => {
  for (const host of ['evil.example', `evil.example:${port}`, `127.0.0.1:${port + 1}`, `127.0.0.1`, `localhost.evil.example:${port}`]) {
    const response = await raw(port, { headers: { ...MCP_HEADERS, ...auth, Host: host }, body: INITIALIZE });
    assert.equal(response.status, 403, host);
    noCors(response);
  }
  for (const host of [`localhost:${port}`, `LOCALHOST:${port}`, `[::1]:${port}`]) {
    assert.equal((await raw(port, { headers: { ...MCP_HEADERS, ...auth, Host: host }, body: INITIALIZE })).status, 200, host);
  }
  await stillServes();
});

test('an Origin that is not a loopback page of this server is refused; no CORS headers ever; a preflight gets 405', async () => {
  for (const origin of ['http://evil.example', `http://evil.example:${port}`, 'null', `https://127.0.0.1:${port}`, `http://127.0.0.1:${port + 1}`]) {
    const response = await raw(port, { headers: { ...MCP_HEADERS, ...auth, Origin: origin }, body: INITIALIZE });
    assert.equal(response.status, 403, origin);
    noCors(response);
  }
  const local = await raw(port, { headers: { ...MCP_HEADERS, ...auth, Origin: `http://localhost:${port}` }, body: INITIALIZE });
  assert.equal(local.status, 200);
  noCors(local);
  const preflight = await raw(port, { method: 'OPTIONS', headers: { Origin: `http://localhost:${port}`, 'Access-Control-Request-Method': 'POST' } });
  assert.equal(preflight.status, 405);
  noCors(preflight);
  await stillServes();
});

test('wrong paths are 404, wrong methods 405 with Allow', async () => {
  assert.equal((await raw(port, { path: '/', headers: { ...MCP_HEADERS, ...auth }, body: INITIALIZE })).status, 404);
  assert.equal((await raw(port, { path: '/mcp/x', headers: { ...MCP_HEADERS, ...auth }, body: INITIALIZE })).status, 404);
  for (const method of ['PUT', 'PATCH']) {
    const response = await raw(port, { method, headers: { ...MCP_HEADERS, ...auth }, body: INITIALIZE });
    assert.equal(response.status, 405, method);
    assert.equal(response.headers.allow, 'GET, POST, DELETE');
  }
  await stillServes();
});

test('malformed JSON is a JSON-RPC parse error; a request without a session that is not initialize, or with an unknown session, is refused', async () => {
  for (const body of ['{"jsonrpc": "2.0", "method": ', '', '\u0000\u0001']) {
    const response = await raw(port, { headers: { ...MCP_HEADERS, ...auth }, body });
    assert.equal(response.status, 400, JSON.stringify(body));
    assert.equal(rpcError(response).code, -32700);
  }
  const list = JSON.stringify({ jsonrpc: '2.0', id: 2, method: 'tools/list' });
  const noSession = await raw(port, { headers: { ...MCP_HEADERS, ...auth }, body: list });
  assert.equal(noSession.status, 400);
  assert.match(rpcError(noSession).message, /No valid session ID/);
  const unknown = await raw(port, { headers: { ...MCP_HEADERS, ...auth, 'Mcp-Session-Id': 'not-a-session' }, body: list });
  assert.equal(unknown.status, 404);
  assert.equal((await raw(port, { method: 'GET', headers: { ...auth, Accept: 'text/event-stream' } })).status, 400);
  await stillServes();
});

test('a body over 4 MiB is refused with 413, declared or streamed, without waiting for the rest', { timeout: 30_000 }, async () => {
  // Both requests stay unfinished: the answer must come while the client is still sending.
  const declared = await raw(port, { headers: { ...MCP_HEADERS, ...auth, 'Content-Length': String(5 * 1024 * 1024) }, body: '{', hold: true });
  assert.equal(declared.status, 413);
  const chunk = Buffer.alloc(256 * 1024, 0x20);
  const streamed = await raw(port, { headers: { ...MCP_HEADERS, ...auth, 'Transfer-Encoding': 'chunked' }, body: Array.from({ length: 17 }, () => chunk), hold: true });
  assert.equal(streamed.status, 413);
  await stillServes();
});

test('a session belongs to the token that opened it: another valid token cannot use its id', async () => {
  const other = await world.token('other', ['read', 'sessions', 'exec']);
  const opened = await raw(port, { headers: { ...MCP_HEADERS, ...auth }, body: INITIALIZE });
  const sessionId = String(opened.headers['mcp-session-id']);
  const list = JSON.stringify({ jsonrpc: '2.0', id: 2, method: 'tools/list' });
  const stolen = await raw(port, { headers: { ...MCP_HEADERS, Authorization: `Bearer ${other}`, 'Mcp-Session-Id': sessionId, 'Mcp-Protocol-Version': '2025-06-18' }, body: list });
  assert.equal(stolen.status, 404);
  const own = await raw(port, { headers: { ...MCP_HEADERS, ...auth, 'Mcp-Session-Id': sessionId, 'Mcp-Protocol-Version': '2025-06-18' }, body: list });
  assert.equal(own.status, 200);
});

test('the server listens on 127.0.0.1 only: any other host is refused with the reason', async () => {
  for (const host of ['0.0.0.0', 'localhost', '::', '192.0.2.1']) {
    await assert.rejects(
      startHttpServer({ operations: world.operations, sessions: world.box.service, cwd: () => world.box.workspace, tokens: world.tokens, port: 0, host }),
      (error: Error & { code?: string }) => error.code === 'SETTING_INVALID' && /127\.0\.0\.1 only/.test(error.message),
      host,
    );
  }
  await assert.rejects(
    startHttpServer({ operations: world.operations, sessions: world.box.service, cwd: () => world.box.workspace, tokens: world.tokens, port }),
    (error: Error & { code?: string }) => error.code === 'SETTING_INVALID' && /taken/.test(error.message),
  );
});
