import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { after, before, test } from 'node:test';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import type { Session } from '../../src/core/sessions/types.js';
import { BUSYBOX_IMAGE, busyboxImage } from '../support/images.js';
import { call, DEMO_VAULT } from '../support/mcp.js';
import { eventually, REPO, sessionSandbox } from '../support/sessions.js';

const KEY = `sk-ant-stdio-${Math.random().toString(36).slice(2)}${Date.now()}`;
let box: Awaited<ReturnType<typeof sessionSandbox>>;

before(async () => {
  await busyboxImage();
  box = await sessionSandbox({ secrets: { ANTHROPIC_API_KEY: KEY } });
});
after(async () => box.cleanup());

test('over stdio: the same tools, every scope without a token, secrets redacted, and the server exits when the client closes', { timeout: 60_000 }, async () => {
  const transport = new StdioClientTransport({
    command: process.execPath,
    // tsx by path: `--import tsx` would look for the package from the child's working folder.
    args: ['--import', pathToFileURL(join(REPO, 'node_modules', 'tsx', 'dist', 'loader.mjs')).href, join(REPO, 'test', 'support', 'mcpStdioServer.ts')],
    env: { ...(box.env as Record<string, string>), BERTH_IMAGE: BUSYBOX_IMAGE },
    cwd: box.workspace,
    stderr: 'pipe',
  });
  let stderr = '';
  transport.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const client = new Client({ name: 'stdio-client', version: '0.1.0' });
  await client.connect(transport);
  const pid = transport.pid!;
  try {
    const { tools } = await client.listTools();
    assert.ok(tools.some((tool) => tool.name === 'session_exec') && !tools.some((tool) => tool.name === 'session_attach'));
    assert.equal((await call<{ score: number }>(client, 'vault_health', { dir: DEMO_VAULT })).output.score, 51);

    const started = await call<Session>(client, 'session_start', { agent: 'claude', network: 'none', command: ['sh', '-c', 'echo "$ANTHROPIC_API_KEY" > /tmp/key; exec sleep 300'] });
    assert.equal(started.isError, false, started.text + stderr);
    assert.equal(started.output.workspace, box.workspace, 'the working folder is the server’s folder');
    const id = started.output.id;
    await eventually(async () => (await call<{ exitCode: number }>(client, 'session_exec', { id, command: ['test', '-s', '/tmp/key'] })).output.exitCode === 0, 10_000, 'the key file');
    const exec = await call<{ stdout: string }>(client, 'session_exec', { id, command: ['cat', '/tmp/key'] });
    assert.equal(exec.output.stdout, '***\n');

    const audit = await readFile(box.auditLog, 'utf8');
    const lines = audit.trim().split('\n').map((line) => JSON.parse(line)).filter((entry) => entry.action === 'mcp-call');
    assert.ok(lines.some((entry) => entry.detail.client === 'stdio-client' && entry.detail.tool === 'session_exec' && entry.detail.ok));

    // A follow is running when the client goes: its log stream would keep the server alive, were it not stopped.
    void client.callTool({ name: 'session_logs', arguments: { id, follow: true } }).catch(() => undefined);
    await new Promise((resolve) => setTimeout(resolve, 1000));
  } catch (error) {
    await client.close();
    throw error;
  }
  // The client ends the server's input and waits 2 s before it sends SIGTERM: exiting sooner is exiting by itself.
  const closing = Date.now();
  await client.close();
  assert.ok(Date.now() - closing < 1800, `the server took ${Date.now() - closing} ms to exit`);
  assert.equal(alive(pid), false);
  assert.equal((await box.containers()).length, 1, 'the session outlives the server');
});

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}
