import { join } from 'node:path';
import * as z from 'zod';
import { BerthError } from '../errors.js';
import { defaultAuditPath, stateDir } from './audit.js';
import { DEFAULT_LIMITS } from './hardening.js';
import { DEFAULT_AGENT_IMAGE } from './image.js';
import { DEFAULT_ALLOW, parseAllowList } from './egress/allowlist.js';
import { parseUpstreams } from './egress/doorProcess.js';
import { MIN_GRACE_SECONDS } from './owner.js';
import type { Limits, MountMode, NetworkMode } from './types.js';

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
  /** Plain environment for agent sessions (ANTHROPIC_BASE_URL, say): visible in docker inspect, so never a secret. */
  agentEnv: Record<string, string>;
  /** The network of a session that asks for none: agents need the API, shells need nothing. */
  agentNetwork: NetworkMode;
  shellNetwork: NetworkMode;
  /** The workspace mount of a session that asks for none. */
  mount: MountMode;
  /** uid:gid instead of the person's own (see user.ts). */
  user?: string;
  /** Per file of a session's output the engine keeps, in docker's size syntax (10m). */
  logMaxSize: string;
  /** Files of output kept per session: the oldest goes when the last is full. */
  logMaxFiles: number;
  writableRoot: boolean;
  /** Where the process provider keeps its records. */
  processStateDir: string;
  /** Owners' lease folders (lease.ts). */
  leasesDir: string;
  /** Marks of starts in progress (startMarks.ts). */
  startsDir: string;
  /** What is kept of a session once its container is removed: its output and its record. */
  archiveDir: string;
  /** How long an owner's lease may go unrenewed before its sessions that end with it stop. */
  leaseGraceSeconds: number;
  /** How long an ended session is kept before the reconciler archives and removes it; 0 keeps it. */
  retentionSeconds: number;
  /** Egress sessions' door folders (egress/doorProcess.ts). */
  egressDir: string;
  /** Hosts every egress session may reach; a start can add more. */
  egressAllow: string[];
  /** The test hook BERTH_EGRESS_UPSTREAM: name → 127.0.0.1:port. */
  egressUpstreams: Record<string, string>;
  /** Running sessions at once per owner, and in all. */
  maxSessionsPerOwner: number;
  maxSessions: number;
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
    agentEnv: {},
    agentNetwork: 'egress',
    shellNetwork: 'none',
    mount: 'rw',
    writableRoot: false,
    processStateDir: join(stateDir(env), 'process-sessions'),
    leasesDir: join(stateDir(env), 'leases'),
    startsDir: join(stateDir(env), 'starts'),
    egressDir: join(stateDir(env), 'egress'),
    egressAllow: [...DEFAULT_ALLOW],
    egressUpstreams: {},
    archiveDir: join(stateDir(env), 'ended-sessions'),
    leaseGraceSeconds: 120,
    retentionSeconds: 24 * 3600,
    maxSessionsPerOwner: 8,
    maxSessions: 32,
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
  const leaseGraceSeconds = wholeNumber(env, 'BERTH_LEASE_GRACE', MIN_GRACE_SECONDS);
  const retentionSeconds = wholeNumber(env, 'BERTH_RETENTION', 0);
  const maxSessionsPerOwner = wholeNumber(env, 'BERTH_MAX_SESSIONS_PER_OWNER', 1);
  const maxSessions = wholeNumber(env, 'BERTH_MAX_SESSIONS', 1);
  const egressAllow = env.BERTH_EGRESS_ALLOW?.trim() ? env.BERTH_EGRESS_ALLOW.split(',').map((host) => host.trim()).filter(Boolean) : undefined;
  if (egressAllow) {
    try {
      parseAllowList(egressAllow);
    } catch (error) {
      throw invalid('BERTH_EGRESS_ALLOW', env.BERTH_EGRESS_ALLOW!, `host names separated by commas (${(error as Error).message})`);
    }
  }
  const egressUpstreams = parseUpstreams(env.BERTH_EGRESS_UPSTREAM);
  return {
    ...(env.BERTH_IMAGE?.trim() ? { image: env.BERTH_IMAGE.trim() } : {}),
    ...(provider ? { provider } : {}),
    ...(env.BERTH_AUDIT_LOG?.trim() ? { auditLog: env.BERTH_AUDIT_LOG.trim() } : {}),
    ...(warmPool !== undefined ? { warmPool } : {}),
    ...(maxAgeSeconds !== undefined ? { maxAgeSeconds } : {}),
    ...(user ? { user } : {}),
    ...(logMaxSize ? { logMaxSize } : {}),
    ...(logMaxFiles !== undefined ? { logMaxFiles } : {}),
    ...(leaseGraceSeconds !== undefined ? { leaseGraceSeconds } : {}),
    ...(retentionSeconds !== undefined ? { retentionSeconds } : {}),
    ...(maxSessionsPerOwner !== undefined ? { maxSessionsPerOwner } : {}),
    ...(maxSessions !== undefined ? { maxSessions } : {}),
    ...(egressAllow ? { egressAllow: [...DEFAULT_ALLOW, ...egressAllow] } : {}),
    ...(Object.keys(egressUpstreams).length ? { egressUpstreams } : {}),
    ...(Object.keys(agents).length ? { agents } : {}),
  };
}

const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/**
 * The berth.sessions.* settings as VS Code hands them over (raw JSON values, keyed as in the
 * settings), mapped onto the engine's settings like the BERTH_* variables above. A setting with a
 * wrong value falls back to its default and is named in `problems`, one sentence each, for the
 * face to show once; the rest still apply.
 */
export const SESSION_SETTING_SCHEMAS = {
  image: z.string().trim().min(1),
  provider: z.enum(['auto', 'docker', 'process']),
  agents: z.record(z.string().regex(/^[a-z0-9][a-z0-9_-]*$/i, 'agent names are letters, digits, - and _'), z.string().trim().min(1)),
  environment: z.record(z.string().regex(ENV_NAME, 'names are letters, digits and _, not starting with a digit'), z.string()),
  'network.agents': z.enum(['egress', 'none', 'bridge', 'host']),
  'egress.allow': z.array(z.string()).refine((hosts) => {
    try {
      parseAllowList(hosts);
      return true;
    } catch {
      return false;
    }
  }, 'each entry must be a host name, *.suffix or host:port'),
  'network.shells': z.enum(['none', 'egress', 'bridge', 'host']),
  mount: z.enum(['rw', 'ro']),
  'limits.pids': z.number().int().min(16).max(1_000_000),
  'limits.memoryMb': z.number().int().min(64),
  'limits.cpus': z.number().positive().max(1024),
  maxAgeHours: z.number().min(0),
  warmPool: z.number().int().min(0).max(20),
  leaseGraceSeconds: z.number().int().min(10).max(86_400),
  retentionHours: z.number().min(0),
  maxSessionsPerOwner: z.number().int().min(1).max(1000),
  maxSessions: z.number().int().min(1).max(1000),
} as const;

type ConfigKey = keyof typeof SESSION_SETTING_SCHEMAS;

export function settingsFromConfig(raw: Partial<Record<ConfigKey, unknown>>): { settings: Partial<SessionSettings>; problems: string[] } {
  const problems: string[] = [];
  const read = <K extends ConfigKey>(key: K): z.infer<(typeof SESSION_SETTING_SCHEMAS)[K]> | undefined => {
    if (raw[key] === undefined || raw[key] === null) return undefined;
    const parsed = SESSION_SETTING_SCHEMAS[key].safeParse(raw[key]);
    if (parsed.success) return parsed.data as z.infer<(typeof SESSION_SETTING_SCHEMAS)[K]>;
    problems.push(`berth.sessions.${key}: ${parsed.error.issues.map((issue) => issue.message).join('; ')} (got ${JSON.stringify(raw[key])}); using the default.`);
    return undefined;
  };
  const defaults = DEFAULT_LIMITS;
  const pids = read('limits.pids');
  const memoryMb = read('limits.memoryMb');
  const cpus = read('limits.cpus');
  const maxAgeHours = read('maxAgeHours');
  const settings: Partial<SessionSettings> = {};
  const set = <K extends keyof SessionSettings>(key: K, value: SessionSettings[K] | undefined) => {
    if (value !== undefined) settings[key] = value;
  };
  set('image', read('image'));
  set('provider', read('provider'));
  set('agents', read('agents'));
  set('agentEnv', read('environment'));
  set('agentNetwork', read('network.agents'));
  set('shellNetwork', read('network.shells'));
  set('mount', read('mount'));
  set('warmPool', read('warmPool'));
  set('maxAgeSeconds', maxAgeHours === undefined ? undefined : Math.round(maxAgeHours * 3600));
  const retentionHours = read('retentionHours');
  set('retentionSeconds', retentionHours === undefined ? undefined : Math.round(retentionHours * 3600));
  set('leaseGraceSeconds', read('leaseGraceSeconds'));
  set('maxSessionsPerOwner', read('maxSessionsPerOwner'));
  set('maxSessions', read('maxSessions'));
  const egressAllow = read('egress.allow');
  if (egressAllow) set('egressAllow', [...DEFAULT_ALLOW, ...egressAllow]);
  if (pids !== undefined || memoryMb !== undefined || cpus !== undefined) {
    set('limits', { pids: pids ?? defaults.pids, memoryBytes: memoryMb === undefined ? defaults.memoryBytes : memoryMb * 1024 ** 2, cpus: cpus ?? defaults.cpus });
  }
  return { settings, problems };
}
