import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import { isInitializeRequest } from '@modelcontextprotocol/sdk/types.js';
import { BerthError, describeError } from '../errors.js';
import { McpClient, McpHub, type McpServerOptions, type McpStatus } from './hub.js';
import type { Scope } from './scopes.js';
import { readBody } from './requestBody.js';
import { bearerToken, isLoopbackHost, isLoopbackOrigin } from './requestChecks.js';
import { authenticate, type TokenStore } from './tokens.js';

export interface HttpServerOptions extends McpServerOptions {
  tokens: TokenStore;
  /** 0 picks a free port. */
  port: number;
  /** 127.0.0.1, the only address the server listens on; anything else is refused. */
  host?: string;
  /** An MCP session with no request open for this long is closed; 30 minutes when absent. */
  idleTimeoutMs?: number;
}

export interface BerthMcpHttpServer {
  /** http://127.0.0.1:PORT/mcp */
  readonly url: string;
  readonly port: number;
  status(): McpStatus;
  /** Calls `listener` when a client attaches or leaves, or a call starts or ends. */
  onDidChange(listener: () => void): { dispose(): void };
  /** Ends every MCP session (their calls and follows) and stops listening. */
  close(): Promise<void>;
}

const HOST = '127.0.0.1';
const PATH = '/mcp';
const DEFAULT_IDLE_MS = 30 * 60_000;

interface HttpSession {
  transport: StreamableHTTPServerTransport;
  mcp: McpServer;
  client: McpClient;
  /** The token that opened it: a request on it with another token is not let in. */
  tokenName: string;
  /** Responses still open (a running call, the client's event stream): while any is, the session is not idle. */
  open: number;
  idle?: NodeJS.Timeout;
}

/**
 * The MCP server over Streamable HTTP at http://127.0.0.1:PORT/mcp: one McpServer and one
 * transport per MCP session, as the SDK's simpleStreamableHttp example keeps them. Host, Origin,
 * path, method, token and body size are checked here before the SDK sees a byte of the body.
 */
export async function startHttpServer(options: HttpServerOptions): Promise<BerthMcpHttpServer> {
  if (options.host !== undefined && options.host !== HOST) {
    throw new BerthError(
      `The MCP server listens on ${HOST} only, not on ${options.host}: anyone who reached it could run agents on your folders.`,
      `Leave the host out, or give ${HOST}; another machine's agent can reach Berth through an SSH tunnel.`,
      'SETTING_INVALID',
    );
  }
  const idleMs = options.idleTimeoutMs ?? DEFAULT_IDLE_MS;
  const sessions = new Map<string, HttpSession>();
  let port = 0;
  const hub = new McpHub(options, () => `http://${HOST}:${port}${PATH}`);

  const server = createServer((req, res) => {
    res.on('error', () => undefined);
    handle(req, res).catch((error: unknown) => {
      if (!res.headersSent) reply(res, 500, -32603, `Internal error: ${describeError(error).message}`);
      else res.destroy();
    });
  });
  // A body that takes longer than this to arrive is not worth waiting for; responses (event streams) are not bounded by it.
  server.requestTimeout = 60_000;
  server.headersTimeout = 20_000;

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    if (!isLoopbackHost(req.headers.host, port)) return reply(res, 403, -32000, `Forbidden: the Host header must be 127.0.0.1:${port}, localhost:${port} or [::1]:${port}.`);
    const origin = req.headers.origin;
    if (origin !== undefined && !isLoopbackOrigin(origin, port)) return reply(res, 403, -32000, 'Forbidden: requests from web pages are not served.');
    if ((req.url ?? '').split('?')[0] !== PATH) return reply(res, 404, -32000, `Not found: the MCP endpoint is ${PATH}.`);
    if (req.method !== 'GET' && req.method !== 'POST' && req.method !== 'DELETE') {
      return reply(res, 405, -32000, `Method not allowed: ${PATH} takes GET, POST and DELETE.`, { Allow: 'GET, POST, DELETE' });
    }
    const presented = bearerToken(req.headers.authorization);
    const token = presented === undefined ? undefined : authenticate(await options.tokens.list(), presented);
    if (!token) {
      const challenge = presented === undefined ? 'Bearer realm="berth"' : 'Bearer realm="berth", error="invalid_token"';
      return reply(res, 401, -32000, 'Unauthorized: send Authorization: Bearer <token>, a token Berth gave you.', { 'WWW-Authenticate': challenge });
    }

    const sessionId = req.headers['mcp-session-id'];
    let session = typeof sessionId === 'string' ? sessions.get(sessionId) : undefined;
    // Another token's session is answered as no session at all: a session id alone is no credential.
    if (sessionId !== undefined && session?.tokenName !== token.name) return reply(res, 404, -32001, 'Session not found');
    if (session) session.client.scopes = new Set(token.scopes);

    let body: unknown;
    if (req.method === 'POST') {
      const raw = await readBody(req, hub.limits.bodyBytes);
      if (raw === 'too-large') return reply(res, 413, -32000, `Payload too large: a request body may be ${hub.limits.bodyBytes} bytes at most.`, { Connection: 'close' });
      try {
        body = JSON.parse(raw.toString('utf8'));
      } catch {
        return reply(res, 400, -32700, 'Parse error: Invalid JSON');
      }
      if (!session) {
        if (!isInitializeRequest(body)) return reply(res, 400, -32000, 'Bad Request: No valid session ID provided');
        if (sessions.size >= hub.limits.clients) return reply(res, 503, -32000, `Too many MCP sessions (${sessions.size}); close one first.`);
        session = await open(token.name, token.scopes);
        track(session, res);
        await session.transport.handleRequest(req, res, body);
        // An initialize the SDK refused leaves no session id: nothing to keep.
        if (!session.transport.sessionId) await session.mcp.close();
        return;
      }
    } else if (!session) {
      return reply(res, 400, -32000, 'Bad Request: Mcp-Session-Id header is required');
    }
    track(session, res);
    await session.transport.handleRequest(req, res, body);
  }

  async function open(tokenName: string, scopes: readonly Scope[]): Promise<HttpSession> {
    const client = new McpClient(new Set(scopes), tokenName);
    const mcp = hub.open(client);
    const session: HttpSession = {
      transport: new StreamableHTTPServerTransport({ sessionIdGenerator: () => randomUUID(), onsessioninitialized: (id) => void sessions.set(id, session) }),
      mcp,
      client,
      tokenName,
      open: 0,
    };
    session.transport.onclose = () => {
      clearTimeout(session.idle);
      const id = session.transport.sessionId;
      if (id && sessions.get(id) === session) sessions.delete(id);
    };
    await mcp.connect(session.transport);
    return session;
  }

  function track(session: HttpSession, res: ServerResponse): void {
    session.open++;
    clearTimeout(session.idle);
    res.once('close', () => {
      if (--session.open > 0) return;
      session.idle = setTimeout(() => void session.mcp.close().catch(() => undefined), idleMs);
      session.idle.unref();
    });
  }

  await listen(server, options.port);
  port = (server.address() as { port: number }).port;
  return {
    url: hub.status().url!,
    port,
    status: () => hub.status(),
    onDidChange: (listener) => hub.onDidChange(listener),
    close: async () => {
      await Promise.all([...sessions.values()].map((session) => session.mcp.close().catch(() => undefined)));
      sessions.clear();
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
    },
  };
}

function listen(server: Server, port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const failed = (error: NodeJS.ErrnoException) => {
      if (error.code === 'EADDRINUSE') reject(new BerthError(`Port ${port} on ${HOST} is taken.`, 'Choose another port, or 0 for a free one.', 'SETTING_INVALID'));
      else reject(new BerthError(`The MCP server could not listen on ${HOST}:${port}: ${error.message}`, undefined, 'INTERNAL'));
    };
    server.once('error', failed);
    server.listen(port, HOST, () => {
      server.off('error', failed);
      // Once listening, an error (an accept that failed: too many open files) costs that connection, not the server.
      server.on('error', () => undefined);
      resolve();
    });
  });
}

/** A JSON-RPC error answer with no id, as the SDK gives its own; never any CORS header. */
function reply(res: ServerResponse, status: number, code: number, message: string, headers: Record<string, string> = {}): void {
  res.writeHead(status, { 'Content-Type': 'application/json', ...headers });
  res.end(JSON.stringify({ jsonrpc: '2.0', error: { code, message }, id: null }));
}
