import { request } from 'node:http';
import { readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { createOperationCatalog } from '../../src/core/catalog.js';
import { startHttpServer, type HttpServerOptions } from '../../src/core/mcp/http.js';
import type { Scope } from '../../src/core/mcp/scopes.js';
import { createToken, FileTokenStore } from '../../src/core/mcp/tokens.js';
import type { SessionSettings } from '../../src/core/sessions/settings.js';
import { BUSYBOX_IMAGE, busyboxImage } from './images.js';
import { sessionSandbox } from './sessions.js';

export const DEMO_VAULT = join(__dirname, '..', 'fixtures', 'demo-vault');

/**
 * A Berth MCP server over HTTP on a free loopback port, on a session sandbox (its own workspace,
 * audit log and token file, the busybox image), and SDK clients to talk to it. cleanup() closes
 * the clients, the server and the sandbox's containers.
 */
export async function mcpWorld(options: { secrets?: Record<string, string>; settings?: Partial<SessionSettings>; server?: Partial<HttpServerOptions> } = {}) {
  await busyboxImage();
  const box = await sessionSandbox({ settings: { image: BUSYBOX_IMAGE, stopGraceSeconds: 1, ...options.settings }, ...(options.secrets ? { secrets: options.secrets } : {}) });
  const tokens = new FileTokenStore(join(box.root, 'state', 'berth', 'mcp-tokens.json'));
  const operations = createOperationCatalog({ sessions: box.service });
  // The clients here may name the sandbox, the fixtures and generated vaults (under the temp folder).
  const roots = () => [box.workspace, join(__dirname, '..', 'fixtures'), tmpdir()];
  const server = await startHttpServer({ operations, sessions: box.service, cwd: () => box.workspace, roots, tokens, port: 0, ...options.server });
  const [defaultToken] = await tokens.list();
  const clients: Client[] = [];
  return {
    box,
    tokens,
    operations,
    server,
    defaultToken: defaultToken!,
    /** A token with these scopes, made in the server's store. */
    token: async (name: string, scopes: Scope[]) => (await createToken(tokens, name, scopes)).secret,
    /** An initialized SDK client that sends `secret` as its bearer token. */
    async connect(secret: string = defaultToken!.secret, name = 'test-client'): Promise<Client> {
      const client = new Client({ name, version: '1.2.3' });
      await client.connect(new StreamableHTTPClientTransport(new URL(server.url), { requestInit: { headers: { Authorization: `Bearer ${secret}` } } }));
      clients.push(client);
      return client;
    },
    /** The audit log's mcp-call lines. */
    async calls(): Promise<{ client: string; tool: string; ok: boolean; code?: string; ms: number }[]> {
      const text = await readFile(box.auditLog, 'utf8').catch(() => '');
      return text
        .split('\n')
        .filter(Boolean)
        .map((line) => JSON.parse(line))
        .filter((entry) => entry.action === 'mcp-call' && entry.origin === 'mcp')
        .map((entry) => entry.detail);
    },
    async cleanup() {
      await Promise.all(clients.map((client) => client.close().catch(() => undefined)));
      await server.close();
      await box.cleanup();
    },
  };
}

export type McpWorld = Awaited<ReturnType<typeof mcpWorld>>;

/** A tool call's result, with its text and structured output at hand. */
export async function call<T = Record<string, unknown>>(client: Client, name: string, args: Record<string, unknown> = {}): Promise<{ isError: boolean; text: string; output: T }> {
  const result = (await client.callTool({ name, arguments: args })) as CallToolResult;
  const text = result.content.map((part) => (part.type === 'text' ? part.text : '')).join('\n');
  return { isError: result.isError === true, text, output: result.structuredContent as T };
}

export interface RawResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/**
 * One HTTP request exactly as written (any Host, Origin or body), to the server's port: what a
 * browser, a rebinding page or a broken client would send. The body may be given in chunks;
 * `hold` leaves the request unfinished, as a client still sending would.
 */
export function raw(port: number, options: { method?: string; path?: string; headers?: Record<string, string>; body?: string | Buffer | Buffer[]; hold?: boolean }): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, method: options.method ?? 'POST', path: options.path ?? '/mcp', headers: { Host: `127.0.0.1:${port}`, ...options.headers } }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (body += chunk));
      res.on('end', () => {
        resolve({ status: res.statusCode ?? 0, headers: res.headers, body });
        if (options.hold) req.destroy();
      });
      res.on('error', reject);
    });
    // A server that answers before the whole body is sent closes the connection under the rest.
    req.on('error', (error: NodeJS.ErrnoException) => (error.code === 'EPIPE' || error.code === 'ECONNRESET' ? undefined : reject(error)));
    const chunks = Array.isArray(options.body) ? options.body : options.body === undefined ? [] : [options.body];
    for (const chunk of chunks) req.write(chunk);
    if (!options.hold) req.end();
  });
}

/** The JSON-RPC initialize request a client opens an MCP session with. */
export const INITIALIZE = JSON.stringify({
  jsonrpc: '2.0',
  id: 1,
  method: 'initialize',
  params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'raw', version: '0' } },
});

export const MCP_HEADERS = { 'Content-Type': 'application/json', Accept: 'application/json, text/event-stream' };
