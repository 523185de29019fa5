// The MCP server's cost over a bare SDK server. Both serve vault_health on the 3-note demo vault,
// and both run it through OperationRegistry.invoke, so that the work of the tool is the same and
// the difference is Berth's own: the Host/Origin checks, the token (read from its file and
// compared on every request), scopes, consent, limits, redaction, the text rendering and the
// audit line of every call. The bare server is the SDK's simpleStreamableHttp shape (McpServer and
// StreamableHTTPServerTransport per MCP session, no auth). vault_health is the cheap read-only tool
// that needs no Docker engine: session_list and doctor ask the engine, whose answer time would
// swamp the layers measured here. Each server runs in a child process of its own, the clients in
// this one. Reports the round trip of one client (p50, p99), the throughput of 32 concurrent
// clients, and 100 idle MCP sessions held at once with the memory each costs.
// Run with `npx tsx bench/mcp.ts`.
import { spawn, type ChildProcessByStdio } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { createInterface } from 'node:readline';
import type { Readable, Writable } from 'node:stream';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { createOperationCatalog } from '../src/core/catalog.js';
import { DEFAULT_MCP_LIMITS } from '../src/core/mcp/hub.js';
import { startHttpServer } from '../src/core/mcp/http.js';
import { FileTokenStore } from '../src/core/mcp/tokens.js';
import { silentContext, type OperationRegistry } from '../src/core/operations.js';
import { SessionService } from '../src/core/sessions/service.js';
import { REPO } from '../test/support/sessions.js';
import { median, printTable } from './table.js';

const DEMO_VAULT = join(REPO, 'test', 'fixtures', 'demo-vault');
const SCORE = 51;
const WARMUP_CALLS = 300;
const LATENCY_ROUNDS = 10;
const CALLS_PER_ROUND = 200;
const CONCURRENT_CLIENTS = 32;
const THROUGHPUT_ROUNDS = 5;
const WINDOW_MS = 3000;
const IDLE_SESSIONS = 100;

type Kind = 'berth' | 'bare';
const LABELS: Record<Kind, string> = { berth: 'Berth (token, checks, audit)', bare: 'bare SDK server (no auth)' };

// ---------------------------------------------------------------- the servers (child processes)

/** The bare SDK server: one McpServer and transport per MCP session, the tool through invoke, nothing else. */
async function bareServer(operations: OperationRegistry): Promise<{ url: string; close(): Promise<void> }> {
  const operation = operations.get('vault.health')!;
  const transports = new Map<string, StreamableHTTPServerTransport>();
  const server = createServer((req, res) => {
    const id = req.headers['mcp-session-id'];
    const known = typeof id === 'string' ? transports.get(id) : undefined;
    void (async () => {
      let transport = known;
      if (!transport) {
        const created = new StreamableHTTPServerTransport({ sessionIdGenerator: () => randomUUID(), onsessioninitialized: (sessionId) => void transports.set(sessionId, created) });
        created.onclose = () => void (created.sessionId && transports.delete(created.sessionId));
        const mcp = new McpServer({ name: 'bare', version: '1.0.0' });
        const handler = async (args: unknown, extra: { signal: AbortSignal }): Promise<CallToolResult> => {
          const output = (await operations.invoke('vault.health', args, { origin: 'mcp', cwd: DEMO_VAULT, signal: extra.signal, progress: () => undefined })) as Record<string, unknown>;
          return { content: [{ type: 'text', text: JSON.stringify(output) }], structuredContent: output };
        };
        mcp.registerTool('vault_health', { description: operation.description, inputSchema: operation.input, outputSchema: operation.output }, handler);
        await mcp.connect(created);
        transport = created;
      }
      await transport.handleRequest(req, res);
    })().catch(() => res.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/mcp`,
    close: async () => {
      await Promise.all([...transports.values()].map((transport) => transport.close()));
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** The child: serves, prints {url, token}, answers "mem" with its memory after a full GC, and stops when stdin ends. */
async function serve(kind: Kind): Promise<void> {
  const state = await mkdtemp(join(tmpdir(), 'berth-bench-mcp-'));
  const sessions = new SessionService({ settings: () => ({ auditLog: join(state, 'audit.jsonl'), processStateDir: join(state, 'process-sessions') }) });
  const operations = createOperationCatalog({ sessions });
  let served: { url: string; close(): Promise<void> };
  let token = '';
  if (kind === 'berth') {
    const tokens = new FileTokenStore(join(state, 'mcp-tokens.json'));
    served = await startHttpServer({ operations, sessions, cwd: () => DEMO_VAULT, tokens, port: 0 });
    token = (await tokens.list())[0]!.secret;
  } else {
    served = await bareServer(operations);
  }
  process.stdout.write(`${JSON.stringify({ url: served.url, token })}\n`);
  for await (const line of createInterface({ input: process.stdin })) {
    if (line !== 'mem') continue;
    global.gc!();
    global.gc!();
    const { rss, heapUsed } = process.memoryUsage();
    process.stdout.write(`${JSON.stringify({ rss, heapUsed })}\n`);
  }
  await served.close();
  await rm(state, { recursive: true, force: true });
}

// ---------------------------------------------------------------- the clients (this process)

interface Served {
  kind: Kind;
  url: string;
  token: string;
  memory(): Promise<{ rss: number; heapUsed: number }>;
  stop(): Promise<void>;
}

async function startServer(kind: Kind): Promise<Served> {
  const child: ChildProcessByStdio<Writable, Readable, null> = spawn(process.execPath, ['--expose-gc', '--import', 'tsx', __filename, '--serve', kind], {
    cwd: REPO,
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  const lines = createInterface({ input: child.stdout })[Symbol.asyncIterator]();
  const next = async () => {
    const { value, done } = await lines.next();
    if (done) throw new Error(`the ${kind} server ended (exit ${child.exitCode})`);
    return JSON.parse(value as string) as unknown;
  };
  const { url, token } = (await next()) as { url: string; token: string };
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  return {
    kind,
    url,
    token,
    memory: async () => {
      child.stdin.write('mem\n');
      return (await next()) as { rss: number; heapUsed: number };
    },
    stop: async () => {
      child.stdin.end();
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(timer);
    },
  };
}

async function connect(server: Served, name: string): Promise<Client> {
  const client = new Client({ name, version: '1.0.0' });
  const headers = server.token ? { Authorization: `Bearer ${server.token}` } : undefined;
  await client.connect(new StreamableHTTPClientTransport(new URL(server.url), headers ? { requestInit: { headers } } : undefined));
  // Both clients then check the structured output against the tool's schema, as a careful client does.
  await client.listTools();
  return client;
}

/** One call, timed; a wrong answer fails the bench rather than timing an error. */
async function call(client: Client): Promise<number> {
  const started = performance.now();
  const result = (await client.callTool({ name: 'vault_health', arguments: {} })) as CallToolResult;
  const ms = performance.now() - started;
  if (result.isError || (result.structuredContent as { score?: number } | undefined)?.score !== SCORE) throw new Error(`vault_health answered ${JSON.stringify(result).slice(0, 300)}`);
  return ms;
}

const percentile = (values: number[], p: number) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
};
const load = () => `load average ${loadavg()[0]!.toFixed(2)}`;

/** Sequential calls of one client each, in blocks that alternate between the servers. */
async function roundTrips(servers: Served[]): Promise<Map<Kind, number[]>> {
  const clients = await Promise.all(servers.map((server) => connect(server, 'bench-latency')));
  for (const client of clients) for (let i = 0; i < WARMUP_CALLS; i++) await call(client);
  const times = new Map<Kind, number[]>(servers.map((server) => [server.kind, []]));
  for (let round = 0; round < LATENCY_ROUNDS; round++) {
    for (let k = 0; k < servers.length; k++) {
      const index = (round + k) % servers.length;
      for (let i = 0; i < CALLS_PER_ROUND; i++) times.get(servers[index]!.kind)!.push(await call(clients[index]!));
    }
  }
  await Promise.all(clients.map((client) => client.close()));
  return times;
}

/** Calls per second of 32 clients, each calling again as soon as its answer is in, over windows that alternate between the servers. */
async function throughput(servers: Served[]): Promise<Map<Kind, { rates: number[]; errors: number }>> {
  const pools = await Promise.all(servers.map((server) => Promise.all(Array.from({ length: CONCURRENT_CLIENTS }, (_, i) => connect(server, `bench-${i}`)))));
  const results = new Map(servers.map((server) => [server.kind, { rates: [] as number[], errors: 0 }]));
  for (let round = 0; round < THROUGHPUT_ROUNDS; round++) {
    for (let k = 0; k < servers.length; k++) {
      const index = (round + k) % servers.length;
      const result = results.get(servers[index]!.kind)!;
      let calls = 0;
      const started = performance.now();
      const deadline = started + WINDOW_MS;
      await Promise.all(
        pools[index]!.map(async (client) => {
          while (performance.now() < deadline) {
            try {
              await call(client);
              calls++;
            } catch {
              result.errors++;
            }
          }
        }),
      );
      result.rates.push(calls / ((performance.now() - started) / 1000));
    }
  }
  await Promise.all(pools.flat().map((client) => client.close()));
  return results;
}

interface Held {
  label: string;
  held: number;
  refused: string[];
  rssPerSession: number;
  heapPerSession: number;
}

/** Opens 100 MCP sessions on a fresh server and keeps them: how many it takes, and the memory each costs it idle. */
async function idleSessions(kind: Kind, label: string): Promise<Held> {
  const server = await startServer(kind);
  try {
    // Modules that load on first use are no session's cost.
    const warm = await connect(server, 'bench-warm');
    await call(warm);
    // Ended with a DELETE, as a client closing alone leaves its MCP session to the idle timeout.
    await (warm.transport as StreamableHTTPClientTransport).terminateSession();
    await warm.close();
    const before = await server.memory();
    const clients: Client[] = [];
    const refused: string[] = [];
    for (let i = 0; i < IDLE_SESSIONS; i++) {
      try {
        clients.push(await connect(server, `bench-idle-${i}`));
      } catch (error) {
        refused.push(error instanceof Error ? error.message : String(error));
      }
    }
    const after = await server.memory();
    const held = clients.length;
    await Promise.all(clients.map((client) => client.close()));
    return { label, held, refused, rssPerSession: (after.rss - before.rss) / held, heapPerSession: (after.heapUsed - before.heapUsed) / held };
  } finally {
    await server.stop();
  }
}

async function main(): Promise<void> {
  const ctx = silentContext('test', DEMO_VAULT);
  const operations = createOperationCatalog({});
  for (let i = 0; i < WARMUP_CALLS; i++) await operations.invoke('vault.health', {}, ctx);
  const alone: number[] = [];
  for (let i = 0; i < LATENCY_ROUNDS * CALLS_PER_ROUND; i++) {
    const started = performance.now();
    await operations.invoke('vault.health', {}, ctx);
    alone.push(performance.now() - started);
  }

  const servers = await Promise.all((['bare', 'berth'] as const).map((kind) => startServer(kind)));
  let times: Map<Kind, number[]>;
  let rates: Map<Kind, { rates: number[]; errors: number }>;
  try {
    times = await roundTrips(servers);
    rates = await throughput(servers);
  } finally {
    await Promise.all(servers.map((server) => server.stop()));
  }
  const bare = times.get('bare')!;
  const berth = times.get('berth')!;
  const ratio = (p: number) => percentile(berth, p) / percentile(bare, p);
  printTable(
    `MCP round trip: vault_health on the 3-note demo vault, one client calling in turn (${LATENCY_ROUNDS} alternating blocks of ${CALLS_PER_ROUND}; ${load()})`,
    ['server', 'calls', 'p50 ms', 'p99 ms', 'mean ms', 'p50 vs bare', 'p99 vs bare'],
    [
      ['  the operation alone, in process (invoke)', alone.length, percentile(alone, 50).toFixed(3), percentile(alone, 99).toFixed(3), (alone.reduce((a, b) => a + b, 0) / alone.length).toFixed(3), '', ''],
      ...(['bare', 'berth'] as const).map((kind) => {
        const own = times.get(kind)!;
        return [LABELS[kind], own.length, percentile(own, 50).toFixed(3), percentile(own, 99).toFixed(3), (own.reduce((a, b) => a + b, 0) / own.length).toFixed(3), kind === 'bare' ? '' : ratio(50).toFixed(2), kind === 'bare' ? '' : ratio(99).toFixed(2)];
      }),
    ],
  );
  const rate = (kind: Kind) => median(rates.get(kind)!.rates);
  printTable(
    `MCP throughput: ${CONCURRENT_CLIENTS} clients calling vault_health at once (${THROUGHPUT_ROUNDS} alternating windows of ${WINDOW_MS / 1000} s; ${load()})`,
    ['server', 'windows', 'median calls/s', 'min', 'max', 'errors', 'vs bare'],
    (['bare', 'berth'] as const).map((kind) => {
      const own = rates.get(kind)!;
      return [LABELS[kind], own.rates.length, rate(kind).toFixed(0), Math.min(...own.rates).toFixed(0), Math.max(...own.rates).toFixed(0), own.errors, kind === 'bare' ? '' : (rate(kind) / rate('bare')).toFixed(2)];
    }),
  );

  const held = [
    await idleSessions('bare', LABELS.bare),
    await idleSessions('berth', `Berth, default limit (${DEFAULT_MCP_LIMITS.clients} sessions)`),
  ];
  printTable(
    `Idle MCP sessions: ${IDLE_SESSIONS} clients initialize and stay (each with its event stream open); memory after a full GC, per session held`,
    ['server', 'held', 'refused', 'RSS KB/session', 'heap KB/session'],
    held.map((row) => [row.label, row.held, row.refused.length ? `${row.refused.length}: ${/"message":"([^"]+)"/.exec(row.refused[0]!)?.[1] ?? row.refused[0]!.slice(0, 60)}` : 0, (row.rssPerSession / 1024).toFixed(0), (row.heapPerSession / 1024).toFixed(0)]),
  );

  const throughputRatio = rate('berth') / rate('bare');
  const [, byDefault] = held as [Held, Held];
  printTable('Goals', ['goal', 'measured', 'met'], [
    ['round trip p50 at most 1.2x the bare SDK server', `${ratio(50).toFixed(2)}x`, ratio(50) <= 1.2 ? 'yes' : 'NO'],
    ['round trip p99 at most 1.2x the bare SDK server', `${ratio(99).toFixed(2)}x`, ratio(99) <= 1.2 ? 'yes' : 'NO'],
    ['throughput (32 clients) at least 1/1.2 of the bare SDK server', `${throughputRatio.toFixed(2)}x`, throughputRatio >= 1 / 1.2 ? 'yes' : 'NO'],
    [`${IDLE_SESSIONS} MCP sessions held at once without an error (default limits)`, `${byDefault.held} held, ${byDefault.refused.length} refused; ${(byDefault.rssPerSession / 1024).toFixed(0)} KB RSS each`, byDefault.refused.length === 0 ? 'yes' : 'NO'],
  ]);
}

const serving = process.argv.indexOf('--serve');
if (serving >= 0) {
  serve(process.argv[serving + 1] as Kind).catch((error: unknown) => {
    console.error(error);
    process.exit(1);
  });
} else {
  main().catch((error: unknown) => {
    console.error(error);
    process.exitCode = 1;
  });
}
