import { spawn } from 'node:child_process';
import { appendFileSync, closeSync, existsSync, openSync, rmSync, writeFileSync } from 'node:fs';
import { chmod, mkdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { connect } from 'node:net';
import { join } from 'node:path';
import * as z from 'zod';
import { BerthError } from '../../errors.js';
import type { Origin } from '../../operations.js';
import { AuditLog } from '../audit.js';
import { pidStartTime, processAlive } from '../pids.js';
import { parseAllowList } from './allowlist.js';
import { startDoor, type DoorRequest } from './door.js';
import { DOOR_ARGUMENT } from './doorArgument.js';

/**
 * An egress session's door on the host: a process of its own (so that it outlives a CLI that
 * started the session) serving `<folder>/sock/door.sock`, which is all the session sees of it.
 * The folder, `<egressDir>/<session id>/`, is the door's whole record: config.json (what it
 * allows), door.pid, requests.jsonl (every request, allowed or refused) and door.log.
 */
const configSchema = z.object({
  session: z.string(),
  allow: z.array(z.string()),
  /** name → 127.0.0.1:port, the test hook (BERTH_EGRESS_UPSTREAM). */
  upstreams: z.record(z.string(), z.string()),
  auditLog: z.string(),
  origin: z.enum(['command', 'cli', 'mcp', 'test']),
});
export type EgressConfig = z.infer<typeof configSchema>;

export const SOCKET_FOLDER = 'sock';
export const SOCKET_NAME = 'door.sock';
const socketPath = (folder: string) => join(folder, SOCKET_FOLDER, SOCKET_NAME);

/** How the face runs Berth's CLI again, for the door: its executable and arguments before the CLI's own. */
export interface DoorLauncher {
  command: string[];
  env?: NodeJS.ProcessEnv;
}

export { DOOR_ARGUMENT } from './doorArgument.js';

const MAX_RECORDED = 100_000;
export const REFUSED_FILE = 'refused.json';
export const DOOR_PID_FILE = 'door.pid';

/** The hosts the door refused, with counts: what a session's item warns of. */
export async function refusedHosts(folder: string): Promise<{ host: string; port: number; count: number }[]> {
  const text = await readFile(join(folder, REFUSED_FILE), 'utf8').catch(() => '[]');
  const parsed = z.array(z.object({ host: z.string(), port: z.number(), count: z.number() })).safeParse(JSON.parse(text));
  return parsed.success ? parsed.data : [];
}

/**
 * BERTH_EGRESS_UPSTREAM=NAME=127.0.0.1:PORT[,...]: a test hook that sends an allowed name to a
 * local server instead of the internet. Only loopback targets are taken, so it can never send a
 * session's traffic anywhere else.
 */
export function parseUpstreams(text: string | undefined): Record<string, string> {
  const upstreams: Record<string, string> = {};
  for (const item of (text ?? '').split(',').map((part) => part.trim()).filter(Boolean)) {
    const match = /^([a-z0-9.-]+)=(127\.0\.0\.1):(\d{1,5})$/i.exec(item);
    if (!match || Number(match[3]) < 1 || Number(match[3]) > 65535) {
      throw new BerthError(`BERTH_EGRESS_UPSTREAM: "${item}" is not NAME=127.0.0.1:PORT.`, 'It maps a name to a local test server, and takes loopback addresses only.', 'SETTING_INVALID');
    }
    upstreams[match[1]!.toLowerCase()] = `${match[2]}:${match[3]}`;
  }
  return upstreams;
}

export async function prepareEgress(folder: string, config: EgressConfig): Promise<void> {
  await mkdir(join(folder, SOCKET_FOLDER), { recursive: true, mode: 0o700 });
  await chmod(folder, 0o700);
  await writeFile(join(folder, 'config.json'), `${JSON.stringify(config, null, 2)}\n`, { mode: 0o600 });
}

/** Starts the door, detached, and waits until it answers on its socket. */
export async function launchDoor(folder: string, launcher: DoorLauncher): Promise<void> {
  const log = openSync(join(folder, 'door.log'), 'a', 0o600);
  try {
    const [file, ...args] = launcher.command;
    const child = spawn(file!, [...args, DOOR_ARGUMENT, folder], { detached: true, stdio: ['ignore', log, log], env: launcher.env ?? process.env });
    child.unref();
    await new Promise<void>((resolve, reject) => {
      child.once('spawn', resolve);
      child.once('error', reject);
    });
  } finally {
    closeSync(log);
  }
  const deadline = Date.now() + 10_000;
  while (!(await answers(socketPath(folder)))) {
    if (Date.now() > deadline) {
      const said = (await readFile(join(folder, 'door.log'), 'utf8').catch(() => '')).trim().split('\n').at(-1) ?? '';
      throw new BerthError(`The session's egress door did not start${said ? `: ${said}` : ''}.`, `Its log is ${join(folder, 'door.log')}.`, 'START_FAILED');
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

function answers(path: string): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(path);
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

async function doorPid(folder: string): Promise<{ pid: number; pidStart?: string } | undefined> {
  const text = await readFile(join(folder, DOOR_PID_FILE), 'utf8').catch(() => undefined);
  if (!text) return undefined;
  const parsed = z.object({ pid: z.number(), pidStart: z.string().optional() }).safeParse(JSON.parse(text));
  return parsed.success ? parsed.data : undefined;
}

export async function doorAlive(folder: string): Promise<boolean> {
  const record = await doorPid(folder);
  return record !== undefined && processAlive(record.pid, record.pidStart);
}

export async function stopDoor(folder: string): Promise<void> {
  const record = await doorPid(folder);
  if (record && processAlive(record.pid, record.pidStart)) process.kill(record.pid, 'SIGTERM');
}

/** The door and its folder go with their session: nothing is left, socket, folder or process. */
export async function discardEgress(folder: string): Promise<void> {
  await stopDoor(folder).catch(() => undefined);
  await rm(folder, { recursive: true, force: true });
}

export async function egressConfig(folder: string): Promise<EgressConfig | undefined> {
  const text = await readFile(join(folder, 'config.json'), 'utf8').catch(() => undefined);
  const parsed = text === undefined ? undefined : configSchema.safeParse(JSON.parse(text));
  return parsed?.success ? parsed.data : undefined;
}

export interface EgressTally {
  host: string;
  port: number;
  allowed: boolean;
  count: number;
  last: string;
  reason: string | null;
}

/** Every request the door saw, counted per host, port and verdict. */
export async function egressTally(folder: string): Promise<EgressTally[]> {
  const text = await readFile(join(folder, 'requests.jsonl'), 'utf8').catch(() => '');
  const tally = new Map<string, EgressTally>();
  for (const line of text.split('\n')) {
    if (!line) continue;
    const request = JSON.parse(line) as DoorRequest;
    const key = `${request.allowed}|${request.host}|${request.port}`;
    const entry = tally.get(key) ?? { host: request.host, port: request.port, allowed: request.allowed, count: 0, last: request.time, reason: null };
    entry.count += 1;
    entry.last = request.time;
    entry.reason = request.reason ?? entry.reason;
    tally.set(key, entry);
  }
  return [...tally.values()].sort((a, b) => Number(a.allowed) - Number(b.allowed) || b.count - a.count);
}

/** The door process: serves the socket until its folder is removed or it is told to stop. */
export async function runDoor(folder: string): Promise<void> {
  const config = await egressConfig(folder);
  if (!config) throw new Error(`no egress configuration in ${folder}`);
  const allow = parseAllowList(config.allow);
  const upstreams = new Map(
    Object.entries(parseUpstreams(Object.entries(config.upstreams).map(([name, target]) => `${name}=${target}`).join(','))).map(([name, target]) => {
      const [host, port] = target.split(':');
      return [name, { host: host!, port: Number(port) }] as const;
    }),
  );
  const audit = new AuditLog(config.auditLog);
  const path = socketPath(folder);
  await rm(path, { force: true });
  let recorded = 0;
  // What was refused, per host and port, kept small for the faces that list sessions often.
  const refused = new Map<string, { host: string; port: number; count: number }>();
  let summaryDue: NodeJS.Timeout | undefined;
  const writeSummary = () => {
    summaryDue = undefined;
    writeFileSync(join(folder, REFUSED_FILE), JSON.stringify([...refused.values()]), { mode: 0o600 });
  };
  const server = await startDoor({
    socketPath: path,
    allow,
    upstreams,
    onRequest: (request) => {
      if (!request.allowed) {
        const key = `${request.host}:${request.port}`;
        const entry = refused.get(key) ?? { host: request.host, port: request.port, count: 0 };
        entry.count += 1;
        refused.set(key, entry);
        summaryDue ??= setTimeout(writeSummary, 250);
      }
      // A session that hammers the door must not fill the disk: the record keeps the first 100,000.
      if (++recorded > MAX_RECORDED) return;
      // Appended synchronously, one line each, so that lines of concurrent requests never interleave.
      appendFileSync(join(folder, 'requests.jsonl'), `${JSON.stringify(request)}\n`, { mode: 0o600 });
      if (!request.allowed) void audit.append({ origin: config.origin as Origin, action: 'egress-refused', session: config.session, detail: { host: request.host, port: request.port, reason: request.reason } }).catch(() => undefined);
    },
  });
  await chmod(path, 0o600);
  await writeFile(join(folder, DOOR_PID_FILE), JSON.stringify({ pid: process.pid, pidStart: pidStartTime(process.pid) }), { mode: 0o600 });
  const stop = () => {
    clearInterval(watch);
    server.close();
    // Faces watch this file: a door that stops says so at once (one that is killed, at their next list).
    rmSync(join(folder, DOOR_PID_FILE), { force: true });
    process.exit(0);
  };
  // The folder is the door's reason to live: once its session is removed, so is it.
  const watch = setInterval(() => {
    if (!existsSync(join(folder, 'config.json'))) stop();
  }, 1000);
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
  await stat(path);
}
