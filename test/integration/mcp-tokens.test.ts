import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { after, before, test } from 'node:test';
import { authenticate, createToken, defaultTokenPath, FileTokenStore, revokeToken, rotateToken } from '../../src/core/mcp/tokens.js';
import { INITIALIZE, MCP_HEADERS, mcpWorld, raw, type McpWorld } from '../support/mcp.js';

let folder: string;
before(async () => {
  folder = await mkdtemp(join(tmpdir(), 'berth-mcp-tokens-'));
});
after(async () => rm(folder, { recursive: true, force: true }));

test('the token file lives in the user’s state folder', () => {
  assert.equal(defaultTokenPath({ XDG_STATE_HOME: '/s' }), '/s/berth/mcp-tokens.json');
});

test('first use makes a 0600 file (in a 0700 folder) with a default token of 256 random bits and the scopes read and sessions', async () => {
  const store = new FileTokenStore(join(folder, 'first', 'berth', 'mcp-tokens.json'));
  const [token, ...rest] = await store.list();
  assert.equal(rest.length, 0);
  assert.equal(token!.name, 'default');
  assert.deepEqual(token!.scopes, ['read', 'sessions']);
  assert.match(token!.secret, /^[A-Za-z0-9_-]{43}$/);
  assert.equal(Buffer.from(token!.secret, 'base64url').length, 32);
  assert.equal((await stat(store.path)).mode & 0o777, 0o600);
  assert.equal((await stat(dirname(store.path))).mode & 0o777, 0o700);
  assert.deepEqual(await store.list(), [token], 'the same token the next time');
  assert.notEqual((await new FileTokenStore(join(folder, 'other.json')).list())[0]!.secret, token!.secret);
});

test('create, rotate and revoke; names are unique; revoking every token leaves none, not a new default', async () => {
  const store = new FileTokenStore(join(folder, 'manage.json'));
  const [original] = await store.list();
  const agent = await createToken(store, 'claude-code', ['read', 'exec', 'exec']);
  assert.deepEqual(agent.scopes, ['read', 'exec']);
  await assert.rejects(createToken(store, 'claude-code', ['read']), /already an MCP token named "claude-code"/);
  await assert.rejects(createToken(store, '../evil', ['read']), (error: Error & { code?: string }) => error.code === 'INPUT_INVALID');

  const rotated = await rotateToken(store, 'default');
  assert.notEqual(rotated.secret, original!.secret);
  assert.deepEqual(rotated.scopes, original!.scopes);
  const tokens = await store.list();
  assert.equal(authenticate(tokens, original!.secret), undefined, 'the old secret no longer works');
  assert.equal(authenticate(tokens, rotated.secret)?.name, 'default');
  assert.equal(authenticate(tokens, agent.secret)?.name, 'claude-code');
  for (const near of [agent.secret.slice(0, -1), `${agent.secret}x`, '', agent.secret.toUpperCase()]) assert.equal(authenticate(tokens, near), undefined, near);

  await assert.rejects(rotateToken(store, 'nobody'), (error: Error & { hint?: string }) => /no MCP token named "nobody"/.test(error.message) && error.hint === 'The tokens are: default, claude-code.');
  await revokeToken(store, 'claude-code');
  await revokeToken(store, 'default');
  assert.deepEqual(await store.list(), []);
  assert.equal((await stat(store.path)).mode & 0o777, 0o600);
});

test('a server that has read the tokens sees a rotation or revocation by another process at its next request', async () => {
  const path = join(folder, 'shared.json');
  const server = new FileTokenStore(path);
  const [original] = await server.list();
  assert.equal(authenticate(await server.list(), original!.secret)?.name, 'default');
  const rotated = await rotateToken(new FileTokenStore(path), 'default');
  assert.equal(authenticate(await server.list(), original!.secret), undefined, 'the old secret stops working at once');
  assert.equal(authenticate(await server.list(), rotated.secret)?.name, 'default');
  await revokeToken(new FileTokenStore(path), 'default');
  assert.deepEqual(await server.list(), []);
});

test('a file that is not a token file is an error that says what to do', async () => {
  const path = join(folder, 'broken.json');
  await writeFile(path, '{"version": 1, "tokens": [{"name": "x"}]}');
  await assert.rejects(new FileTokenStore(path).list(), (error: Error & { code?: string; hint?: string }) => error.code === 'SETTING_INVALID' && /delete it/.test(error.hint ?? ''));
  assert.match(await readFile(path, 'utf8'), /"name": "x"/, 'left as it was');
});

test('the server takes a rotated or revoked token away at once', { timeout: 30_000 }, async () => {
  let world: McpWorld | undefined;
  try {
    world = await mcpWorld();
    const headers = (secret: string) => ({ ...MCP_HEADERS, Authorization: `Bearer ${secret}` });
    const old = world.defaultToken.secret;
    assert.equal((await raw(world.server.port, { headers: headers(old), body: INITIALIZE })).status, 200);
    const rotated = await rotateToken(world.tokens, 'default');
    assert.equal((await raw(world.server.port, { headers: headers(old), body: INITIALIZE })).status, 401);
    assert.equal((await raw(world.server.port, { headers: headers(rotated.secret), body: INITIALIZE })).status, 200);
    await revokeToken(world.tokens, 'default');
    assert.equal((await raw(world.server.port, { headers: headers(rotated.secret), body: INITIALIZE })).status, 401);
  } finally {
    await world?.cleanup();
  }
});
