import { randomBytes } from 'node:crypto';
import { BerthError } from '../errors.js';
import type { SessionSpec } from './types.js';

/** The engine is the record: these labels are all Berth needs to find and describe a session again. */
export const LABEL = {
  session: 'dev.berth.session',
  workspace: 'dev.berth.workspace',
  agent: 'dev.berth.agent',
  created: 'dev.berth.created',
  version: 'dev.berth.version',
  mount: 'dev.berth.mount',
  interactive: 'dev.berth.interactive',
  maxAge: 'dev.berth.max-age',
  /** The owner's id (owner.ts); whether it lives is its lease, kept outside the engine. */
  owner: 'dev.berth.owner',
  /** owner, completion or detached: what happens when the owner is gone. */
  policy: 'dev.berth.policy',
  grace: 'dev.berth.grace',
  /** Present on egress sessions: the hosts their door lets through, comma-separated. */
  egress: 'dev.berth.egress',
  /** Present on warm-pool containers: the hash of the configuration they were made for. */
  pool: 'dev.berth.pool',
} as const;

export const NAME_PREFIX = 'berth-';
export const POOL_NAME_PREFIX = 'berth-pool-';

/** 12 hex digits: short enough to type a prefix of, random enough that concurrent starts never collide. */
export function newSessionId(): string {
  return randomBytes(6).toString('hex');
}

export const containerName = (id: string) => `${NAME_PREFIX}${id}`;
export const poolContainerName = (id: string) => `${POOL_NAME_PREFIX}${id}`;

export function sessionLabels(spec: SessionSpec, id: string, created: Date, version: string): Record<string, string> {
  return {
    [LABEL.session]: id,
    [LABEL.workspace]: spec.workspace,
    [LABEL.agent]: spec.agent,
    [LABEL.created]: created.toISOString(),
    [LABEL.version]: version,
    [LABEL.mount]: spec.mount,
    [LABEL.interactive]: String(spec.interactive),
    [LABEL.maxAge]: String(spec.maxAgeSeconds),
    [LABEL.owner]: spec.ownership.owner,
    [LABEL.policy]: spec.ownership.policy,
    [LABEL.grace]: String(spec.ownership.graceSeconds),
    ...(spec.network === 'egress' ? { [LABEL.egress]: (spec.egress?.allow ?? []).join(',') } : {}),
  };
}

/**
 * Finds the one id that `prefix` names. A full container name (berth-<id>) works too, so that
 * what `docker ps` shows can be pasted back.
 */
export function resolveSessionId(ids: readonly string[], prefix: string): string {
  const wanted = prefix.trim().replace(/^\/?berth-/, '').toLowerCase();
  if (!wanted) throw new BerthError('No session id was given.', 'Run `berth session list` to see the ids.', 'SESSION_ID_MISSING');
  const exact = ids.find((id) => id === wanted);
  if (exact) return exact;
  const matches = ids.filter((id) => id.startsWith(wanted));
  if (matches.length === 1) return matches[0]!;
  if (matches.length === 0) {
    throw new BerthError(`No session has an id starting with "${wanted}".`, 'Run `berth session list --all` to see the ids.', 'SESSION_NOT_FOUND');
  }
  throw new BerthError(
    `"${wanted}" matches ${matches.length} sessions (${matches.slice(0, 4).join(', ')}${matches.length > 4 ? ', …' : ''}).`,
    'Type more of the id.',
    'SESSION_AMBIGUOUS',
  );
}

/** True when a running session has outlived its maximum age. */
export function isExpired(created: string, maxAgeSeconds: number | undefined, now: number): boolean {
  if (!maxAgeSeconds || maxAgeSeconds <= 0) return false;
  const born = Date.parse(created);
  return Number.isFinite(born) && now - born >= maxAgeSeconds * 1000;
}
