import { join } from 'node:path';
import { defaultAuditPath, stateDir } from './audit.js';
import { DEFAULT_LIMITS } from './hardening.js';
import { DEFAULT_AGENT_IMAGE } from './image.js';
import type { Limits } from './types.js';

/** The berth.sessions.* settings (extension) or BERTH_* variables (CLI); every relaxation of hardening lives here. */
export interface SessionSettings {
  image: string;
  /** auto: Docker when reachable, else the unisolated process fallback (only for the default endpoint). */
  provider: 'auto' | 'docker' | 'process';
  auditLog: string;
  /** Ready containers kept for shell sessions on the pool workspace; 0 turns the pool off. */
  warmPool: number;
  maxAgeSeconds: number;
  startTimeoutMs: number;
  stopGraceSeconds: number;
  limits: Limits;
  /** Other agents' command templates by name, `{prompt}` marking the prompt's place. */
  agents: Record<string, string>;
  /** uid:gid instead of the workspace owner's. */
  user?: string;
  writableRoot: boolean;
  /** Where the process provider keeps its records. */
  processStateDir: string;
}

export function defaultSettings(env: NodeJS.ProcessEnv = process.env): SessionSettings {
  return {
    image: DEFAULT_AGENT_IMAGE,
    provider: 'auto',
    auditLog: defaultAuditPath(env),
    warmPool: 0,
    maxAgeSeconds: 8 * 3600,
    startTimeoutMs: 60_000,
    stopGraceSeconds: 10,
    limits: DEFAULT_LIMITS,
    agents: {},
    writableRoot: false,
    processStateDir: join(stateDir(env), 'process-sessions'),
  };
}

const number = (value: string | undefined) => (value?.trim() && Number.isFinite(Number(value)) ? Number(value) : undefined);

/** The CLI's settings: BERTH_IMAGE, BERTH_PROVIDER, BERTH_AUDIT_LOG, BERTH_WARM_POOL, BERTH_MAX_AGE, BERTH_SESSION_USER, BERTH_AGENT_<NAME>. */
export function settingsFromEnv(env: NodeJS.ProcessEnv = process.env): Partial<SessionSettings> {
  const agents = Object.fromEntries(
    Object.entries(env)
      .filter(([key, value]) => key.startsWith('BERTH_AGENT_') && value)
      .map(([key, value]) => [key.slice('BERTH_AGENT_'.length).toLowerCase(), value!]),
  );
  const provider = env.BERTH_PROVIDER;
  return {
    ...(env.BERTH_IMAGE ? { image: env.BERTH_IMAGE } : {}),
    ...(provider === 'auto' || provider === 'docker' || provider === 'process' ? { provider } : {}),
    ...(env.BERTH_AUDIT_LOG ? { auditLog: env.BERTH_AUDIT_LOG } : {}),
    ...(number(env.BERTH_WARM_POOL) !== undefined ? { warmPool: number(env.BERTH_WARM_POOL)! } : {}),
    ...(number(env.BERTH_MAX_AGE) !== undefined ? { maxAgeSeconds: number(env.BERTH_MAX_AGE)! } : {}),
    ...(env.BERTH_SESSION_USER ? { user: env.BERTH_SESSION_USER } : {}),
    ...(Object.keys(agents).length ? { agents } : {}),
  };
}
