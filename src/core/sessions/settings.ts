import { join } from 'node:path';
import { BerthError } from '../errors.js';
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
  /** uid:gid instead of the person's own (see user.ts). */
  user?: string;
  /** Per file of a session's output the engine keeps, in docker's size syntax (10m). */
  logMaxSize: string;
  /** Files of output kept per session: the oldest goes when the last is full. */
  logMaxFiles: number;
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
    logMaxSize: '10m',
    logMaxFiles: 3,
  };
}

function invalid(name: string, value: string, expected: string): BerthError {
  return new BerthError(`${name} must be ${expected}, not "${value}".`, `Fix or unset ${name}.`, 'SETTING_INVALID');
}

/** A whole number of at least `min`, or undefined when the variable is unset or empty. */
function wholeNumber(env: NodeJS.ProcessEnv, name: string, min: number): number | undefined {
  const value = env[name]?.trim();
  if (!value) return undefined;
  if (!/^\d+$/.test(value) || Number(value) < min) throw invalid(name, value, `a whole number of at least ${min}`);
  return Number(value);
}

const SIZE = /^[1-9]\d*[kmg]?$/;

/**
 * The CLI's settings from BERTH_* variables. A value that is set but wrong is an error naming the
 * variable, never silently ignored: a typo in BERTH_PROVIDER must not start an unisolated session.
 */
export function settingsFromEnv(env: NodeJS.ProcessEnv = process.env): Partial<SessionSettings> {
  const agents = Object.fromEntries(
    Object.entries(env)
      .filter(([key, value]) => key.startsWith('BERTH_AGENT_') && value)
      .map(([key, value]) => [key.slice('BERTH_AGENT_'.length).toLowerCase(), value!]),
  );
  const provider = env.BERTH_PROVIDER?.trim() as SessionSettings['provider'] | '' | undefined;
  if (provider && !['auto', 'docker', 'process'].includes(provider)) throw invalid('BERTH_PROVIDER', provider, 'auto, docker or process');
  const user = env.BERTH_SESSION_USER?.trim();
  if (user && !/^\d+:\d+$/.test(user)) throw invalid('BERTH_SESSION_USER', user, 'uid:gid, such as 1000:1000');
  const logMaxSize = env.BERTH_LOG_MAX_SIZE?.trim().toLowerCase();
  if (logMaxSize && !SIZE.test(logMaxSize)) throw invalid('BERTH_LOG_MAX_SIZE', logMaxSize, 'a size such as 512k, 10m or 1g');
  const warmPool = wholeNumber(env, 'BERTH_WARM_POOL', 0);
  const maxAgeSeconds = wholeNumber(env, 'BERTH_MAX_AGE', 0);
  const logMaxFiles = wholeNumber(env, 'BERTH_LOG_MAX_FILES', 1);
  return {
    ...(env.BERTH_IMAGE?.trim() ? { image: env.BERTH_IMAGE.trim() } : {}),
    ...(provider ? { provider } : {}),
    ...(env.BERTH_AUDIT_LOG?.trim() ? { auditLog: env.BERTH_AUDIT_LOG.trim() } : {}),
    ...(warmPool !== undefined ? { warmPool } : {}),
    ...(maxAgeSeconds !== undefined ? { maxAgeSeconds } : {}),
    ...(user ? { user } : {}),
    ...(logMaxSize ? { logMaxSize } : {}),
    ...(logMaxFiles !== undefined ? { logMaxFiles } : {}),
    ...(Object.keys(agents).length ? { agents } : {}),
  };
}
