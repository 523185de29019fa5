import { lookup } from 'node:dns/promises';
import { createServer, request as httpRequest, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { connect, type Socket } from 'node:net';
import ipaddr from 'ipaddr.js';
import { isAllowed, type AllowEntry } from './allowlist.js';

/**
 * The one way out of an egress session: an HTTP proxy on a unix socket that only the session can
 * reach. HTTPS goes through CONNECT, plain HTTP is forwarded; a host that is not on the allowlist
 * gets 403 with a one-line reason. Names are resolved here, and an allowed name that resolves to
 * a loopback, private or link-local address is refused too (DNS rebinding), except where a test
 * mapped the name to a loopback port on purpose (upstreams).
 */
export interface DoorRequest {
  time: string;
  method: string;
  host: string;
  port: number;
  allowed: boolean;
  /** Why it was refused, or why it failed after it was allowed. */
  reason?: string;
}

export interface DoorOptions {
  socketPath: string;
  allow: readonly AllowEntry[];
  /** name → 127.0.0.1:port; loopback only (checked where it is read). */
  upstreams: ReadonlyMap<string, { host: string; port: number }>;
  onRequest(request: DoorRequest): void;
}

/**
 * Only public unicast addresses are reached: ipaddr.js names every other range (loopback, private,
 * link-local, carrier-grade NAT, unique-local, multicast, reserved...), IPv4 inside IPv6 included.
 */
function isPrivate(address: string): boolean {
  return ipaddr.process(address).range() !== 'unicast';
}

export class Refused extends Error {}

/** Where a connection to `host:port` goes, or why it may not. */
async function resolveTarget(options: DoorOptions, host: string, port: number): Promise<{ host: string; port: number }> {
  if (!isAllowed(options.allow, host, port)) throw new Refused(`${host}:${port} is not on this session's egress allowlist`);
  const mapped = options.upstreams.get(host.toLowerCase());
  if (mapped) return mapped;
  const addresses = await lookup(host, { all: true }).catch(() => {
    throw new Error(`${host} could not be resolved`);
  });
  return { host: publicAddress(host, addresses.map((a) => a.address)), port };
}

/**
 * The first public address a name resolved to; a name with none is refused, so that an allowed
 * name whose DNS answers 127.0.0.1 or 169.254.169.254 cannot lead an agent onto the host.
 */
export function publicAddress(host: string, addresses: readonly string[]): string {
  const usable = addresses.find((address) => !isPrivate(address));
  if (usable === undefined) throw new Refused(`${host} resolves only to local or private addresses (${addresses.join(', ')})`);
  return usable;
}

function splitHostPort(authority: string, defaultPort: number): { host: string; port: number } | undefined {
  const match = /^(\[[^\]]+\]|[^:]+)(?::(\d+))?$/.exec(authority);
  if (!match) return undefined;
  const port = match[2] === undefined ? defaultPort : Number(match[2]);
  return port > 0 && port < 65536 ? { host: match[1]!.replace(/^\[|\]$/g, ''), port } : undefined;
}

function answer(socket: Socket, status: string, text: string): void {
  const body = `berth: ${text}\n`;
  socket.end(`HTTP/1.1 ${status}\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`);
}

function refusalText(error: unknown): { status: string; reason: string } {
  if (error instanceof Refused) return { status: '403 Forbidden', reason: error.message };
  return { status: '502 Bad Gateway', reason: error instanceof Error ? error.message : String(error) };
}

/** Hop-by-hop headers, and the proxy's own, stay here. */
const HOP = new Set(['connection', 'keep-alive', 'proxy-authorization', 'proxy-connection', 'te', 'trailer', 'transfer-encoding', 'upgrade']);

export function startDoor(options: DoorOptions): Promise<Server> {
  const record = (method: string, host: string, port: number, allowed: boolean, reason?: string) =>
    options.onRequest({ time: new Date().toISOString(), method, host, port, allowed, ...(reason ? { reason } : {}) });

  const server = createServer((req: IncomingMessage, res: ServerResponse) => void forward(req, res));
  server.on('connect', (req: IncomingMessage, client: Socket, head: Buffer) => void tunnel(req, client, head));
  server.on('clientError', (_error, socket) => socket.destroy());

  async function tunnel(req: IncomingMessage, client: Socket, head: Buffer): Promise<void> {
    client.on('error', () => client.destroy());
    const target = splitHostPort(req.url ?? '', 443);
    if (!target) return answer(client, '400 Bad Request', `"${req.url}" is not host:port`);
    let upstream: { host: string; port: number };
    try {
      upstream = await resolveTarget(options, target.host, target.port);
    } catch (error) {
      const { status, reason } = refusalText(error);
      record('CONNECT', target.host, target.port, false, reason);
      return answer(client, status, reason);
    }
    const remote = connect(upstream.port, upstream.host);
    let established = false;
    remote.setTimeout(10_000, () => remote.destroy(new Error(`${target.host}:${target.port} did not answer`)));
    remote.once('connect', () => {
      established = true;
      remote.setTimeout(0);
      record('CONNECT', target.host, target.port, true);
      client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
      if (head.length) remote.write(head);
      remote.pipe(client);
      client.pipe(remote);
    });
    remote.once('error', (error) => {
      if (established) return client.destroy();
      record('CONNECT', target.host, target.port, true, error.message);
      answer(client, '502 Bad Gateway', error.message);
    });
    client.once('close', () => remote.destroy());
  }

  async function forward(req: IncomingMessage, res: ServerResponse): Promise<void> {
    let url: URL;
    try {
      url = new URL(req.url ?? '');
    } catch {
      res.writeHead(400, { 'Content-Type': 'text/plain' }).end('berth: this is a proxy: give an absolute http:// URL, or CONNECT for https\n');
      return;
    }
    if (url.protocol !== 'http:') {
      res.writeHead(400, { 'Content-Type': 'text/plain' }).end('berth: only http:// is forwarded; use CONNECT for https\n');
      return;
    }
    const host = url.hostname.replace(/^\[|\]$/g, '');
    const port = url.port ? Number(url.port) : 80;
    let upstream: { host: string; port: number };
    try {
      upstream = await resolveTarget(options, host, port);
    } catch (error) {
      const { status, reason } = refusalText(error);
      record(req.method ?? 'GET', host, port, false, reason);
      const [code] = status.split(' ');
      res.writeHead(Number(code), { 'Content-Type': 'text/plain; charset=utf-8', Connection: 'close' }).end(`berth: ${reason}\n`);
      return;
    }
    const headers = Object.fromEntries(Object.entries(req.headers).filter(([name]) => !HOP.has(name)));
    const outgoing = httpRequest({ host: upstream.host, port: upstream.port, method: req.method, path: `${url.pathname}${url.search}`, headers, setHost: false }, (answer) => {
      record(req.method ?? 'GET', host, port, true);
      res.writeHead(answer.statusCode ?? 502, Object.fromEntries(Object.entries(answer.headers).filter(([name]) => !HOP.has(name))));
      answer.pipe(res);
    });
    outgoing.setTimeout(30_000, () => outgoing.destroy(new Error(`${host}:${port} did not answer`)));
    outgoing.on('error', (error) => {
      record(req.method ?? 'GET', host, port, true, error.message);
      if (!res.headersSent) res.writeHead(502, { 'Content-Type': 'text/plain' }).end(`berth: ${error.message}\n`);
      else res.destroy();
    });
    req.pipe(outgoing);
  }

  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.socketPath, () => {
      server.off('error', reject);
      resolve(server);
    });
  });
}
