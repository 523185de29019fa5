import { randomBytes } from 'node:crypto';
import { chmod, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Origin } from '../operations.js';
import type { CallContext, SessionService } from '../sessions/service.js';
import type { Session } from '../sessions/types.js';
import { PROBES, type IsolationRow, type ProbeContext, type ProbeRun } from './probes.js';

export interface IsolationOptions {
  image?: string;
  network?: 'none' | 'bridge' | 'host';
  /** uid:gid to run as instead of the sessions' usual user; `0:0` is the root relaxation. */
  user?: string;
  origin: Origin;
  signal?: AbortSignal;
  progress?(message: string): void;
  warn?(message: string): void;
}

export interface IsolationReport {
  image: string;
  network: string;
  user: string;
  provider: Session['provider'];
  isolated: boolean;
  passed: boolean;
  rows: IsolationRow[];
  seconds: number;
}

/** Each probe gets this long; a session that hangs a probe fails that row rather than the report. */
const PROBE_TIMEOUT_MS = 15_000;

/**
 * Starts a shell session the way `session start` does (same service, same hardening, with the
 * relaxations asked for), runs each probe in it, and removes it, whatever happened. The host side
 * of the comparison is a scratch folder: an empty workspace (the only mount) and a marker file
 * beside it that the session must not see.
 */
export async function checkIsolation(service: SessionService, options: IsolationOptions): Promise<IsolationReport> {
  const started = performance.now();
  const sessions = options.user ? service.withSettings({ user: options.user }) : service;
  const call: CallContext = { origin: options.origin, ...(options.signal ? { signal: options.signal } : {}), ...(options.warn ? { warn: options.warn } : {}) };
  const scratch = await mkdtemp(join(tmpdir(), 'berth-isolation-'));
  const workspace = join(scratch, 'workspace');
  const hostMarker = join(scratch, `host-only-${randomBytes(4).toString('hex')}`);
  let session: Session | undefined;
  try {
    await mkdir(workspace);
    // Any user must be able to enter it: a session's working folder is its workspace.
    await chmod(workspace, 0o755);
    await writeFile(hostMarker, 'A session that can read this file sees the host beyond its workspace.\n');
    options.progress?.('Starting a session to probe…');
    session = await sessions.start(
      { workspace, agent: 'shell', mount: 'ro', detach: true, ...(options.image ? { image: options.image } : {}), ...(options.network ? { network: options.network } : {}) },
      call,
    );
    const context: ProbeContext = { hostPid: process.pid, hostMarker, limits: sessions.settings().limits };
    const rows: IsolationRow[] = [];
    for (const probe of PROBES) {
      options.progress?.(`Probing: ${probe.check}`);
      const run = await runProbe(sessions, session.id, probe.script(context), call);
      rows.push({ id: probe.id, check: probe.check, tried: probe.tried(context), ...probe.judge(run, context) });
    }
    return {
      image: session.image ?? '(none: a local process)',
      network: session.network ?? options.network ?? 'none',
      user: session.user ?? '?',
      provider: session.provider,
      isolated: session.isolated,
      passed: rows.every((row) => row.passed),
      rows,
      seconds: (performance.now() - started) / 1000,
    };
  } finally {
    if (session) await sessions.remove(session.id, { origin: options.origin }).catch(() => undefined);
    await rm(scratch, { recursive: true, force: true });
  }
}

async function runProbe(sessions: SessionService, id: string, script: string, call: CallContext): Promise<ProbeRun> {
  let stdout = '';
  let stderr = '';
  try {
    const { exitCode } = await sessions.exec(
      id,
      ['sh', '-c', script],
      { stdout: (chunk) => (stdout += chunk.toString()), stderr: (chunk) => (stderr += chunk.toString()), timeoutMs: PROBE_TIMEOUT_MS },
      call,
    );
    return { exitCode, stdout, stderr };
  } catch (error) {
    if (call.signal?.aborted) throw error;
    return { exitCode: -1, stdout, stderr: `${stderr}${error instanceof Error ? error.message : String(error)}` };
  }
}
