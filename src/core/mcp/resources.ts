import { ResourceTemplate, type McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { ErrorCode, McpError, SubscribeRequestSchema, UnsubscribeRequestSchema, type Resource } from '@modelcontextprotocol/sdk/types.js';
import { asBerthError } from '../errors.js';
import type { OperationContext } from '../operations.js';
import type { Session } from '../sessions/types.js';
import type { McpClient, McpHub } from './hub.js';

export const VAULT_URI = 'berth://vault/health';
const TRANSCRIPT = /^berth:\/\/sessions\/([^/?#]+)\/transcript$/;
const transcriptUri = (id: string) => `berth://sessions/${encodeURIComponent(id)}/transcript`;

function sessionIdIn(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    throw new McpError(ErrorCode.InvalidParams, 'The URI holds no session id: berth://sessions/{id}/transcript takes one from resources/list.');
  }
}

/** How long updates of one resource are gathered into one notification: a busy agent writes many events a second. */
const NOTIFY_DEBOUNCE_MS = 250;

/**
 * The vault report and the Claude Code transcripts as resources of `mcp`, read through the same
 * operations as the tools, with resources/subscribe: the vault notifies when the face gives a
 * change source, a transcript while its log is followed. Returns what ends the subscriptions.
 */
export function registerResources(mcp: McpServer, hub: McpHub, client: McpClient): { dispose(): void } {
  const context = (signal: AbortSignal, extra: Partial<OperationContext> = {}): OperationContext => ({ origin: 'mcp', cwd: hub.options.cwd(), roots: hub.options.roots?.() ?? [hub.options.cwd()], signal, progress: () => undefined, ...extra });

  /** An operation's output as the JSON text of a resource, with every secret taken out. */
  async function json(operation: string, input: object, signal: AbortSignal, pick: (output: never) => unknown = (output) => output): Promise<string> {
    requireRead(client);
    const redact = await hub.redactor();
    try {
      return JSON.stringify(redact.value(pick((await hub.options.operations.invoke(operation, input, context(signal))) as never)));
    } catch (error) {
      const berth = asBerthError(error);
      throw new McpError(berth.kind === 'input' ? ErrorCode.InvalidParams : ErrorCode.InternalError, redact.text(`${berth.code}: ${berth.message}${berth.hint ? ` ${berth.hint}` : ''}`));
    }
  }

  mcp.registerResource(
    'vault-health',
    VAULT_URI,
    { title: 'Vault health', description: 'The health report of the vault in the folder Berth serves: broken and ambiguous links, orphans, a 0-100 score and its breakdown.', mimeType: 'application/json' },
    async (uri, extra) => ({ contents: [{ uri: uri.href, mimeType: 'application/json', text: await json('vault.health', {}, extra.signal) }] }),
  );

  mcp.registerResource(
    'session-transcript',
    new ResourceTemplate('berth://sessions/{id}/transcript', {
      list: async (extra) => ({ resources: client.scopes.has('read') ? await transcripts(hub, extra.signal) : [] }),
    }),
    { title: 'Session transcript', description: 'A headless Claude Code session’s transcript as typed events (init, text, tool_use, tool_result, result).', mimeType: 'application/json' },
    async (uri, variables, extra) => {
      const id = sessionIdIn(String(variables.id));
      const text = await json('session.logs', { id, transcript: true }, extra.signal, ({ id, events, truncated }: { id: string; events: unknown; truncated: boolean }) => ({ id, events, truncated }));
      return { contents: [{ uri: uri.href, mimeType: 'application/json', text }] };
    },
  );

  const subscriptions = new Map<string, AbortController>();

  function notifier(uri: string, signal: AbortSignal): () => void {
    let timer: NodeJS.Timeout | undefined;
    signal.addEventListener('abort', () => clearTimeout(timer), { once: true });
    return () => {
      if (timer || signal.aborted) return;
      timer = setTimeout(() => {
        timer = undefined;
        void mcp.server.sendResourceUpdated({ uri }).catch(() => undefined);
      }, NOTIFY_DEBOUNCE_MS);
    };
  }

  async function follow(uri: string, signal: AbortSignal): Promise<void> {
    if (uri === VAULT_URI) {
      if (!hub.options.vaultChanges) {
        throw new McpError(ErrorCode.InvalidParams, `This Berth server has no change source for ${VAULT_URI} (it scans the vault on each read): read it again for a fresh report.`);
      }
      const changes = hub.options.vaultChanges(notifier(uri, signal));
      signal.addEventListener('abort', () => changes.dispose(), { once: true });
      return;
    }
    const match = TRANSCRIPT.exec(uri);
    if (!match) throw new McpError(ErrorCode.InvalidParams, `${uri} is not a resource Berth can follow; resources/list and resources/templates/list name them.`);
    const redact = await hub.redactor();
    const { session } = await hub.options.sessions.find(sessionIdIn(match[1]!)).catch((error: unknown) => {
      throw new McpError(ErrorCode.InvalidParams, redact.text(asBerthError(error).message));
    });
    const notify = notifier(uri, signal);
    // tail 0: only what comes from now on, each new event a change; the follow ends with the session or the subscription.
    void hub.options.operations
      .invoke('session.logs', { id: session.id, follow: true, transcript: true, tail: 0 }, context(signal, { emitEvent: notify }))
      .catch(() => undefined)
      .finally(() => {
        if (signal.aborted) return;
        // The session ended: its last events are in, and nothing more will change.
        void mcp.server.sendResourceUpdated({ uri }).catch(() => undefined);
        if (subscriptions.get(uri)?.signal === signal) subscriptions.delete(uri);
      });
  }

  mcp.server.setRequestHandler(SubscribeRequestSchema, async ({ params: { uri } }) => {
    requireRead(client);
    if (subscriptions.has(uri)) return {};
    if (subscriptions.size >= hub.limits.subscriptionsPerClient) {
      throw new McpError(ErrorCode.InvalidRequest, `This client follows ${subscriptions.size} resources already, the most it may; unsubscribe from one first.`);
    }
    // Taken before the first await, so that a second subscribe to the same resource finds it.
    const stop = new AbortController();
    subscriptions.set(uri, stop);
    try {
      await follow(uri, stop.signal);
    } catch (error) {
      stop.abort();
      subscriptions.delete(uri);
      throw error;
    }
    return {};
  });

  mcp.server.setRequestHandler(UnsubscribeRequestSchema, ({ params: { uri } }) => {
    subscriptions.get(uri)?.abort();
    subscriptions.delete(uri);
    return {};
  });

  return {
    dispose: () => {
      for (const stop of subscriptions.values()) stop.abort();
      subscriptions.clear();
    },
  };
}

function requireRead(client: McpClient): void {
  if (!client.scopes.has('read')) throw new McpError(ErrorCode.InvalidRequest, 'SCOPE_MISSING: resources need the "read" scope, and this client’s token does not have it.');
}

/** The headless Claude Code sessions, the ones with a transcript to read; none when the engine cannot be asked. */
async function transcripts(hub: McpHub, signal: AbortSignal): Promise<Resource[]> {
  try {
    const { sessions } = (await hub.options.operations.invoke('session.list', { all: true }, { origin: 'mcp', cwd: hub.options.cwd(), signal, progress: () => undefined })) as { sessions: Session[] };
    const redact = await hub.redactor();
    return sessions
      .filter((session) => session.agent === 'claude' && !session.interactive)
      .map((session) => ({
        uri: transcriptUri(session.id),
        name: `transcript-${session.id}`,
        title: redact.text(`Claude Code ${session.id.slice(0, 6)} (${session.state}) on ${session.workspace}`),
        mimeType: 'application/json',
      }));
  } catch {
    return [];
  }
}
