import { spawn } from 'node:child_process';
import { closeSync, createReadStream, existsSync, openSync, readFileSync } from 'node:fs';
import { mkdir, readFile, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { BerthError } from '../../errors.js';
import { isExpired, newSessionId } from '../labels.js';
import { pidStartTime, processAlive } from '../pids.js';
import type { ExecutionProvider } from '../provider.js';
import type {
  AttachedTerminal,
  Disposable,
  ExecOptions,
  LogOptions,
  LogStream,
  Ownership,
  PruneOptions,
  Session,
  SessionEvent,
  SessionHealth,
  SessionSpec,
  SessionStats,
} from '../types.js';

/**
 * The record of a process session, since there is no engine to ask. Each session is a folder
 * `<stateDir>/<id>/` holding session.json (this, written once at start), stdout.log and
 * stderr.log (the child's output, appended by the OS, so they outlive Berth), and `exit`, which
 * the child's own wrapper shell writes when the agent ends. A running session is one whose pid
 * is alive with the same kernel start time as recorded (a reused pid does not count).
 */
interface ProcessRecord {
  id: string;
  workspace: string;
  agent: string;
  command: string[];
  created: string;
  pid: number;
  pidStart?: string;
  version: string;
  maxAgeSeconds: number;
  /** Absent in records written before sessions had owners. */
  ownership?: Ownership;
  /** Variables of Berth's own environment that the session must not inherit (the secrets). */
  withheld?: string[];
}

const alive = (record: ProcessRecord) => processAlive(record.pid, record.pidStart);

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Berth's environment without its secrets: a process session inherits the rest, as a command run
 * in a terminal would, but a secret only where the spec hands it over (agents, not shells).
 */
function inheritedEnv(withheld: readonly string[] = []): NodeJS.ProcessEnv {
  const env = { ...process.env };
  for (const name of withheld) delete env[name];
  return env;
}

/** Appends the file from `offset` on to `into`, as the reader drains it; returns the new offset. */
async function copyFrom(path: string, offset: number, into: PassThrough): Promise<number> {
  let copied = offset;
  const source = createReadStream(path, { start: offset });
  source.on('data', (chunk) => (copied += chunk.length));
  try {
    await pipeline(source, into, { end: false });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  return copied;
}

/**
 * The embedded fallback when no engine is reachable: the agent runs as a child process of the
 * user, in the workspace, with no isolation whatsoever, which every face says. Permission
 * prompts stay on (agent/commands.ts), and interactive sessions are left to a real terminal.
 */
export class ProcessProvider implements ExecutionProvider {
  readonly kind = 'process' as const;
  readonly isolated = false;

  constructor(
    private readonly root: string,
    private readonly version: string,
  ) {}

  private dir(id: string) {
    return join(this.root, id);
  }

  private async record(id: string): Promise<ProcessRecord | undefined> {
    try {
      return JSON.parse(await readFile(join(this.dir(id), 'session.json'), 'utf8')) as ProcessRecord;
    } catch {
      return undefined;
    }
  }

  private async required(id: string): Promise<ProcessRecord> {
    const record = await this.record(id);
    if (!record) throw new BerthError(`No session ${id}.`, 'Run `berth session list --all` to see the sessions.', 'SESSION_NOT_FOUND');
    return record;
  }

  private exitCode(id: string): number | undefined {
    try {
      const code = Number(readFileSync(join(this.dir(id), 'exit'), 'utf8').trim());
      return Number.isFinite(code) ? code : undefined;
    } catch {
      return undefined;
    }
  }

  private toSession(record: ProcessRecord): Session {
    const exitCode = this.exitCode(record.id);
    const running = exitCode === undefined && alive(record);
    return {
      id: record.id,
      name: `pid ${record.pid}`,
      provider: 'process',
      isolated: false,
      workspace: record.workspace,
      agent: record.agent,
      created: record.created,
      image: null,
      state: running ? 'running' : 'exited',
      status: running ? `Up (pid ${record.pid}, not isolated)` : `Exited (${exitCode ?? 'unknown'})`,
      exitCode: exitCode ?? null,
      oomKilled: null,
      interactive: false,
      mount: null,
      network: null,
      user: `${process.getuid?.() ?? 0}:${process.getgid?.() ?? 0}`,
      version: record.version,
      maxAgeSeconds: record.maxAgeSeconds > 0 ? record.maxAgeSeconds : null,
      owner: record.ownership?.owner ?? null,
      policy: record.ownership?.policy ?? null,
      stopsAt: null,
      egress: null,
    };
  }

  async start(spec: SessionSpec, { id = newSessionId() }: { id?: string } = {}): Promise<Session> {
    if (spec.interactive) {
      throw new BerthError('Without a Docker engine an interactive session is just a terminal.', 'Run the agent in a terminal yourself, or start Docker for an isolated session.', 'PROCESS_NOT_INTERACTIVE');
    }
    const dir = this.dir(id);
    await mkdir(dir, { recursive: true, mode: 0o700 });
    const out = openSync(join(dir, 'stdout.log'), 'a', 0o600);
    const err = openSync(join(dir, 'stderr.log'), 'a', 0o600);
    try {
      // The wrapper shell outlives a Berth that exits or crashes and records the exit code.
      const child = spawn('/bin/sh', ['-c', '"$@"; code=$?; echo "$code" > "$BERTH_DIR/exit.tmp" && mv "$BERTH_DIR/exit.tmp" "$BERTH_DIR/exit"', 'berth-session', ...spec.command], {
        cwd: spec.workspace,
        detached: true,
        stdio: ['ignore', out, err],
        env: { ...inheritedEnv(spec.secretNames), ...spec.env, ...spec.secrets, BERTH_DIR: dir, BERTH_SESSION: id },
      });
      const pid = await new Promise<number>((resolve, reject) => {
        child.once('spawn', () => resolve(child.pid!));
        child.once('error', reject);
      });
      child.unref();
      const record: ProcessRecord = {
        id,
        workspace: spec.workspace,
        agent: spec.agent,
        command: spec.command,
        created: new Date().toISOString(),
        pid,
        pidStart: pidStartTime(pid),
        version: this.version,
        maxAgeSeconds: spec.maxAgeSeconds,
        ownership: spec.ownership,
        withheld: spec.secretNames,
      };
      await writeFile(join(dir, 'session.json'), JSON.stringify(record, null, 2), { mode: 0o600 });
      return this.toSession(record);
    } catch (error) {
      await rm(dir, { recursive: true, force: true });
      throw new BerthError(`The session process could not start: ${(error as Error).message}`, 'Check that the agent command is installed.', 'START_FAILED');
    } finally {
      closeSync(out);
      closeSync(err);
    }
  }

  async list({ all = false }: { all?: boolean } = {}): Promise<Session[]> {
    if (!existsSync(this.root)) return [];
    const records = await Promise.all((await readdir(this.root)).map((id) => this.record(id)));
    return records
      .filter((r): r is ProcessRecord => r !== undefined)
      .map((r) => this.toSession(r))
      .filter((s) => all || s.state === 'running')
      .sort((a, b) => b.created.localeCompare(a.created));
  }

  async finishedAt(id: string): Promise<number | undefined> {
    return (await stat(join(this.dir(id), 'exit')).catch(() => undefined))?.mtimeMs;
  }

  async get(id: string): Promise<Session | undefined> {
    const record = await this.record(id);
    return record && this.toSession(record);
  }

  async exec(id: string, command: string[], options: ExecOptions = {}): Promise<{ exitCode: number }> {
    const record = await this.required(id);
    if (!alive(record) || this.exitCode(id) !== undefined) throw new BerthError(`Session ${id} is not running.`, undefined, 'SESSION_NOT_RUNNING');
    const [file, ...args] = command;
    if (!file) throw new BerthError('No command was given.', 'Pass it after --.', 'COMMAND_MISSING');
    if (options.tty) throw new BerthError(`Session ${id} runs as a local process, which has no terminal to give the command.`, 'Leave out -t.', 'TTY_UNAVAILABLE');
    const stdin: 'ignore' | 'pipe' = options.stdin === undefined ? 'ignore' : 'pipe';
    const child = spawn(file, args, {
      cwd: record.workspace,
      env: inheritedEnv(record.withheld),
      stdio: [stdin, 'pipe', 'pipe'],
      ...(options.signal ? { signal: options.signal } : {}),
    });
    child.stdout!.on('data', (chunk: Buffer) => options.stdout?.(chunk));
    child.stderr!.on('data', (chunk: Buffer) => options.stderr?.(chunk));
    if (child.stdin) {
      // A command may exit without reading its input; that is its business, not a failed exec.
      child.stdin.on('error', (error: NodeJS.ErrnoException) => {
        if (error.code !== 'EPIPE') child.emit('error', error);
      });
      const input = options.stdin;
      if (typeof input === 'string' || Buffer.isBuffer(input)) child.stdin.end(input);
      else input?.pipe(child.stdin);
    }
    const timer = options.timeoutMs ? setTimeout(() => child.kill('SIGKILL'), options.timeoutMs) : undefined;
    try {
      return await new Promise((resolve, reject) => {
        child.once('error', reject);
        child.once('close', (code, signal) => resolve({ exitCode: code ?? (signal ? 128 + 9 : 1) }));
      });
    } finally {
      clearTimeout(timer);
      const input = options.stdin;
      if (input && typeof input !== 'string' && !Buffer.isBuffer(input) && child.stdin) input.unpipe(child.stdin);
    }
  }

  async logs(id: string, { follow = false, signal }: LogOptions = {}): Promise<LogStream> {
    await this.required(id);
    const stdout = new PassThrough();
    const stderr = new PassThrough();
    const offsets = { stdout: 0, stderr: 0 };
    let stopped = false;
    // Streamed from the files as the reader drains them: a log of gigabytes never sits in memory.
    const pump = async () => {
      offsets.stdout = await copyFrom(join(this.dir(id), 'stdout.log'), offsets.stdout, stdout);
      offsets.stderr = await copyFrom(join(this.dir(id), 'stderr.log'), offsets.stderr, stderr);
    };
    const dispose = () => {
      stopped = true;
      stdout.end();
      stderr.end();
    };
    signal?.addEventListener('abort', dispose, { once: true });
    if (signal?.aborted) dispose();
    // No engine to stream from: follow polls the log files until the process has ended.
    void (async () => {
      try {
        for (;;) {
          await pump();
          if (stopped) return;
          if (!follow || (await this.get(id))?.state !== 'running') {
            await pump();
            return;
          }
          await sleep(200);
        }
      } catch (error) {
        stdout.destroy(error as Error);
      } finally {
        dispose();
      }
    })();
    return { stdout, stderr, dispose };
  }

  async wait(id: string, { signal, timeoutMs }: { signal?: AbortSignal; timeoutMs?: number } = {}): Promise<{ exitCode: number }> {
    const deadline = Date.now() + (timeoutMs ?? Number.MAX_SAFE_INTEGER);
    for (;;) {
      const session = await this.get(id);
      if (!session) throw new BerthError(`No session ${id}.`, undefined, 'SESSION_NOT_FOUND');
      if (session.state !== 'running') return { exitCode: session.exitCode ?? -1 };
      if (signal?.aborted) throw new BerthError('Waiting was cancelled.', undefined, 'CANCELLED');
      if (Date.now() > deadline) throw new BerthError(`Session ${id} was still running after ${(timeoutMs ?? 0) / 1000} s.`, undefined, 'WAIT_TIMEOUT');
      await sleep(100);
    }
  }

  async stats(id: string): Promise<SessionStats> {
    const record = await this.required(id);
    try {
      const status = readFileSync(`/proc/${record.pid}/status`, 'utf8');
      const rss = /VmRSS:\s+(\d+) kB/.exec(status);
      return { id, cpuPercent: null, memoryBytes: rss ? Number(rss[1]) * 1024 : null, memoryLimitBytes: null, pids: null };
    } catch {
      return { id, cpuPercent: null, memoryBytes: null, memoryLimitBytes: null, pids: null };
    }
  }

  async health(id: string): Promise<SessionHealth> {
    const session = await this.get(id);
    if (!session) throw new BerthError(`No session ${id}.`, undefined, 'SESSION_NOT_FOUND');
    if (session.state !== 'running') return { id, healthy: false, state: session.state, detail: `not running (${session.status})` };
    const workspace = await stat(session.workspace).catch(() => undefined);
    return workspace?.isDirectory()
      ? { id, healthy: true, state: session.state, detail: 'running as a local process (not isolated)' }
      : { id, healthy: false, state: session.state, detail: 'running, but its workspace is gone' };
  }

  async stop(id: string, { graceSeconds = 10 }: { graceSeconds?: number } = {}): Promise<void> {
    const record = await this.required(id);
    if (!alive(record)) return;
    // The child leads its own process group (detached), so the group signal reaches everything it started.
    const signalGroup = (signal: NodeJS.Signals) => {
      try {
        process.kill(-record.pid, signal);
      } catch {
        // already gone
      }
    };
    signalGroup('SIGTERM');
    const deadline = Date.now() + graceSeconds * 1000;
    while (alive(record) && Date.now() < deadline) await sleep(50);
    if (alive(record)) signalGroup('SIGKILL');
    if (this.exitCode(id) === undefined) await writeFile(join(this.dir(id), 'exit'), '143\n');
  }

  async remove(id: string): Promise<void> {
    await this.stop(id, { graceSeconds: 0 });
    await rm(this.dir(id), { recursive: true, force: true });
  }

  async prune({ dryRun = false }: PruneOptions): Promise<string[]> {
    // A record is written only once its process runs, so a listed session that is not running has ended.
    const ended = (await this.list({ all: true })).filter((s) => s.state !== 'running');
    if (!dryRun) await Promise.all(ended.map((s) => rm(this.dir(s.id), { recursive: true, force: true })));
    return ended.map((s) => s.id).sort();
  }

  async reap(now = Date.now()): Promise<string[]> {
    const expired = (await this.list()).filter((s) => isExpired(s.created, s.maxAgeSeconds ?? undefined, now));
    await Promise.all(expired.map((s) => this.stop(s.id)));
    return expired.map((s) => s.id);
  }

  async attach(id: string): Promise<AttachedTerminal> {
    throw new BerthError(`Session ${id} runs as a local process and has no terminal to attach to.`, undefined, 'SESSION_NOT_INTERACTIVE');
  }

  /** No engine events here: the records are compared every two seconds instead. */
  subscribe(listener: (event: SessionEvent) => void, onError?: (error: Error) => void): Disposable {
    let previous = new Map<string, string>();
    let first = true;
    const tick = async () => {
      try {
        const now = new Map((await this.list({ all: true })).map((s) => [s.id, s.state] as const));
        if (!first) {
          for (const [id, state] of now) {
            if (previous.get(id) !== state) listener({ id, action: state === 'running' ? 'start' : 'die', time: Date.now(), exitCode: null });
          }
          for (const id of previous.keys()) if (!now.has(id)) listener({ id, action: 'destroy', time: Date.now(), exitCode: null });
        }
        first = false;
        previous = now;
      } catch (error) {
        onError?.(error as Error);
      }
    };
    void tick();
    const timer = setInterval(() => void tick(), 2000);
    return { dispose: () => clearInterval(timer) };
  }
}
