// `berth mcp serve` and `berth mcp token` as a person runs them, with the real SDK client.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { pathToFileURL } from 'node:url';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { BUSYBOX_IMAGE, busyboxImage } from '../support/images.js';
import { DEMO_VAULT } from '../support/mcp.js';
import { cli, REPO, sessionSandbox } from '../support/sessions.js';

let box: Awaited<ReturnType<typeof sessionSandbox>>;
const argv = [process.execPath, '--import', pathToFileURL(join(REPO, 'node_modules', 'tsx', 'dist', 'loader.mjs')).href, join(REPO, 'src', 'cli', 'main.ts')];

before(async () => {
  await busyboxImage();
  box = await sessionSandbox({ settings: { image: BUSYBOX_IMAGE } });
});
after(async () => box.cleanup());

const structured = (result: Awaited<ReturnType<Client['callTool']>>) => result.structuredContent as Record<string, unknown>;

test('berth mcp token prints the default token, and rotating it gives another', async () => {
  const env = box.env;
  const first = await cli(['mcp', 'token'], { env });
  assert.equal(first.code, 0, first.stderr);
  assert.match(first.stdout, /^[A-Za-z0-9_-]{43}\n$/, 'the secret alone, for $(berth mcp token)');
  assert.equal((await cli(['mcp', 'token'], { env })).stdout, first.stdout, 'the same token until rotated');
  const rotated = await cli(['mcp', 'token', '--rotate'], { env });
  assert.notEqual(rotated.stdout, first.stdout);
  const made = JSON.parse((await cli(['mcp', 'token', '--name', 'runner', '--scopes', 'read', '--scopes', 'exec', '--json'], { env })).stdout);
  assert.deepEqual([made.name, made.scopes], ['runner', ['read', 'exec']]);
  const revoked = await cli(['mcp', 'token', '--name', 'runner', '--revoke'], { env });
  assert.deepEqual([revoked.code, revoked.stdout], [0, 'Revoked.\n']);
  const gone = await cli(['mcp', 'token', '--name', 'runner'], { env });
  assert.equal(gone.code, 2);
  assert.match(gone.stderr, /no MCP token named "runner"/);
  const both = await cli(['mcp', 'token', '--rotate', '--scopes', 'read'], { env });
  assert.equal(both.code, 2);
  assert.match(both.stderr, /give one of them/);
});

test('berth mcp serve serves the table over HTTP until Ctrl-C', { timeout: 60_000 }, async () => {
  const token = (await cli(['mcp', 'token'], { env: box.env })).stdout.trim();
  const server = spawn(argv[0]!, [...argv.slice(1), 'mcp', 'serve', '--port', '0'], { cwd: DEMO_VAULT, env: box.env, stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  server.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => server.once('exit', resolve));
  try {
    const url = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no URL within 30 s: ${stderr}`)), 30_000);
      server.stderr.on('data', () => {
        const match = /Serving MCP at (http:\/\/127\.0\.0\.1:\d+\/mcp)/.exec(stderr);
        if (match) {
          clearTimeout(timer);
          resolve(match[1]!);
        }
      });
    });
    const client = new Client({ name: 'cli-test', version: '1' });
    await client.connect(new StreamableHTTPClientTransport(new URL(url), { requestInit: { headers: { Authorization: `Bearer ${token}` } } }));
    const tools = (await client.listTools()).tools.map((tool) => tool.name);
    assert.ok(tools.includes('vault_health') && tools.includes('session_start'));
    assert.ok(!tools.includes('mcp_serve') && !tools.includes('mcp_token') && !tools.includes('session_attach'), 'no tool starts a server, reads tokens or needs a terminal');
    assert.equal(structured(await client.callTool({ name: 'vault_health', arguments: {} })).score, 51, 'the folder it was started in is its vault');
    await client.close();
    server.kill('SIGINT');
    assert.equal(await exited, 130);
  } finally {
    server.kill('SIGKILL');
  }
});

test('berth mcp serve --stdio: a client that starts Berth itself needs no token', { timeout: 60_000 }, async () => {
  const client = new Client({ name: 'stdio-test', version: '1' });
  const env = { ...box.env, BERTH_IMAGE: BUSYBOX_IMAGE } as Record<string, string>;
  await client.connect(new StdioClientTransport({ command: argv[0]!, args: [...argv.slice(1), 'mcp', 'serve', '--stdio'], cwd: DEMO_VAULT, env, stderr: 'pipe' }));
  try {
    assert.equal(structured(await client.callTool({ name: 'vault_health', arguments: {} })).score, 51);
    const start = await client.callTool({ name: 'session_start', arguments: { agent: 'shell', workspace: DEMO_VAULT, mount: 'ro' } });
    assert.equal(start.isError, undefined, JSON.stringify(start.content));
    const started = structured(start);
    const exec = structured(await client.callTool({ name: 'session_exec', arguments: { id: started.id, command: ['ls', '/workspace'] } }));
    assert.match(String(exec.stdout), /Ideas\.md/, 'every scope: exec too');
    await client.callTool({ name: 'session_rm', arguments: { ids: [started.id] } });
  } finally {
    await client.close();
  }
});
