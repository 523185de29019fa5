import { PassThrough, type Readable } from 'node:stream';
import type Docker from 'dockerode';
import type { ContainerInfo } from 'dockerode';
import { BerthError } from '../../errors.js';
import { FALLBACK_USER, WORKSPACE_PATH, containerOptions } from '../hardening.js';
import { LABEL, POOL_NAME_PREFIX, containerName, isExpired, newSessionId, sessionLabels } from '../labels.js';
import type { ExecutionProvider } from '../provider.js';
import { WRITE_SECRETS_COMMAND, secretsFile } from '../secrets.js';
import type {
  AttachedTerminal,
  Disposable,
  ExecOptions,
  LogOptions,
  LogStream,
  Session,
  SessionEvent,
  SessionHealth,
  SessionSpec,
  SessionState,
  SessionStats,
} from '../types.js';
import { engineMessage, isConflict, isNotFound, isNotModified, startError } from './errors.js';
import { subscribeToEvents } from './events.js';
import { demuxBuffer, readableOf } from './streams.js';
import type { WarmPool } from './warmPool.js';

export interface DockerProviderOptions {
  version: string;
  /** Hands out ready containers for specs that match its configuration. */
  pool?: WarmPool;
}

function stateOf(state: string | undefined): SessionState {
  switch (state) {
    case 'created':
    case 'restarting':
      return 'starting';
    case 'running':
    case 'exited':
    case 'dead':
    case 'paused':
      return state;
    default:
      return 'unknown';
  }
}

/** A listed container as a session; `Status` ("Exited (137) 5 seconds ago") is the only place list gives the exit code. */
export function sessionFromContainer(info: Pick<ContainerInfo, 'Labels' | 'Names' | 'Image' | 'State' | 'Status' | 'HostConfig'>): Session {
  const labels = info.Labels ?? {};
  const exit = /Exited \((-?\d+)\)/.exec(info.Status ?? '');
  const maxAge = Number(labels[LABEL.maxAge]);
  return {
    id: labels[LABEL.session] ?? '',
    name: (info.Names?.[0] ?? '').replace(/^\//, ''),
    provider: 'docker',
    isolated: true,
    workspace: labels[LABEL.workspace] ?? '',
    agent: labels[LABEL.agent] ?? '',
    image: info.Image,
    created: labels[LABEL.created] ?? '',
    state: stateOf(info.State),
    status: info.Status ?? info.State ?? '',
    ...(exit ? { exitCode: Number(exit[1]) } : {}),
    interactive: labels[LABEL.interactive] === 'true',
    mount: labels[LABEL.mount] === 'ro' ? 'ro' : 'rw',
    network: info.HostConfig?.NetworkMode,
    version: labels[LABEL.version],
    ...(Number.isFinite(maxAge) && maxAge > 0 ? { maxAgeSeconds: maxAge } : {}),
  };
}

const isPoolContainer = (info: ContainerInfo) => (info.Names?.[0] ?? '').replace(/^\//, '').startsWith(POOL_NAME_PREFIX);

/** Races a step against the start deadline and the caller's cancellation. */
function bounded<T>(promise: Promise<T>, deadline: number, signal: AbortSignal | undefined, step: string, timeoutMs: number): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new BerthError(`The session did not come up within ${timeoutMs / 1000} s (${step}).`, 'The engine may be busy; try again, or raise the start timeout.', 'START_TIMEOUT')),
      Math.max(0, deadline - Date.now()),
    );
    const onAbort = () => reject(new BerthError(`Starting the session was cancelled (${step}).`, undefined, 'CANCELLED'));
    if (signal?.aborted) onAbort();
    signal?.addEventListener('abort', onAbort, { once: true });
    promise.then(resolve, reject).finally(() => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
    });
  });
}

/**
 * Sessions as containers. Every answer comes from the engine (labels, state), so a restarted CLI
 * or a second window sees exactly the same sessions.
 */
export class DockerProvider implements ExecutionProvider {
  readonly kind = 'docker' as const;
  readonly isolated = true;

  constructor(
    readonly docker: Docker,
    private readonly options: DockerProviderOptions,
  ) {}

  async start(spec: SessionSpec, { signal }: { signal?: AbortSignal } = {}): Promise<Session> {
    const id = newSessionId();
    const name = containerName(id);
    const created = new Date();
    const labels = sessionLabels(spec, id, created, this.options.version);
    const create = containerOptions(spec, { name, labels, user: spec.user ?? FALLBACK_USER });
    const session = (sessionId: string, sessionName: string, at: string): Session => ({
      id: sessionId,
      name: sessionName,
      provider: 'docker',
      isolated: true,
      workspace: spec.workspace,
      agent: spec.agent,
      image: spec.image,
      created: at,
      state: 'running',
      status: 'Up',
      interactive: spec.interactive,
      mount: spec.mount,
      network: spec.network,
      version: this.options.version,
      ...(spec.maxAgeSeconds > 0 ? { maxAgeSeconds: spec.maxAgeSeconds } : {}),
    });

    if (this.options.pool && Object.keys(spec.secrets).length === 0) {
      const claimed = await this.options.pool.claim(create);
      if (claimed) return session(claimed.id, claimed.name, claimed.created);
    }

    const deadline = Date.now() + spec.startTimeoutMs;
    const step = <T>(promise: Promise<T>, what: string) => bounded(promise, deadline, signal, what, spec.startTimeoutMs);
    const creating = this.docker.createContainer(create);
    try {
      const container = await step(creating, 'creating the container');
      await step(container.start(), 'starting the container');
      if (Object.keys(spec.secrets).length > 0) {
        await step(this.handOffSecrets(id, spec.secrets), 'handing over the secrets');
      }
      return session(id, name, created.toISOString());
    } catch (error) {
      // Whatever got created goes, even when the create call answers only after we gave up on it.
      void creating.then((container) => container.remove({ force: true, v: true })).catch(() => undefined);
      await this.docker
        .getContainer(name)
        .remove({ force: true, v: true })
        .catch(() => undefined);
      throw startError(error, spec);
    }
  }

  private async handOffSecrets(id: string, secrets: Record<string, string>): Promise<void> {
    const { exitCode } = await this.exec(id, WRITE_SECRETS_COMMAND, { stdin: secretsFile(secrets), timeoutMs: 10_000 });
    if (exitCode !== 0) {
      throw new BerthError('The session secrets could not be handed over.', 'The image needs /bin/sh, cat and mv.', 'SECRETS_HANDOFF_FAILED');
    }
  }

  private async listContainers(all: boolean, id?: string): Promise<ContainerInfo[]> {
    const containers = await this.docker.listContainers({
      all,
      filters: { label: [id ? `${LABEL.session}=${id}` : LABEL.session] },
    });
    return containers.filter((info) => !isPoolContainer(info));
  }

  async list({ all = false }: { all?: boolean } = {}): Promise<Session[]> {
    const containers = await this.listContainers(all);
    return containers.map(sessionFromContainer).sort((a, b) => b.created.localeCompare(a.created));
  }

  async get(id: string): Promise<Session | undefined> {
    const [info] = await this.listContainers(true, id);
    if (!info) return undefined;
    const session = sessionFromContainer(info);
    if (session.state === 'exited' || session.state === 'dead') {
      const state = (await this.docker.getContainer(info.Id).inspect()).State;
      return { ...session, exitCode: state.ExitCode, oomKilled: state.OOMKilled };
    }
    return session;
  }

  private async container(id: string): Promise<Docker.Container> {
    const [info] = await this.listContainers(true, id);
    if (!info) throw new BerthError(`No session ${id}.`, 'Run `berth session list --all` to see the sessions.', 'SESSION_NOT_FOUND');
    return this.docker.getContainer(info.Id);
  }

  async exec(id: string, command: string[], options: ExecOptions = {}): Promise<{ exitCode: number }> {
    const container = this.docker.getContainer(containerName(id));
    let exec: Docker.Exec;
    try {
      exec = await container.exec({ Cmd: command, AttachStdin: options.stdin !== undefined, AttachStdout: true, AttachStderr: true, Tty: false });
    } catch (error) {
      if (isNotFound(error)) throw new BerthError(`No session ${id}.`, 'Run `berth session list` to see the sessions.', 'SESSION_NOT_FOUND');
      if (isConflict(error)) throw new BerthError(`Session ${id} is not running.`, 'Start a new session; a stopped one cannot run commands.', 'SESSION_NOT_RUNNING');
      throw error;
    }
    const stream = (await exec.start({ hijack: true, stdin: options.stdin !== undefined })) as NodeJS.ReadWriteStream & { destroy(): void };
    const stdout = new PassThrough();
    const stderr = new PassThrough();
    stdout.on('data', (chunk: Buffer) => options.stdout?.(chunk));
    stderr.on('data', (chunk: Buffer) => options.stderr?.(chunk));
    this.docker.modem.demuxStream(stream, stdout, stderr);
    if (options.stdin !== undefined) stream.end(options.stdin);
    await new Promise<void>((resolve, reject) => {
      let timer: NodeJS.Timeout | undefined;
      const finish = (error?: Error) => {
        clearTimeout(timer);
        options.signal?.removeEventListener('abort', onAbort);
        if (error) {
          stream.destroy();
          reject(error);
        } else resolve();
      };
      const onAbort = () => finish(new BerthError('The command was cancelled; it may still be running in the session.', undefined, 'CANCELLED'));
      if (options.timeoutMs) {
        timer = setTimeout(() => finish(new BerthError(`The command did not finish within ${options.timeoutMs! / 1000} s.`, undefined, 'EXEC_TIMEOUT')), options.timeoutMs);
      }
      options.signal?.addEventListener('abort', onAbort, { once: true });
      stream.on('end', () => finish());
      stream.on('close', () => finish());
      stream.on('error', (error: Error) => finish(error));
    });
    // The stream can end a moment before the engine records the exit code.
    for (let attempt = 0; attempt < 50; attempt++) {
      const info = await exec.inspect();
      if (!info.Running && info.ExitCode !== null) return { exitCode: info.ExitCode };
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    throw new BerthError('The command ended but the engine reported no exit code.', undefined, 'EXEC_NO_EXIT_CODE');
  }

  async logs(id: string, { follow = false, tail, signal }: LogOptions = {}): Promise<LogStream> {
    const container = await this.container(id);
    const tty = (await container.inspect()).Config.Tty;
    const common = { stdout: true, stderr: true, ...(tail !== undefined ? { tail } : {}) };
    if (!follow) {
      const buffer = await container.logs({ ...common, follow: false });
      const parts = tty ? { stdout: buffer, stderr: Buffer.alloc(0) } : demuxBuffer(buffer);
      return { stdout: readableOf(parts.stdout), stderr: readableOf(parts.stderr), dispose: () => undefined };
    }
    const raw = (await container.logs({ ...common, follow: true })) as Readable;
    const stdout = new PassThrough();
    const stderr = new PassThrough();
    if (tty) raw.pipe(stdout);
    else this.docker.modem.demuxStream(raw, stdout, stderr);
    const dispose = () => {
      signal?.removeEventListener('abort', dispose);
      raw.destroy();
      stdout.end();
      stderr.end();
    };
    raw.on('end', dispose);
    raw.on('close', dispose);
    raw.on('error', dispose);
    signal?.addEventListener('abort', dispose, { once: true });
    return { stdout, stderr, dispose };
  }

  async wait(id: string, { signal, timeoutMs }: { signal?: AbortSignal; timeoutMs?: number } = {}): Promise<{ exitCode: number }> {
    const container = await this.container(id);
    const deadline = Date.now() + (timeoutMs ?? 2 ** 31 - 1);
    const waited = bounded(container.wait() as Promise<{ StatusCode: number }>, deadline, signal, 'waiting for the session to end', timeoutMs ?? 0).catch((error: unknown) => {
      if (error instanceof BerthError && error.code === 'START_TIMEOUT') {
        throw new BerthError(`Session ${id} was still running after ${(timeoutMs ?? 0) / 1000} s.`, undefined, 'WAIT_TIMEOUT');
      }
      throw error;
    });
    return { exitCode: (await waited).StatusCode };
  }

  async stats(id: string): Promise<SessionStats> {
    const container = await this.container(id);
    const sample = (await container.stats({ stream: false })) as unknown as Docker.ContainerStats;
    const cpuDelta = sample.cpu_stats.cpu_usage.total_usage - (sample.precpu_stats.cpu_usage?.total_usage ?? 0);
    const systemDelta = (sample.cpu_stats.system_cpu_usage ?? 0) - (sample.precpu_stats.system_cpu_usage ?? 0);
    const cpus = sample.cpu_stats.online_cpus || sample.cpu_stats.cpu_usage.percpu_usage?.length || 1;
    const cache = (sample.memory_stats.stats as Record<string, number> | undefined)?.cache ?? 0;
    return {
      id,
      ...(systemDelta > 0 ? { cpuPercent: (cpuDelta / systemDelta) * cpus * 100 } : {}),
      ...(sample.memory_stats.usage !== undefined ? { memoryBytes: sample.memory_stats.usage - cache, memoryLimitBytes: sample.memory_stats.limit } : {}),
      ...(sample.pids_stats?.current !== undefined ? { pids: sample.pids_stats.current } : {}),
    };
  }

  async health(id: string): Promise<SessionHealth> {
    const session = await this.get(id);
    if (!session) throw new BerthError(`No session ${id}.`, 'Run `berth session list --all` to see the sessions.', 'SESSION_NOT_FOUND');
    if (session.state !== 'running') {
      const why = session.oomKilled ? ', killed for running out of memory' : '';
      return { id, healthy: false, state: session.state, detail: `not running (${session.status}${why})` };
    }
    if (isExpired(session.created, session.maxAgeSeconds, Date.now())) {
      return { id, healthy: false, state: session.state, detail: 'past its maximum age; the reaper will stop it' };
    }
    try {
      const { exitCode } = await this.exec(id, ['test', '-d', WORKSPACE_PATH], { timeoutMs: 5000 });
      return exitCode === 0
        ? { id, healthy: true, state: session.state, detail: 'running, workspace mounted' }
        : { id, healthy: false, state: session.state, detail: `running, but ${WORKSPACE_PATH} is missing` };
    } catch (error) {
      return { id, healthy: false, state: session.state, detail: `running, but does not answer: ${engineMessage(error)}` };
    }
  }

  async stop(id: string, { graceSeconds = 10 }: { graceSeconds?: number } = {}): Promise<void> {
    const container = await this.container(id);
    try {
      await container.stop({ t: graceSeconds });
    } catch (error) {
      if (!isNotModified(error)) throw error;
    }
  }

  async remove(id: string): Promise<void> {
    const container = await this.container(id);
    try {
      await container.remove({ force: true, v: true });
    } catch (error) {
      if (!isNotFound(error)) throw error;
    }
  }

  async prune(): Promise<string[]> {
    // Pool containers count too: an exited warm container is as dead as any session.
    const containers = await this.docker.listContainers({
      all: true,
      filters: { label: [LABEL.session], status: ['created', 'exited', 'dead'] },
    });
    const removed: string[] = [];
    await Promise.all(
      containers.map(async (info) => {
        try {
          await this.docker.getContainer(info.Id).remove({ force: true, v: true });
          removed.push(info.Labels?.[LABEL.session] ?? info.Id);
        } catch (error) {
          if (!isNotFound(error)) throw error;
        }
      }),
    );
    return removed.sort();
  }

  async reap(now = Date.now()): Promise<string[]> {
    const expired = (await this.list()).filter((session) => session.state === 'running' && isExpired(session.created, session.maxAgeSeconds, now));
    await Promise.all(expired.map((session) => this.stop(session.id)));
    return expired.map((session) => session.id);
  }

  async attach(id: string): Promise<AttachedTerminal> {
    const container = await this.container(id);
    if (!(await container.inspect()).Config.Tty) {
      throw new BerthError(`Session ${id} has no terminal to attach to.`, 'Start it without --prompt (an interactive session), or use `berth session exec`.', 'SESSION_NOT_INTERACTIVE');
    }
    const stream = (await container.attach({ stream: true, stdin: true, stdout: true, stderr: true, hijack: true })) as NodeJS.ReadWriteStream & { destroy(): void };
    return {
      stream,
      resize: async (columns, rows) => {
        await container.resize({ w: columns, h: rows });
      },
      dispose: () => stream.destroy(),
    };
  }

  subscribe(listener: (event: SessionEvent) => void, onError?: (error: Error) => void): Disposable {
    return subscribeToEvents(this.docker, listener, onError);
  }
}
