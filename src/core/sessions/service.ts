import { statSync } from 'node:fs';
import { realpath, stat } from 'node:fs/promises';
import { resolve } from 'node:path';
import type Docker from 'dockerode';
import { BerthError } from '../errors.js';
import { BERTH_VERSION } from '../version.js';
import { SHELL } from './agent/commands.js';
import { AuditLog } from './audit.js';
import { DockerProvider } from './docker/dockerProvider.js';
import { connectDocker, probeEngine } from './docker/engine.js';
import { WarmPool } from './docker/warmPool.js';
import { resolveSessionId } from './labels.js';
import { ProcessProvider } from './process/processProvider.js';
import type { ExecutionProvider } from './provider.js';
import { redact } from './secrets.js';
import { defaultSettings, type SessionSettings } from './settings.js';
import { buildSpec, type SessionRequest } from './spec.js';
import type { Disposable, Session, SessionEvent } from './types.js';

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
}

interface Engine {
  docker?: DockerProvider;
  /** Why there is no engine; undefined when there is one. */
  down?: { message: string; hint: string; explicit: boolean };
}

/**
 * The sessions engine as the faces use it: picks the provider (Docker, or the unisolated
 * process fallback), builds specs from requests, finds sessions by id prefix across providers,
 * and keeps one Docker connection, one audit log and the warm pool.
 */
export class SessionService {
  private engine?: { at: number; value: Promise<Engine> };
  private processProvider?: ProcessProvider;
  private pool?: WarmPool;

  constructor(private readonly deps: SessionServiceDependencies = {}) {}

  settings(): SessionSettings {
    return { ...defaultSettings(), ...this.deps.settings?.() };
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

  processes(): ProcessProvider {
    this.processProvider ??= new ProcessProvider(this.settings().processStateDir, BERTH_VERSION);
    return this.processProvider;
  }

  /** The Docker provider, or why there is none; a failed probe is retried after five seconds. */
  async dockerEngine(): Promise<Engine> {
    const fresh = this.engine && (Date.now() - this.engine.at < 5000 || (await this.engine.value).docker);
    if (!fresh) this.engine = { at: Date.now(), value: this.connect() };
    return this.engine!.value;
  }

  private async connect(): Promise<Engine> {
    const explicitHost = this.deps.dockerHost?.();
    const status = await probeEngine({ explicitHost });
    if (!status.reachable) return { down: { message: status.error, hint: status.fix, explicit: status.source !== 'default' } };
    const { docker } = connectDocker({ explicitHost });
    this.pool = this.makePool(docker);
    return { docker: new DockerProvider(docker, { version: BERTH_VERSION, ...(this.pool ? { pool: this.pool } : {}) }) };
  }

  private makePool(docker: Docker): WarmPool | undefined {
    const settings = this.settings();
    const workspace = this.deps.poolWorkspace?.();
    if (settings.warmPool <= 0 || !workspace) return undefined;
    const spec = buildSpec({ workspace, agent: SHELL }, settings, { owner: ownerOf(workspace), secrets: {}, insideContainer: true });
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
    return new BerthError(down.message, down.hint, 'ENGINE_DOWN');
  }

  /** The providers to look sessions up in: Docker when reachable, and always the process records. */
  async providers(): Promise<ExecutionProvider[]> {
    const settings = this.settings();
    if (settings.provider === 'process') return [this.processes()];
    const engine = await this.dockerEngine();
    if (engine.docker) return settings.provider === 'docker' ? [engine.docker] : [engine.docker, this.processes()];
    if (settings.provider === 'docker' || engine.down!.explicit) throw this.engineDown(engine.down!);
    return [this.processes()];
  }

  /** Where a new session goes; the fallback only when the user named no engine and no image. */
  async providerForStart(request: { image?: string }, warn: (message: string) => void): Promise<ExecutionProvider> {
    const settings = this.settings();
    if (settings.provider === 'process') return this.processes();
    const engine = await this.dockerEngine();
    if (engine.docker) return engine.docker;
    if (settings.provider === 'docker' || engine.down!.explicit || request.image) throw this.engineDown(engine.down!);
    warn('No Docker engine is reachable: the session runs as a local process, NOT isolated.');
    return this.processes();
  }

  async start(request: SessionRequest, options: { signal?: AbortSignal; warn?: (message: string) => void } = {}): Promise<Session> {
    const workspace = await checkWorkspace(request.workspace);
    const provider = await this.providerForStart(request, options.warn ?? (() => undefined));
    const owner = await stat(workspace);
    const spec = buildSpec({ ...request, workspace }, this.settings(), {
      owner: { uid: owner.uid, gid: owner.gid },
      secrets: await this.secrets(),
      insideContainer: provider.isolated,
    });
    if (spec.agent !== SHELL && provider.isolated && spec.command[0] === 'claude' && !spec.secrets.ANTHROPIC_API_KEY) {
      throw new BerthError('ANTHROPIC_API_KEY is not set, so Claude Code could not reach the API.', 'Set it in the environment (CLI) or with "Berth: Set Anthropic API Key" (VS Code).', 'API_KEY_MISSING');
    }
    return provider.start(spec, { signal: options.signal });
  }

  async list(options: { all?: boolean } = {}): Promise<Session[]> {
    const lists = await Promise.all((await this.providers()).map((provider) => provider.list(options)));
    return lists.flat().sort((a, b) => b.created.localeCompare(a.created));
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

  /** Stops sessions past their maximum age in every provider. */
  async reap(): Promise<string[]> {
    return (await Promise.all((await this.providers()).map((provider) => provider.reap()))).flat();
  }

  /** Lifecycle events from every provider: the engine's event stream for Docker. */
  async subscribe(listener: (event: SessionEvent & { provider: string }) => void, onError?: (error: Error) => void): Promise<Disposable> {
    const subscriptions = (await this.providers()).map((provider) => provider.subscribe((event) => listener({ ...event, provider: provider.kind }), onError));
    return { dispose: () => subscriptions.forEach((subscription) => subscription.dispose()) };
  }
}

async function checkWorkspace(path: string): Promise<string> {
  const absolute = resolve(path);
  const info = await stat(absolute).catch(() => undefined);
  if (!info?.isDirectory()) {
    throw new BerthError(`The workspace ${absolute} is not a folder that exists.`, 'Pass --workspace DIR with an existing folder.', 'WORKSPACE_MISSING');
  }
  return realpath(absolute);
}

function ownerOf(path: string): { uid: number; gid: number } {
  const info = statSync(path);
  return { uid: info.uid, gid: info.gid };
}
