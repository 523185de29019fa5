import { readdir, realpath, stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type Docker from 'dockerode';
import { BerthError, describeError } from '../errors.js';
import type { Origin } from '../operations.js';
import { printable } from '../text.js';
import { BERTH_VERSION } from '../version.js';
import { CLAUDE, SHELL } from './agent/commands.js';
import { archivedLogs, archivedSessions, archiveSession } from './archive.js';
import { AuditLog } from './audit.js';
import { DockerProvider } from './docker/dockerProvider.js';
import { connectDocker, probeEngine } from './docker/engine.js';
import { WarmPool } from './docker/warmPool.js';
import { newSessionId, resolveSessionId } from './labels.js';
import { Lease, leaseAgeMs, leaseFolder } from './lease.js';
import type { SessionOwner } from './owner.js';
import { ProcessProvider } from './process/processProvider.js';
import type { ExecutionProvider } from './provider.js';
import { planReconcile, stopsAt, type ReconcileAction } from './reconcile.js';
import { redact } from './secrets.js';
import { defaultSettings, type SessionSettings } from './settings.js';
import { buildSpec, type SessionRequest } from './spec.js';
import { StartMarks } from './startMarks.js';
import { watchEgress } from './egress/watch.js';
import { discardEgress, doorAlive, egressConfig, egressTally, launchDoor, prepareEgress, refusedHosts, stopDoor, type DoorLauncher, type EgressTally } from './egress/doorProcess.js';
import type { AttachedTerminal, Disposable, ExecOptions, LogOptions, LogStream, Session, SessionEvent, SessionSpec, SessionStats } from './types.js';
import { canWrite, invokingUser, userString } from './user.js';

export interface SessionServiceDependencies {
  /** An explicit engine address (berth.docker.host); empty means DOCKER_HOST, the context, the socket. */
  dockerHost?: () => string | undefined;
  settings?: () => Partial<SessionSettings>;
  /**
   * Values handed to agent sessions out of band, e.g. { ANTHROPIC_API_KEY } from SecretStorage
   * (extension) or the environment (CLI).
   */
  secrets?: () => Promise<Record<string, string>> | Record<string, string>;
  /** The folder the warm pool mounts (the open workspace); no pool without one. */
  poolWorkspace?: () => string | undefined;
  /** Who owns what this service starts when a call names no owner: the window, for the extension. */
  owner?: SessionOwner;
  /** How to run Berth's CLI again, detached, for an egress session's door; no egress sessions without it. */
  door?: DoorLauncher;
}

interface Engine {
  docker?: DockerProvider;
  /** Why there is no engine; undefined when there is one. */
  down?: { message: string; hint: string; explicit: boolean; refused: boolean };
}

/** What a lifecycle call is told about its caller: who asks (for the audit) and what to tell them. */
export interface CallContext {
  origin: Origin;
  signal?: AbortSignal;
  /** Something the person must hear, such as a session that runs without isolation. */
  warn?(message: string): void;
  /** Who the sessions it starts belong to (an MCP client, a CLI in the foreground); else the service's owner. */
  owner?: SessionOwner;
}

/** A reconciler action as it went: done, or why not. */
export interface ReconcileOutcome extends ReconcileAction {
  done: boolean;
  error?: string;
}

/**
 * The sessions engine as the faces use it: picks the provider (Docker, or the unisolated process
 * fallback), builds specs from requests, finds sessions by id prefix across providers, owns each
 * step of a session's life with its audit line, and keeps one Docker connection and the warm pool.
 */
export class SessionService {
  private engine?: { at: number; value: Promise<Engine> };
  private processProvider?: ProcessProvider;
  private pool?: WarmPool;
  private ownLease?: Promise<Lease>;

  constructor(private readonly deps: SessionServiceDependencies = {}) {}

  settings(): SessionSettings {
    return { ...defaultSettings(), ...this.deps.settings?.() };
  }

  /**
   * The same engine, secrets and door with some settings changed, for a check that must start a
   * session relaxed (as root, say) without touching the person's settings. It owns nothing: what
   * it starts is detached, and it holds no lease of its own.
   */
  withSettings(overrides: Partial<SessionSettings>): SessionService {
    const { owner: _owner, ...deps } = this.deps;
    return new SessionService({ ...deps, settings: () => ({ ...this.deps.settings?.(), ...overrides }) });
  }

  async secrets(): Promise<Record<string, string>> {
    const values = (await this.deps.secrets?.()) ?? {};
    return Object.fromEntries(Object.entries(values).filter(([, value]) => value));
  }

  /** Removes every secret value from a text meant for a person or a log. */
  async redact(text: string): Promise<string> {
    return redact(text, Object.values(await this.secrets()));
  }

  async audit(): Promise<AuditLog> {
    const secrets = Object.values(await this.secrets());
    return new AuditLog(this.settings().auditLog, (text) => redact(text, secrets));
  }

  private async record(origin: Origin, action: string, session?: string, detail?: Record<string, unknown>): Promise<void> {
    await (await this.audit()).append({ origin, action, ...(session ? { session } : {}), ...(detail ? { detail } : {}) });
  }

  processes(): ProcessProvider {
    this.processProvider ??= new ProcessProvider(this.settings().processStateDir, BERTH_VERSION);
    return this.processProvider;
  }

  /**
   * Forgets the engine connection, so that the next call connects again: after the person points
   * Berth at another engine (the berth.docker.host setting).
   */
  reconnect(): void {
    this.engine = undefined;
    this.pool = undefined;
  }

  /** The Docker provider, or why there is none; a failed probe is retried after five seconds. */
  async dockerEngine(): Promise<Engine> {
    const fresh = this.engine && (Date.now() - this.engine.at < 5000 || (await this.engine.value).docker);
    if (!fresh) this.engine = { at: Date.now(), value: this.connect() };
    return this.engine!.value;
  }

  private async connect(): Promise<Engine> {
    const explicitHost = this.deps.dockerHost?.();
    // What the engine says of itself (userns-remap, for the start's warning) is asked beside the
    // probe rather than after it: a CLI start needs both, one round trip sooner.
    let client: ReturnType<typeof connectDocker> | undefined;
    try {
      client = connectDocker({ explicitHost });
    } catch {
      // An address Berth cannot use: the probe says why.
    }
    const info = client?.docker.info().catch(() => undefined);
    const status = await probeEngine({ explicitHost });
    if (!status.reachable) return { down: { message: status.error, hint: status.fix, explicit: status.source !== 'default', refused: status.refused } };
    const { docker } = client ?? connectDocker({ explicitHost });
    this.pool = this.makePool(docker);
    return { docker: new DockerProvider(docker, { version: BERTH_VERSION, ...(info ? { info } : {}), ...(this.pool ? { pool: this.pool } : {}) }) };
  }

  private makePool(docker: Docker): WarmPool | undefined {
    const settings = this.settings();
    const workspace = this.deps.poolWorkspace?.();
    if (settings.warmPool <= 0 || !workspace) return undefined;
    // Made for the service's own owner: only its starts can claim them (the owner is in the labels, which the pool key covers).
    const spec = buildSpec({ workspace, agent: SHELL }, settings, { invoker: invokingUser(), secrets: {}, insideContainer: true, ...(this.deps.owner ? { owner: this.deps.owner } : {}) });
    return new WarmPool(docker, spec, settings.warmPool, BERTH_VERSION);
  }

  /** Tops the warm pool up (after a claim, or at start-up); no-op without a pool. */
  async fillPool(): Promise<number> {
    await this.dockerEngine();
    return this.pool ? this.pool.fill() : 0;
  }

  async drainPool(): Promise<void> {
    await this.dockerEngine();
    await this.pool?.drain();
  }

  private engineDown(down: NonNullable<Engine['down']>): BerthError {
    return new BerthError(down.message, down.hint, down.refused ? 'ENGINE_REFUSED' : 'ENGINE_DOWN');
  }

  /**
   * Whether sessions may fall back to local processes: only when no engine was named (setting,
   * DOCKER_HOST, a context) and none answers at the usual place. An engine that is there but
   * refuses this user is a problem to fix, not a reason to drop isolation.
   */
  private mayFallBack(down: NonNullable<Engine['down']>): boolean {
    return this.settings().provider !== 'docker' && !down.explicit && !down.refused;
  }

  /** The providers to look sessions up in: Docker when reachable, and always the process records. */
  async providers(): Promise<ExecutionProvider[]> {
    const settings = this.settings();
    if (settings.provider === 'process') return [this.processes()];
    const engine = await this.dockerEngine();
    if (engine.docker) return settings.provider === 'docker' ? [engine.docker] : [engine.docker, this.processes()];
    if (!this.mayFallBack(engine.down!)) throw this.engineDown(engine.down!);
    return [this.processes()];
  }

  /** Where a new session goes; the fallback only when the user named no engine and no image. */
  async providerForStart(request: { image?: string }, warn: (message: string) => void): Promise<ExecutionProvider> {
    const settings = this.settings();
    if (settings.provider === 'process') {
      warn('BERTH_PROVIDER=process: the session runs as a local process, NOT isolated.');
      return this.processes();
    }
    const engine = await this.dockerEngine();
    if (engine.docker) return engine.docker;
    if (!this.mayFallBack(engine.down!) || request.image) throw this.engineDown(engine.down!);
    warn(`${engine.down!.message} The session runs as a local process, NOT isolated: the agent has all of your rights. ${engine.down!.hint}`);
    return this.processes();
  }

  async start(request: SessionRequest, context: CallContext): Promise<Session> {
    const warn = context.warn ?? (() => undefined);
    const workspace = await checkWorkspace(request.workspace);
    const provider = await this.providerForStart(request, warn);
    const secrets = await this.secrets();
    const owner = context.owner ?? this.deps.owner;
    if (owner === this.deps.owner) await this.holdOwnLease();
    const spec = buildSpec({ ...request, workspace }, this.settings(), { invoker: invokingUser(), secrets, insideContainer: provider.isolated, ...(owner ? { owner } : {}) });
    await this.checkLease(spec);
    if (provider.isolated && spec.command[0] === CLAUDE && !spec.secrets.ANTHROPIC_API_KEY) {
      throw new BerthError('ANTHROPIC_API_KEY is not set, so Claude Code could not reach the API.', 'Set it in the environment: export ANTHROPIC_API_KEY=sk-ant-...', 'API_KEY_MISSING');
    }
    if (provider instanceof DockerProvider && (await provider.remapsUsers())) {
      warn(
        `The Docker engine remaps users (userns-remap): the session's uid ${userString(spec.user)} is a subordinate uid on the host, so what the agent writes belongs to that uid, not to you, ` +
          'and it can write the workspace only where that uid may. Share the workspace with that uid, or use an engine without userns-remap.',
      );
    } else if (provider.isolated) await warnIfUnwritable(spec, warn);
    if (provider.isolated && spec.agent !== SHELL && (spec.network === 'bridge' || spec.network === 'host')) {
      warn(`The agent runs with --network ${spec.network}: its egress is unrestricted (anything it reads could send your workspace anywhere). --network egress lets only the API and the hosts you allow through.`);
    }
    await this.checkCaps(spec);
    const reconciling = this.reconcile(context).catch(() => []);
    // Marked before anything exists, cleared once started and audited: a start killed in between is
    // the reconciler's to clean up.
    const marks = new StartMarks(this.settings().startsDir);
    const id = newSessionId();
    await marks.mark(id);
    try {
      return await this.startMarked(provider, spec, id, context);
    } finally {
      await marks.clear(id);
      await reconciling;
    }
  }

  private async startMarked(provider: ExecutionProvider, given: SessionSpec, id: string, context: CallContext): Promise<Session> {
    const spec = given.network === 'egress' && provider.isolated ? await this.openDoor(given, id, context) : given;
    let session: Session;
    try {
      session = await provider.start(spec, { id, ...(context.signal ? { signal: context.signal } : {}) });
    } catch (error) {
      if (spec.egress?.folder) await discardEgress(spec.egress.folder);
      throw error;
    }
    try {
      // Two starts racing past the check above both got created: the later ones give way.
      await this.checkCaps(spec, session);
    } catch (error) {
      await provider.remove(session.id).catch(() => undefined);
      throw error;
    }
    try {
      await this.record(context.origin, 'start', session.id, { provider: session.provider, image: session.image, workspace: session.workspace, agent: session.agent, user: session.user });
    } catch (error) {
      // A session the audit log does not know of must not run: roll the start back.
      await provider.remove(session.id).catch(() => undefined);
      throw new BerthError(
        `The session was not started: its audit line could not be written to ${this.settings().auditLog} (${describeError(error).message}).`,
        'Make that file writable, or point BERTH_AUDIT_LOG at one you may write.',
        'AUDIT_FAILED',
      );
    }
    if (provider.isolated && this.settings().warmPool > 0) void this.fillPool().catch(() => undefined);
    return session;
  }

  /** The providers' sessions as their records say, without the lease and door state `list` adds. */
  private async recorded(options: { all?: boolean }): Promise<Session[]> {
    const lists = await Promise.all((await this.providers()).map((provider) => provider.list(options)));
    return lists.flat().sort((a, b) => b.created.localeCompare(a.created));
  }

  async list(options: { all?: boolean } = {}): Promise<Session[]> {
    const sessions = await this.recorded(options);
    const leases = await this.leaseAges(sessions);
    const now = Date.now();
    const { egressDir } = this.settings();
    return Promise.all(
      sessions.map(async (session) => {
        const deadline = stopsAt(session, { now, leaseAgeMs: (owner) => leases.get(owner), graceSeconds: () => this.settings().leaseGraceSeconds });
        const egress = session.egress && (await this.doorState(session, join(egressDir, session.id)));
        return { ...session, ...(deadline === undefined ? {} : { stopsAt: new Date(deadline).toISOString() }), ...(egress ? { egress } : {}) };
      }),
    );
  }

  /** How an egress session's door does: up or down while the session runs, and what it refused. */
  private async doorState(session: Session, folder: string): Promise<Session['egress']> {
    const running = session.state === 'running' || session.state === 'starting';
    return { allow: session.egress!.allow, door: running ? ((await doorAlive(folder)) ? 'up' : 'down') : null, refused: await refusedHosts(folder) };
  }

  /** How long ago each owner of a session that ends with its owner renewed its lease. */
  private async leaseAges(sessions: readonly Session[]): Promise<Map<string, number | undefined>> {
    const owners = [...new Set(sessions.filter((s) => s.policy === 'owner' && s.owner).map((s) => s.owner!))];
    const { leasesDir } = this.settings();
    return new Map(await Promise.all(owners.map(async (owner) => [owner, await leaseAgeMs(leasesDir, owner)] as const)));
  }

  /**
   * Renews the lease of the service's own owner (the window) from now until the service is
   * disposed; a no-op for a service without one. Called by the first start at the latest.
   */
  async holdOwnLease(): Promise<void> {
    const owner = this.deps.owner;
    if (!owner?.leased) return;
    this.ownLease ??= this.holdLease(owner);
    await this.ownLease;
  }

  /** Stops renewing the service's own lease: its sessions that end with it stop after the grace period. */
  dispose(): void {
    void this.ownLease?.then((lease) => lease.dispose(), () => undefined);
    this.ownLease = undefined;
  }

  /** An egress session's door, started before its container: the session must find it there. */
  private async openDoor(spec: SessionSpec, id: string, context: CallContext): Promise<SessionSpec> {
    const settings = this.settings();
    if (!this.deps.door) {
      throw new BerthError('This face of Berth cannot start the egress door that a session with --network egress needs.', 'Start the session from the berth CLI or VS Code, or choose another --network.', 'EGRESS_UNSUPPORTED');
    }
    const folder = join(settings.egressDir, id);
    await prepareEgress(folder, { session: id, allow: spec.egress!.allow, upstreams: settings.egressUpstreams, auditLog: settings.auditLog, origin: context.origin });
    try {
      await launchDoor(folder, this.deps.door);
    } catch (error) {
      await discardEgress(folder);
      throw error;
    }
    return { ...spec, egress: { allow: spec.egress!.allow, folder } };
  }

  /** What an egress session's door allowed and refused, and whether it is up. */
  async egress(prefix: string): Promise<{ id: string; allow: string[]; door: 'up' | 'down' | null; requests: EgressTally[] }> {
    const { session: raw } = await this.find(prefix);
    // Listed again for the door's state, which only the service's list adds.
    const found = (await this.list({ all: true })).find((s) => s.id === raw.id) ?? raw;
    if (!found.egress) throw new BerthError(`Session ${found.id} has no egress door: its network is ${found.network ?? 'unknown'}.`, 'Sessions started with --network egress (the default for agents) have one.', 'INPUT_INVALID');
    return { id: found.id, allow: found.egress.allow, door: found.egress.door, requests: await egressTally(join(this.settings().egressDir, found.id)) };
  }

  /** Restarts the door of a running egress session (after it died: the session then has no egress at all). */
  async restartDoor(prefix: string, context: CallContext): Promise<{ id: string; restarted: boolean }> {
    const { session } = await this.find(prefix);
    const folder = join(this.settings().egressDir, session.id);
    if (session.network !== 'egress' || !(await egressConfig(folder))) throw new BerthError(`Session ${session.id} has no egress door.`, 'Only sessions started with --network egress have one.', 'INPUT_INVALID');
    if (await doorAlive(folder)) return { id: session.id, restarted: false };
    if (!this.deps.door) throw new BerthError('This face of Berth cannot start egress doors.', 'Run berth session egress ID --restart from the CLI.', 'EGRESS_UNSUPPORTED');
    await launchDoor(folder, this.deps.door);
    await this.record(context.origin, 'egress-door-restarted', session.id);
    return { id: session.id, restarted: true };
  }

  /** Renews the owner's lease until disposed: what a face does while it lives. */
  async holdLease(owner: SessionOwner): Promise<Lease> {
    return Lease.hold(leaseFolder(this.settings().leasesDir, owner.id));
  }

  /** A session that ends with its owner needs the owner's lease there at the start, or its watchdog could not tell. */
  private async checkLease(spec: SessionSpec): Promise<void> {
    const { policy, owner } = spec.ownership;
    if (policy !== 'owner' || (await leaseAgeMs(this.settings().leasesDir, owner)) !== undefined) return;
    throw new BerthError(`The session would end with its owner (${owner}), which holds no lease.`, 'This is a bug in the face that started it; start it detached meanwhile.', 'LEASE_MISSING');
  }

  /**
   * At most maxSessionsPerOwner running sessions per owner and maxSessions in all. Given the new
   * session, checks again after its creation, for starts that raced past the first check: a start
   * that then finds its owner over the cap gives way. Racers that see each other may all give way;
   * none can be revoked once it passed, so that is the only rule that never ends above the cap.
   */
  private async checkCaps(spec: SessionSpec, created?: Session): Promise<void> {
    const { maxSessionsPerOwner, maxSessions } = this.settings();
    // States and owners are all a cap needs: the records, without the lease and door reads of list().
    const live = (await this.recorded({ all: true }).catch(() => [] as Session[])).filter((s) => s.state === 'running' || s.state === 'starting' || s.id === created?.id);
    const mine = live.filter((s) => s.owner === spec.ownership.owner);
    const over = (list: Session[], cap: number) => (created ? list.length > cap : list.length >= cap);
    if (over(mine, maxSessionsPerOwner)) {
      throw new BerthError(
        `This owner (${spec.ownership.owner}) already has ${maxSessionsPerOwner} running sessions, the most one owner may have.`,
        'Stop one (berth session stop ID), or raise the cap: the berth.sessions.maxSessionsPerOwner setting, or BERTH_MAX_SESSIONS_PER_OWNER for the CLI.',
        'SESSION_CAP_REACHED',
      );
    }
    if (over(live, maxSessions)) {
      throw new BerthError(
        `${maxSessions} sessions are running, the most Berth runs at once.`,
        'Stop one (berth session stop ID), or raise the cap: the berth.sessions.maxSessions setting, or BERTH_MAX_SESSIONS for the CLI.',
        'SESSION_CAP_REACHED',
      );
    }
  }

  /**
   * Brings the engine in line with the policies: stops sessions whose owner is gone or that are past
   * their maximum age, removes half-made ones, and archives then removes those ended longer ago than
   * the retention period. Each action is audited with its reason; with dryRun, only planned.
   */
  async reconcile(context: CallContext, options: { dryRun?: boolean } = {}): Promise<ReconcileOutcome[]> {
    const providers = await this.providers();
    const settings = this.settings();
    // The marks before the list: a starter found dead here made all it will make before the list
    // below, so a mark whose session the list lacks made nothing (or its create is still in the
    // engine's hands, which the start timeout bounds).
    const marks = new StartMarks(settings.startsDir);
    const marked = await marks.abandoned();
    const abandoned = new Set(marked.map((mark) => mark.id));
    const sessions = await this.list({ all: true });
    const leases = await this.leaseAges(sessions);
    const ended = sessions.filter((s) => s.state === 'exited' || s.state === 'dead');
    const byKind = new Map(providers.map((provider) => [provider.kind, provider]));
    const finished = new Map(
      settings.retentionSeconds > 0
        ? await Promise.all(ended.map(async (s) => [s.id, await byKind.get(s.provider)?.finishedAt(s.id).catch(() => undefined)] as const))
        : [],
    );
    const plan = planReconcile(sessions, {
      abandoned,
      now: Date.now(),
      leaseAgeMs: (owner) => leases.get(owner),
      finishedAt: (id) => finished.get(id),
      graceSeconds: () => settings.leaseGraceSeconds,
      startTimeoutMs: settings.startTimeoutMs,
      retentionSeconds: settings.retentionSeconds,
    });
    if (options.dryRun) return plan.map((action) => ({ ...action, done: false }));
    const planned = new Set(plan.map((action) => action.id));
    // A killed start that made nothing leaves only its mark, cleared once no create of it can still land.
    await Promise.all(marked.filter((mark) => !planned.has(mark.id) && mark.ageMs > settings.startTimeoutMs).map((mark) => marks.clear(mark.id)));
    // Warm containers nobody claimed within the maximum age are no one's session: the providers' own reap.
    await Promise.all(providers.map((provider) => provider.reap().catch(() => [])));
    await this.tendDoors(sessions, abandoned, context);
    const byId = new Map(sessions.map((s) => [s.id, s]));
    return Promise.all(
      plan.map(async (action): Promise<ReconcileOutcome> => {
        const provider = byKind.get(action.provider)!;
        try {
          if (action.action === 'stop') await provider.stop(action.id, { graceSeconds: settings.stopGraceSeconds });
          else {
            if (action.reason === 'retention') await archiveSession(settings.archiveDir, byId.get(action.id)!, await provider.logs(action.id));
            await provider.remove(action.id);
            await discardEgress(join(settings.egressDir, action.id));
          }
          await this.record(context.origin, `reconcile-${action.action}`, action.id, { reason: action.reason });
          if (abandoned.has(action.id)) await marks.clear(action.id);
          return { ...action, done: true };
        } catch (error) {
          return { ...action, done: false, error: await this.redact(describeError(error).message) };
        }
      }),
    );
  }

  /**
   * Doors follow their sessions: a running egress session whose door died gets a new one (until
   * then it has no egress at all); an ended one's door stops (its record stays for `session
   * egress`); a folder whose session is gone, and that no start in progress owns, is removed.
   */
  private async tendDoors(sessions: readonly Session[], abandoned: ReadonlySet<string>, context: CallContext): Promise<void> {
    const { egressDir, startTimeoutMs } = this.settings();
    const byId = new Map(sessions.map((s) => [s.id, s]));
    const folders = await readdir(egressDir).catch(() => [] as string[]);
    await Promise.all(
      folders.map(async (id) => {
        const folder = join(egressDir, id);
        const session = byId.get(id);
        if (!session || abandoned.has(id)) {
          const age = Date.now() - ((await stat(folder).catch(() => undefined))?.mtimeMs ?? 0);
          if (abandoned.has(id) || age > startTimeoutMs) await discardEgress(folder);
          return;
        }
        const running = session.state === 'running' || session.state === 'starting';
        if (!running) return stopDoor(folder).catch(() => undefined);
        if (this.deps.door && !(await doorAlive(folder)) && (await egressConfig(folder))) {
          await launchDoor(folder, this.deps.door).catch(() => undefined);
          await this.record(context.origin, 'egress-door-restarted', id).catch(() => undefined);
        }
      }),
    );
  }

  /** A session's output: live from its provider, or from the archive once the reconciler removed it. */
  async logs(prefix: string, options: LogOptions): Promise<{ session: Session; stream: LogStream }> {
    const archiveDir = this.settings().archiveDir;
    try {
      const { provider, session } = await this.find(prefix);
      return { session, stream: await provider.logs(session.id, options) };
    } catch (error) {
      if (!(error instanceof BerthError) || error.code !== 'SESSION_NOT_FOUND') throw error;
      const archived = await archivedSessions(archiveDir);
      if (archived.length === 0) throw error;
      const id = resolveSessionId(
        archived.map((s) => s.id),
        prefix,
      );
      return { session: archived.find((s) => s.id === id)!, stream: archivedLogs(archiveDir, id, options.tail) };
    }
  }

  /** The session an id or unique id prefix names, with the provider that holds it. */
  async find(prefix: string): Promise<{ provider: ExecutionProvider; session: Session }> {
    const providers = await this.providers();
    const all = (await Promise.all(providers.map(async (provider) => (await provider.list({ all: true })).map((session) => ({ provider, session }))))).flat();
    const id = resolveSessionId(
      all.map((entry) => entry.session.id),
      prefix,
    );
    return all.find((entry) => entry.session.id === id)!;
  }

  async exec(prefix: string, command: string[], options: ExecOptions, context: CallContext): Promise<{ id: string; exitCode: number }> {
    const { provider, session } = await this.find(prefix);
    await this.record(context.origin, 'exec', session.id, { command });
    const { exitCode } = await provider.exec(session.id, command, { ...options, ...(context.signal ? { signal: context.signal } : {}) });
    return { id: session.id, exitCode };
  }

  /** SIGTERM, then SIGKILL after the grace period; the exit code once it has ended. */
  async stop(prefix: string, context: CallContext): Promise<{ id: string; exitCode: number | null }> {
    const { provider, session } = await this.find(prefix);
    await provider.stop(session.id, { graceSeconds: this.settings().stopGraceSeconds });
    await this.record(context.origin, 'stop', session.id);
    return { id: session.id, exitCode: (await provider.get(session.id))?.exitCode ?? null };
  }

  async remove(prefix: string, context: CallContext): Promise<{ id: string }> {
    const { provider, session } = await this.find(prefix);
    await provider.remove(session.id);
    await discardEgress(join(this.settings().egressDir, session.id));
    await this.record(context.origin, 'remove', session.id);
    return { id: session.id };
  }

  /** Applies the policies (the reconciler), then removes every ended session (or only lists them). */
  async prune(options: { dryRun: boolean }, context: CallContext): Promise<{ reaped: string[]; removed: string[] }> {
    const providers = await this.providers();
    const reaped = options.dryRun ? [] : (await this.reconcile(context)).filter((a) => a.action === 'stop' && a.done).map((a) => a.id);
    const startTimeoutMs = this.settings().startTimeoutMs;
    const removed = (await Promise.all(providers.map((provider) => provider.prune({ dryRun: options.dryRun, startTimeoutMs })))).flat();
    if (!options.dryRun) await Promise.all(removed.map((id) => discardEgress(join(this.settings().egressDir, id))));
    if (!options.dryRun) await this.record(context.origin, 'prune', undefined, { reaped, removed });
    return { reaped, removed };
  }

  /** The terminal of an interactive session (its Claude Code TUI), for a person to use. */
  async attach(prefix: string, context: CallContext): Promise<{ id: string; terminal: AttachedTerminal }> {
    const { provider, session } = await this.find(prefix);
    const terminal = await provider.attach(session.id);
    await this.record(context.origin, 'attach', session.id).catch((error: unknown) => {
      terminal.dispose();
      throw error;
    });
    return { id: session.id, terminal };
  }

  /** A sample of a running session's CPU, memory and processes, from the provider that holds it. */
  async stats(session: Pick<Session, 'id' | 'provider'>): Promise<SessionStats> {
    const provider = (await this.providers()).find((candidate) => candidate.kind === session.provider);
    if (!provider) throw new BerthError(`No ${session.provider} sessions can be reached now.`, 'Run berth doctor.', 'ENGINE_DOWN');
    return provider.stats(session.id);
  }

  /** Lifecycle events from every provider: the engine's event stream for Docker. */
  async subscribe(listener: (event: SessionEvent & { provider: string }) => void, onError?: (error: Error) => void): Promise<Disposable> {
    const subscriptions = (await this.providers()).map((provider) => provider.subscribe((event) => listener({ ...event, provider: provider.kind }), onError));
    return { dispose: () => subscriptions.forEach((subscription) => subscription.dispose()) };
  }

  /** Hears the egress changes a session list shows (refusals, doors up or down), which are no engine events. */
  watchEgress(onChange: (id: string) => void, onError?: (error: Error) => void): Disposable {
    return watchEgress(this.settings().egressDir, onChange, onError);
  }
}

async function checkWorkspace(path: string): Promise<string> {
  const absolute = resolve(path);
  const info = await stat(absolute).catch(() => undefined);
  if (!info?.isDirectory()) {
    throw new BerthError(`The workspace ${printable(absolute)} is not a folder that exists.`, 'Pass --workspace DIR with an existing folder.', 'WORKSPACE_MISSING');
  }
  return realpath(absolute);
}

/** The session runs as the person; say so at the start when that person cannot write the workspace. */
async function warnIfUnwritable(spec: SessionSpec, warn: (message: string) => void): Promise<void> {
  if (spec.mount !== 'rw') return;
  const folder = await stat(spec.workspace);
  if (canWrite(spec.user, { uid: folder.uid, gid: folder.gid, mode: folder.mode })) return;
  warn(
    `The session runs as you (uid ${userString(spec.user)}, without capabilities), and the workspace ${printable(spec.workspace)} belongs to uid ${folder.uid} with mode ${(folder.mode & 0o7777).toString(8)}: ` +
      'the agent will not be able to write it. Run Berth as the owner of the folder, or set BERTH_SESSION_USER to uid:gid of an account that may write it.',
  );
}
