import { PassThrough, type Readable } from 'node:stream';
import type Docker from 'dockerode';
import type { ContainerInfo } from 'dockerode';
import { BerthError } from '../../errors.js';
import { IDLE_COMMAND } from '../agent/commands.js';
import { WORKSPACE_PATH, containerOptions } from '../hardening.js';
import { sessionPolicySchema } from '../owner.js';
import { LABEL, POOL_NAME_PREFIX, containerName, isExpired, newSessionId, sessionLabels } from '../labels.js';
import type { ExecutionProvider } from '../provider.js';
import { WRITE_SECRETS_COMMAND, secretsFile } from '../secrets.js';
import type {
  AttachedTerminal,
  Disposable,
  ExecOptions,
  LogOptions,
  LogStream,
  PruneOptions,
  Session,
  SessionEvent,
  SessionHealth,
  SessionSpec,
  SessionState,
  SessionStats,
} from '../types.js';
import { userString } from '../user.js';
import { engineMessage, isConflict, isNotFound, isNotModified, startError } from './errors.js';
import { subscribeToEvents } from './events.js';
import type { WarmPool } from './warmPool.js';

export interface DockerProviderOptions {
  version: string;
  /** The engine's /info, when the connection already asked for it. */
  info?: Promise<{ SecurityOptions?: string[] } | undefined>;
  /** Hands out ready containers for specs that match its configuration. */
  pool?: WarmPool;
}

/**
 * How long a start watches a new session for the exit of a command that could not run (126: not
 * executable, 127: not found), which happens within milliseconds of the start; shells, which idle,
 * are not watched.
 */
const EARLY_EXIT_MS = 300;

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

const nameOf = (info: Pick<ContainerInfo, 'Names'>) => (info.Names?.[0] ?? '').replace(/^\//, '');

/**
 * The engine is the record, but a label alone proves nothing: `docker commit` copies labels, and
 * anyone with engine access can set them. A session is the container whose name is berth-<id>
 * for the id in its label; the engine keeps names unique.
 */
export const isSessionContainer = (info: Pick<ContainerInfo, 'Names' | 'Labels'>) => {
  const id = info.Labels?.[LABEL.session];
  return Boolean(id) && nameOf(info) === containerName(id!);
};

const isPoolContainer = (info: Pick<ContainerInfo, 'Names' | 'Labels'>) => {
  const id = info.Labels?.[LABEL.session];
  return Boolean(id) && nameOf(info) === `${POOL_NAME_PREFIX}${id}`;
};

const labelNumber = (value: string | undefined) => {
  const number = Number(value);
  return value !== undefined && Number.isFinite(number) && number > 0 ? number : null;
};

/** A listed container as a session; `Status` ("Exited (137) 5 seconds ago") is the only place list gives the exit code. */
export function sessionFromContainer(info: Pick<ContainerInfo, 'Labels' | 'Names' | 'Image' | 'State' | 'Status' | 'HostConfig'>, user: string | null = null): Session {
  const labels = info.Labels ?? {};
  const exit = /Exited \((-?\d+)\)/.exec(info.Status ?? '');
  const egressLabel = labels[LABEL.egress];
  return {
    id: labels[LABEL.session] ?? '',
    name: nameOf(info),
    provider: 'docker',
    isolated: true,
    workspace: labels[LABEL.workspace] ?? '',
    agent: labels[LABEL.agent] ?? '',
    image: info.Image ?? null,
    created: labels[LABEL.created] ?? '',
    state: stateOf(info.State),
    status: info.Status ?? info.State ?? '',
    exitCode: exit ? Number(exit[1]) : null,
    oomKilled: null,
    interactive: labels[LABEL.interactive] === 'true',
    mount: labels[LABEL.mount] === 'ro' ? 'ro' : 'rw',
    network: labels[LABEL.egress] !== undefined ? 'egress' : (info.HostConfig?.NetworkMode ?? null),
    user,
    version: labels[LABEL.version] ?? null,
    maxAgeSeconds: labelNumber(labels[LABEL.maxAge]),
    owner: labels[LABEL.owner] ?? null,
    policy: sessionPolicySchema.safeParse(labels[LABEL.policy]).data ?? null,
    stopsAt: null,
    egress: egressLabel === undefined ? null : { allow: egressLabel.split(',').filter(Boolean), door: null, refused: [] },
  };
}

/** Races a step against the start deadline and the caller's cancellation. */
function bounded<T>(promise: Promise<T>, deadline: number, signal: AbortSignal | undefined, step: string, timeoutMs: number): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new BerthError(`The session did not come up within ${timeoutMs / 1000} s (${step}).`, 'The engine may be busy; try again.', 'START_TIMEOUT')),
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

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Reads a whole (small) stream, as the last lines of a log are. */
async function textOf(stream: Readable): Promise<string> {
  let text = '';
  for await (const chunk of stream) text += (chunk as Buffer).toString('utf8');
  return text;
}

/**
 * Sessions as containers. Every answer comes from the engine (labels, state), so a restarted CLI
 * or a second window sees exactly the same sessions.
 */
export class DockerProvider implements ExecutionProvider {
  readonly kind = 'docker' as const;
  readonly isolated = true;
  private remapping?: Promise<boolean>;

  constructor(
    readonly docker: Docker,
    private readonly options: DockerProviderOptions,
  ) {}

  /**
   * Whether the engine runs containers in a user namespace of its own (userns-remap): then a
   * session's uid is a subordinate uid on the host, not the person's.
   */
  remapsUsers(): Promise<boolean> {
    this.remapping ??= (this.options.info ?? this.docker.info()).then(
      (info: { SecurityOptions?: string[] } | undefined) => (info?.SecurityOptions ?? []).some((option) => option.includes('name=userns')),
      () => false,
    );
    return this.remapping;
  }

  async start(spec: SessionSpec, { signal, id = newSessionId() }: { signal?: AbortSignal; id?: string } = {}): Promise<Session> {
    const name = containerName(id);
    const created = new Date();
    const labels = sessionLabels(spec, id, created, this.options.version);
    const create = containerOptions(spec, { name, labels });
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
      exitCode: null,
      oomKilled: null,
      interactive: spec.interactive,
      mount: spec.mount,
      network: spec.network,
      user: userString(spec.user),
      version: this.options.version,
      maxAgeSeconds: spec.maxAgeSeconds > 0 ? spec.maxAgeSeconds : null,
      owner: spec.ownership.owner,
      policy: spec.ownership.policy,
      stopsAt: null,
      egress: spec.egress ? { allow: spec.egress.allow, door: 'up', refused: [] } : null,
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
        // A session whose entry script refused to go on (no egress relay) has ended already: say why, not that the hand-over failed.
        await step(
          this.handOffSecrets(container, spec.secrets).catch(async (error: unknown) => {
            const { State } = await container.inspect();
            if (!State.Running && (State.ExitCode === 126 || State.ExitCode === 127)) throw await this.commandFailed(container, spec, State.ExitCode);
            throw error;
          }),
          'handing over the secrets',
        );
      }
      const started = session(id, name, created.toISOString());
      const idles = spec.command.length === IDLE_COMMAND.length && spec.command.every((word, i) => word === IDLE_COMMAND[i]);
      // An idle shell is not watched, unless an egress relay runs first and may fail.
      if (idles && spec.network !== 'egress') return started;
      const exitCode = await step(this.earlyExit(container), 'watching the command start');
      if (exitCode === null) return started;
      if (exitCode === 126 || exitCode === 127) throw await this.commandFailed(container, spec, exitCode);
      return { ...started, state: 'exited', status: `Exited (${exitCode})`, exitCode };
    } catch (error) {
      // Whatever got created goes, even when the create call answers only after we gave up on it.
      void creating.then((container) => container.remove({ force: true, v: true })).catch(() => undefined);
      await this.docker
        .getContainer(name)
        .remove({ force: true, v: true })
        .catch(() => undefined);
      // Two removals race (the engine answers the second "already in progress"): the start fails
      // only once the container is gone, so that nothing is left when the caller looks.
      for (const until = Date.now() + 5000; Date.now() < until; await sleep(50)) {
        const there = await this.docker
          .getContainer(name)
          .inspect()
          .then(() => true, (inspectError: unknown) => !isNotFound(inspectError));
        if (!there) break;
      }
      throw startError(error, spec);
    }
  }

  /** The exit code of a command that ended right after the start, or null while it runs. */
  private async earlyExit(container: Docker.Container): Promise<number | null> {
    const until = Date.now() + EARLY_EXIT_MS;
    for (;;) {
      const { State } = await container.inspect();
      if (!State.Running) return State.ExitCode;
      if (Date.now() >= until) return null;
      await sleep(50);
    }
  }

  /** Why a command could not run, from what the session printed (tini's or the shell's own line). */
  private async commandFailed(container: Docker.Container, spec: SessionSpec, exitCode: number): Promise<BerthError> {
    const stream = await this.logStream(container, { tail: 5 });
    const said = (await Promise.all([textOf(stream.stdout), textOf(stream.stderr)])).join('').trim().split('\n').at(-1) ?? '';
    // The entry script's own refusal (an egress relay the image cannot run) says what is missing.
    if (said.startsWith('berth: ')) {
      return new BerthError(`The session could not start in the image ${spec.image}: ${said.slice('berth: '.length)}.`, 'Use the agent image (berth image build), or another --network.', 'EGRESS_UNSUPPORTED');
    }
    const what = exitCode === 127 ? 'was not found' : 'could not be run';
    return new BerthError(
      `The command "${spec.command[0]}" ${what} in the image ${spec.image} (exit code ${exitCode}${said ? `: ${said.trim()}` : ''}).`,
      'Check the command, or pass --image with an image that has it.',
      'COMMAND_NOT_FOUND',
    );
  }

  private async handOffSecrets(container: Docker.Container, secrets: Record<string, string>): Promise<void> {
    const { exitCode } = await this.execIn(container, WRITE_SECRETS_COMMAND, { stdin: secretsFile(secrets), timeoutMs: 10_000 });
    if (exitCode !== 0) {
      throw new BerthError('The session secrets could not be handed over.', 'The image needs /bin/sh, cat and mv.', 'SECRETS_HANDOFF_FAILED');
    }
  }

  /** Every container that carries Berth's session label, optionally for one id. */
  private listLabelled(all: boolean, id?: string, status?: string[]): Promise<ContainerInfo[]> {
    return this.docker.listContainers({
      all,
      filters: { label: [id ? `${LABEL.session}=${id}` : LABEL.session], ...(status ? { status } : {}) },
    });
  }

  async list({ all = false }: { all?: boolean } = {}): Promise<Session[]> {
    const containers = (await this.listLabelled(all)).filter(isSessionContainer);
    return containers.map((info) => sessionFromContainer(info)).sort((a, b) => b.created.localeCompare(a.created));
  }

  /**
   * The one container that is session `id`, by its engine id (names can be reused between a
   * lookup and an action). Two containers claiming one id is refused, naming both: acting on
   * either could be acting on the wrong one.
   */
  private async lookup(id: string): Promise<ContainerInfo | undefined> {
    const claimants = (await this.listLabelled(true, id)).filter((info) => !isPoolContainer(info));
    if (claimants.length > 1) {
      const named = claimants.map((info) => `${nameOf(info) || '?'} (${info.Id.slice(0, 12)})`).join(' and ');
      throw new BerthError(
        `Two containers claim session ${id}: ${named}. Berth acts on neither.`,
        `Remove the one that is not the session (its name is not ${containerName(id)}) with docker rm, then try again.`,
        'SESSION_CLAIMED_TWICE',
      );
    }
    const [info] = claimants;
    return info && isSessionContainer(info) ? info : undefined;
  }

  private async container(id: string): Promise<Docker.Container> {
    const info = await this.lookup(id);
    if (!info) throw new BerthError(`No session ${id}.`, 'Run `berth session list --all` to see the sessions.', 'SESSION_NOT_FOUND');
    return this.docker.getContainer(info.Id);
  }

  async get(id: string): Promise<Session | undefined> {
    const info = await this.lookup(id);
    if (!info) return undefined;
    const inspect = await this.docker.getContainer(info.Id).inspect();
    const session = sessionFromContainer(info, inspect.Config.User || null);
    if (session.state === 'exited' || session.state === 'dead') return { ...session, exitCode: inspect.State.ExitCode, oomKilled: inspect.State.OOMKilled };
    return session;
  }

  async exec(id: string, command: string[], options: ExecOptions = {}): Promise<{ exitCode: number }> {
    return this.execIn(await this.container(id), command, options, id);
  }

  private async execIn(container: Docker.Container, command: string[], options: ExecOptions, id?: string): Promise<{ exitCode: number }> {
    const withStdin = options.stdin !== undefined;
    const tty = options.tty !== undefined;
    let exec: Docker.Exec;
    try {
      exec = await container.exec({ Cmd: command, AttachStdin: withStdin, AttachStdout: true, AttachStderr: true, Tty: tty });
    } catch (error) {
      if (isNotFound(error)) throw new BerthError(`No session ${id ?? ''}.`, 'Run `berth session list` to see the sessions.', 'SESSION_NOT_FOUND');
      if (isConflict(error)) throw new BerthError(`Session ${id ?? ''} is not running.`, 'Start a new session; a stopped one cannot run commands.', 'SESSION_NOT_RUNNING');
      throw error;
    }
    const stream = (await exec.start({ hijack: true, stdin: withStdin, Tty: tty })) as NodeJS.ReadWriteStream & { destroy(): void };
    const stdout = new PassThrough();
    const stderr = new PassThrough();
    stdout.on('data', (chunk: Buffer) => options.stdout?.(chunk));
    stderr.on('data', (chunk: Buffer) => options.stderr?.(chunk));
    if (tty) stream.pipe(stdout);
    else this.docker.modem.demuxStream(stream, stdout, stderr);
    const resize = async (columns: number, rows: number) => {
      await exec.resize({ w: columns, h: rows });
    };
    if (tty) await resize(options.tty!.columns, options.tty!.rows).catch(() => undefined);
    options.onStarted?.({ resize });
    const input = options.stdin;
    if (typeof input === 'string' || Buffer.isBuffer(input)) stream.end(input);
    else if (input) input.pipe(stream);
    try {
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
    } finally {
      if (input && typeof input !== 'string' && !Buffer.isBuffer(input)) input.unpipe(stream);
    }
    // The stream can end a moment before the engine records the exit code.
    for (let attempt = 0; attempt < 50; attempt++) {
      const info = await exec.inspect();
      if (!info.Running && info.ExitCode !== null) return { exitCode: info.ExitCode };
      await sleep(20);
    }
    throw new BerthError('The command ended but the engine reported no exit code.', undefined, 'EXEC_NO_EXIT_CODE');
  }

  async logs(id: string, options: LogOptions = {}): Promise<LogStream> {
    return this.logStream(await this.container(id), options);
  }

  /**
   * The session's output as it is read from the engine, in every mode: a finished log of a
   * gigabyte is streamed like a followed one, never held whole in memory.
   */
  private async logStream(container: Docker.Container, { follow = false, tail, signal }: LogOptions): Promise<LogStream> {
    const tty = (await container.inspect()).Config.Tty;
    const raw = await new Promise<Readable>((resolve, reject) => {
      this.docker.modem.dial(
        {
          path: `/containers/${container.id}/logs?`,
          method: 'GET',
          isStream: true,
          statusCodes: { 200: true, 404: 'no such container', 500: 'server error' },
          options: { stdout: true, stderr: true, follow, ...(tail !== undefined ? { tail } : {}) },
        },
        (error: unknown, stream: unknown) => (error ? reject(error) : resolve(stream as Readable)),
      );
    });
    const stdout = new PassThrough();
    const stderr = new PassThrough();
    if (tty) raw.pipe(stdout);
    else this.docker.modem.demuxStream(raw, stdout, stderr);
    let disposed = false;
    const dispose = () => {
      if (disposed) return;
      disposed = true;
      signal?.removeEventListener('abort', dispose);
      raw.destroy();
      stdout.end();
      stderr.end();
    };
    raw.on('end', dispose);
    raw.on('close', dispose);
    raw.on('error', dispose);
    signal?.addEventListener('abort', dispose, { once: true });
    // A caller that gave up before the stream opened gets no stream that runs until the session ends.
    if (signal?.aborted) dispose();
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
    const usage = sample.memory_stats.usage;
    return {
      id,
      cpuPercent: systemDelta > 0 ? (cpuDelta / systemDelta) * cpus * 100 : null,
      memoryBytes: usage === undefined ? null : usage - cache,
      memoryLimitBytes: usage === undefined ? null : sample.memory_stats.limit,
      pids: sample.pids_stats?.current ?? null,
    };
  }

  async health(id: string): Promise<SessionHealth> {
    const session = await this.get(id);
    if (!session) throw new BerthError(`No session ${id}.`, 'Run `berth session list --all` to see the sessions.', 'SESSION_NOT_FOUND');
    if (session.state !== 'running') {
      const why = session.oomKilled ? ', killed for running out of memory' : '';
      return { id, healthy: false, state: session.state, detail: `not running (${session.status}${why})` };
    }
    if (isExpired(session.created, session.maxAgeSeconds ?? undefined, Date.now())) {
      return { id, healthy: false, state: session.state, detail: 'past its maximum age; the reconciler will stop it' };
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

  async finishedAt(id: string): Promise<number | undefined> {
    const { State } = await (await this.container(id)).inspect();
    const finished = Date.parse(State.FinishedAt);
    // The engine says 0001-01-01 for a container that never ended.
    return State.Running || !Number.isFinite(finished) || finished <= 0 ? undefined : finished;
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

  async prune({ dryRun = false, startTimeoutMs }: PruneOptions): Promise<string[]> {
    const candidates = await this.listLabelled(true, undefined, ['created', 'exited', 'dead']);
    const now = Date.now();
    // Pool containers count too: an exited warm container is as dead as any session.
    const ended = candidates.filter((info) => {
      if (!isSessionContainer(info) && !isPoolContainer(info)) return false;
      if (info.State !== 'created') return true;
      // Created but not started: a start in progress, unless it is older than any start may take.
      const born = Date.parse(info.Labels[LABEL.created] ?? '') || info.Created * 1000;
      return now - born > startTimeoutMs;
    });
    if (dryRun) return ended.map((info) => info.Labels[LABEL.session]!).sort();
    const removed: string[] = [];
    await Promise.all(
      ended.map(async (info) => {
        try {
          // Without force: the engine refuses a container that started running since it was listed.
          await this.docker.getContainer(info.Id).remove({ v: true });
          removed.push(info.Labels[LABEL.session]!);
        } catch (error) {
          if (!isNotFound(error) && !isConflict(error)) throw error;
        }
      }),
    );
    return removed.sort();
  }

  async reap(now = Date.now()): Promise<string[]> {
    const expired = (await this.list()).filter((session) => session.state === 'running' && isExpired(session.created, session.maxAgeSeconds ?? undefined, now));
    // Warm containers nobody claimed within the maximum age go too: they are no one's session yet.
    const stale = (await this.listLabelled(true)).filter(
      (info) => isPoolContainer(info) && isExpired(info.Labels[LABEL.created] ?? '', labelNumber(info.Labels[LABEL.maxAge]) ?? undefined, now),
    );
    await Promise.all([
      ...expired.map((session) => this.stop(session.id)),
      ...stale.map((info) => this.docker.getContainer(info.Id).remove({ force: true, v: true }).catch(() => undefined)),
    ]);
    return expired.map((session) => session.id);
  }

  async attach(id: string): Promise<AttachedTerminal> {
    const container = await this.container(id);
    const inspect = await container.inspect();
    if (!inspect.Config.Tty) {
      throw new BerthError(
        `Session ${id} has no terminal to attach to: it runs a prompt or a command.`,
        `Follow its output with \`berth session logs ${id} --follow\`, or run a shell in it with \`berth session exec -it ${id} -- sh\`.`,
        'SESSION_NOT_INTERACTIVE',
      );
    }
    if (!inspect.State.Running) throw new BerthError(`Session ${id} is not running.`, 'Start a new session.', 'SESSION_NOT_RUNNING');
    const stream = (await container.attach({ stream: true, stdin: true, stdout: true, stderr: true, hijack: true, detachKeys: 'ctrl-p,ctrl-q' })) as NodeJS.ReadWriteStream & {
      destroy(): void;
    };
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
