import type { AnyOperation } from '../operations.js';
import type { AuthorizeRequest, McpClient, McpHub } from './hub.js';
import { McpRefusal } from './results.js';

/** The operations that act on someone's session, and the argument that names it. */
const GUARDED: Readonly<Record<string, { action: AuthorizeRequest['action']; field: 'id' | 'ids' }>> = {
  'session.stop': { action: 'stop', field: 'ids' },
  'session.rm': { action: 'remove', field: 'ids' },
  'session.exec': { action: 'exec', field: 'id' },
};

/**
 * Asks the person (the `authorize` hook) before a client stops, removes or execs in a session it
 * did not start, and refuses the whole call if they say no to any of them. Ids are resolved
 * first, and the call then acts on the full ids asked about, so that a prefix cannot come to name
 * another session in between. Without the hook the token's scopes are the consent.
 */
export async function withConsent(hub: McpHub, client: McpClient, operation: AnyOperation, tool: string, args: unknown): Promise<unknown> {
  const authorize = hub.options.authorize;
  const guarded = GUARDED[operation.name];
  if (!authorize || !guarded || typeof args !== 'object' || args === null) return args;
  const given = (args as Record<string, unknown>)[guarded.field];
  const prefixes = typeof given === 'string' ? [given] : Array.isArray(given) ? given : [];
  // Anything invoke would reject (no id, an empty one, not a string) is left for it to word.
  if (prefixes.length === 0 || !prefixes.every((prefix): prefix is string => typeof prefix === 'string' && prefix.length > 0)) return args;
  const ids = await Promise.all(prefixes.map(async (prefix) => (await hub.options.sessions.find(prefix)).session.id));
  for (const sessionId of new Set(ids)) {
    if (hub.didStart(client, sessionId)) continue;
    if (!(await authorize({ client: client.name, tool, action: guarded.action, sessionId }))) {
      throw new McpRefusal(
        'DENIED',
        `The person did not allow ${client.name} to ${guarded.action} session ${sessionId}, which it did not start; nothing was done.`,
        'Leave that session alone, or ask the person to do it themselves.',
      );
    }
  }
  return { ...args, [guarded.field]: typeof given === 'string' ? ids[0] : ids };
}
