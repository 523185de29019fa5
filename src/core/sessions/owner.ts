import { randomBytes } from 'node:crypto';
import * as z from 'zod';
import { SHELL } from './agent/commands.js';

/**
 * Who a session belongs to: the VS Code window, the MCP client session or the CLI process that
 * started it. The id is in the session's labels; whether the owner still lives is its lease (see
 * lease.ts), which only owners that stay around (`leased`) renew.
 */
export interface SessionOwner {
  /** `<kind>-<hex>`: safe as a label value and as a folder name. */
  id: string;
  kind: OwnerKind;
  /** Renews a lease while it lives; a detached CLI start does not, it exits at once. */
  leased: boolean;
}

export const OWNER_KINDS = ['window', 'mcp', 'cli'] as const;
export type OwnerKind = (typeof OWNER_KINDS)[number];

const OWNER_ID = /^(window|mcp|cli)-[0-9a-f]{8,64}$/;

export function newOwner(kind: OwnerKind, leased: boolean): SessionOwner {
  return { id: `${kind}-${randomBytes(8).toString('hex')}`, kind, leased };
}

/**
 * The owner of sessions started by a CLI that does not stay (`berth session start` without
 * --foreground): one per person, so that their detached sessions share the per-owner cap and a
 * warm container made by one such start can be claimed by the next.
 */
export function detachedCliOwner(uid: number): SessionOwner {
  return { id: `cli-${(uid >>> 0).toString(16).padStart(8, '0')}`, kind: 'cli', leased: false };
}

/** An owner id read back from a label or a setting; anything else is no owner (a label anyone could have set). */
export function ownerFromId(id: string | undefined, leased: boolean): SessionOwner | undefined {
  if (!id || !OWNER_ID.test(id)) return undefined;
  return { id, kind: id.slice(0, id.indexOf('-')) as OwnerKind, leased };
}

/**
 * What happens to a session when its owner is gone:
 * - `owner`: it stops after the grace period (interactive and shell sessions: nobody uses them then);
 * - `completion`: it runs to its end (a headless agent run is work the person asked for);
 * - `detached`: it outlives its owner, asked for explicitly, or started by a CLI that does not stay.
 * The last two are still bounded by the maximum age.
 */
export const sessionPolicySchema = z.enum(['owner', 'completion', 'detached']);
export type SessionPolicy = z.infer<typeof sessionPolicySchema>;

export function policyFor(session: { agent: string; interactive: boolean }, owner: SessionOwner, detach: boolean): SessionPolicy {
  if (detach || !owner.leased) return 'detached';
  const headless = session.agent !== SHELL && !session.interactive;
  return headless ? 'completion' : 'owner';
}

export const POLICY_WORDS: Record<SessionPolicy, string> = {
  owner: 'ends with its owner',
  completion: 'runs to completion',
  detached: 'detached',
};

/**
 * How often an owner renews its lease, whatever the grace period: sessions keep the grace they were
 * started with, so a renewal paced by today's setting could be too slow for yesterday's sessions.
 * A renewal costs a fraction of a millisecond (bench/owners.ts).
 */
export const LEASE_RENEW_SECONDS = 2;

/** The shortest grace period: three renewals, so that one late renewal is never taken for death. */
export const MIN_GRACE_SECONDS = 3 * LEASE_RENEW_SECONDS;

/**
 * How often a session's watchdog looks at the lease: six looks per grace period, so that a look
 * that lands between two renewals costs a sixth of the margin, not all of it.
 */
export function leaseIntervalSeconds(graceSeconds: number): number {
  return Math.min(20, Math.max(1, Math.round(graceSeconds / 6)));
}
