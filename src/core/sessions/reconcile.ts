import { isExpired } from './labels.js';
import { LEASE_RENEW_SECONDS } from './owner.js';
import type { Session } from './types.js';

/** Why the reconciler acts on a session; each action is audited with it. */
export type ReconcileReason = 'owner-gone' | 'max-age' | 'half-made' | 'retention';

export interface ReconcileAction {
  id: string;
  provider: Session['provider'];
  /** stop: the container stays (retention keeps it); remove: archived first when it ran. */
  action: 'stop' | 'remove';
  reason: ReconcileReason;
}

export interface ReconcileFacts {
  now: number;
  /** How long ago each owner last renewed its lease; undefined when there is no lease to read. */
  leaseAgeMs: (owner: string) => number | undefined;
  /** When an ended session ended (ms since the epoch), where known. */
  finishedAt: (id: string) => number | undefined;
  graceSeconds: (session: Session) => number;
  startTimeoutMs: number;
  retentionSeconds: number;
  /** Sessions whose start was marked and whose starter is gone before it finished (startMarks.ts). */
  abandoned: ReadonlySet<string>;
}

/**
 * When a session that ends with its owner will be stopped: the owner's last renewal plus the grace
 * period, or undefined while the owner renews (or for other policies). A lease that cannot be read
 * counts from the session's creation, when the owner held one.
 */
export function stopsAt(session: Session, facts: Pick<ReconcileFacts, 'now' | 'leaseAgeMs' | 'graceSeconds'>): number | undefined {
  if (session.policy !== 'owner' || !session.owner || (session.state !== 'running' && session.state !== 'starting')) return undefined;
  const age = facts.leaseAgeMs(session.owner);
  const lastRenewal = age === undefined ? Date.parse(session.created) : facts.now - age;
  if (!Number.isFinite(lastRenewal)) return undefined;
  // A lease renewed within the last three renewals is a living owner, late by one at most.
  if (age !== undefined && age < 3 * LEASE_RENEW_SECONDS * 1000) return undefined;
  return lastRenewal + facts.graceSeconds(session) * 1000;
}

/**
 * What the engine's state asks for, as a plan: pure, so that every rule is a unit test. It stops
 * what has lost its owner or outlived its maximum age, removes what a start left half-made (one
 * whose starter died before it finished, or a container still created after the start timeout), and
 * removes what ended longer ago than the retention period.
 */
export function planReconcile(sessions: readonly Session[], facts: ReconcileFacts): ReconcileAction[] {
  const actions: ReconcileAction[] = [];
  for (const session of sessions) {
    const act = (action: ReconcileAction['action'], reason: ReconcileReason) => actions.push({ id: session.id, provider: session.provider, action, reason });
    if (facts.abandoned.has(session.id)) act('remove', 'half-made');
    else if (session.state === 'running') {
      const deadline = stopsAt(session, facts);
      if (deadline !== undefined && deadline <= facts.now) act('stop', 'owner-gone');
      else if (isExpired(session.created, session.maxAgeSeconds ?? undefined, facts.now)) act('stop', 'max-age');
    } else if (session.state === 'starting') {
      const born = Date.parse(session.created);
      if (Number.isFinite(born) && facts.now - born > facts.startTimeoutMs) act('remove', 'half-made');
    } else if ((session.state === 'exited' || session.state === 'dead') && facts.retentionSeconds > 0) {
      const ended = facts.finishedAt(session.id);
      if (ended !== undefined && facts.now - ended >= facts.retentionSeconds * 1000) act('remove', 'retention');
    }
  }
  return actions;
}
