import type { AnyOperation } from '../operations.js';

/**
 * What a token lets a client do. `read` looks (lists, logs, stats, vault reports, fix plans);
 * `sessions` starts, stops and removes sessions and builds the image; `exec` runs commands inside
 * sessions that already run, which reaches whatever those sessions hold.
 */
export const SCOPES = ['read', 'sessions', 'exec'] as const;
export type Scope = (typeof SCOPES)[number];

/** The scopes of the token made on first use: everything but running commands in sessions. */
export const DEFAULT_SCOPES: readonly Scope[] = ['read', 'sessions'];

/** The one place a tool's scope is decided, from the operation itself, so new operations need no entry. */
export function scopeOf(operation: Pick<AnyOperation, 'name' | 'annotations'>): Scope {
  if (operation.name === 'session.exec') return 'exec';
  return operation.annotations.readOnlyHint ? 'read' : 'sessions';
}
