import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import type { OperationRegistry } from '../operations.js';
import type { SessionService } from '../sessions/service.js';
import type { Lease } from '../sessions/lease.js';
import { newOwner } from '../sessions/owner.js';
import { printable } from '../text.js';
import { BERTH_VERSION } from '../version.js';
import { redactor, type Redactor } from './redaction.js';
import { registerResources } from './resources.js';
import type { Scope } from './scopes.js';
import type { TokenStore } from './tokens.js';
import { registerTools } from './tools.js';

/** What the person is asked before a client acts on a session it did not start. */
export interface AuthorizeRequest {
  /** The client's name, as it gave it in `initialize`. */
  client: string;
  tool: string;
  action: 'stop' | 'remove' | 'exec';
  /** The session's full id. */
  sessionId: string;
}

export interface McpLimits {
  /** Tool calls one client may have running at once; one more is refused as busy. */
  callsPerClient: number;
  /** Tool calls all clients together may have running at once. */
  callsTotal: number;
  /** MCP sessions the HTTP server keeps at once; one more initialize gets 503. */
  clients: number;
  /** Resources one client may be subscribed to at once (each transcript is a followed log). */
  subscriptionsPerClient: number;
  /** The largest request body the HTTP server reads, in bytes. */
  bodyBytes: number;
}

export const DEFAULT_MCP_LIMITS: McpLimits = { callsPerClient: 8, callsTotal: 32, clients: 128, subscriptionsPerClient: 16, bodyBytes: 4 * 1024 * 1024 };

export interface McpServerOptions {
  operations: OperationRegistry;
  sessions: SessionService;
  /** The folder a relative path or a missing folder means (the vault of berth://vault/health). */
  cwd(): string;
  /**
   * The folders clients may name in a call (workspaces to mount, vaults, files): the server's
   * folder when absent. A client with the sessions scope could otherwise mount ~ or / read-write.
   */
  roots?(): readonly string[];
  /** The tokens clients authenticate with (HTTP); every one of them is kept out of results. */
  tokens?: TokenStore;
  /** Calls `listener` whenever the vault's report changes (the extension's live vault); none: no vault subscriptions. */
  vaultChanges?: (listener: () => void) => { dispose(): void };
  /** Asks the person before a client stops, removes or execs in a session it did not start; none: the token's scopes decide. */
  authorize?(request: AuthorizeRequest): Promise<boolean>;
  limits?: Partial<McpLimits>;
}

export interface McpClientStatus {
  name: string;
  version: string;
  scopes: Scope[];
  /** Tool calls made so far, and running now. */
  calls: number;
  active: number;
  /** When it attached, ISO 8601. */
  since: string;
}

export interface McpStatus {
  /** Where clients connect (HTTP); null over stdio. */
  url: string | null;
  clients: McpClientStatus[];
  calls: number;
  active: number;
}

/** One attached MCP session: who it says it is, what its token allows, what it has done. */
export class McpClient {
  name = 'unknown';
  version = '';
  calls = 0;
  active = 0;
  readonly since = new Date().toISOString();
  /** The owner of the sessions it starts: they follow this MCP session's life (owner.ts). */
  readonly owner = newOwner('mcp', true);
  private lease: Promise<Lease> | undefined;

  constructor(
    public scopes: ReadonlySet<Scope>,
    /** The name of the token it authenticated with; none over stdio. */
    readonly token?: string,
  ) {}

  /** Renews the client's lease from its first start on, until it goes. */
  hold(sessions: SessionService): Promise<Lease> {
    this.lease ??= sessions.holdLease(this.owner);
    return this.lease;
  }

  /** The client is gone: its sessions that end with it stop after the grace period. */
  release(): void {
    void this.lease?.then((lease) => lease.dispose(), () => undefined);
  }
}

const INSTRUCTIONS =
  'Berth runs coding agents (Claude Code, shells, any command) in hardened Docker containers on a folder, and checks markdown vaults. ' +
  'Session tools take a session id or a unique prefix of it. Read berth://vault/health for the vault report and berth://sessions/{id}/transcript for a Claude Code session as events.';

/**
 * What every MCP session of one server shares: the options, the limits, the attached clients and
 * their counts, and which sessions each client started. HTTP and stdio both open their MCP
 * sessions here.
 */
export class McpHub {
  readonly limits: McpLimits;
  private readonly clients = new Set<McpClient>();
  /**
   * Per client (its token and the name it gives, so that it keeps them across reconnections, and
   * another token's holder cannot take them by naming itself alike), the session ids its
   * session_start calls returned.
   */
  private readonly started = new Map<string, Set<string>>();
  private calls = 0;
  private active = 0;
  private readonly listeners = new Set<() => void>();

  constructor(
    readonly options: McpServerOptions,
    /** Where clients connect, once it is known; stdio has no address. */
    private readonly url: () => string | null = () => null,
  ) {
    this.limits = { ...DEFAULT_MCP_LIMITS, ...options.limits };
  }

  /** The McpServer of one MCP session: every tool and resource, for this client. */
  open(client: McpClient): McpServer {
    const mcp = new McpServer({ name: 'berth', version: BERTH_VERSION }, { capabilities: { resources: { subscribe: true } }, instructions: INSTRUCTIONS });
    registerTools(mcp, this, client);
    const subscriptions = registerResources(mcp, this, client);
    mcp.server.oninitialized = () => {
      const info = mcp.server.getClientVersion();
      // The client names itself: shown to the person and written to the audit log, so kept short and printable.
      client.name = printable(info?.name ?? 'unknown').slice(0, 100);
      client.version = printable(info?.version ?? '').slice(0, 40);
      // Listed once it has introduced itself: an initialize that failed leaves no client behind.
      this.clients.add(client);
      this.changed();
    };
    mcp.server.onclose = () => {
      subscriptions.dispose();
      client.release();
      if (this.clients.delete(client)) this.changed();
    };
    return mcp;
  }

  /** Counts a call in, or says why it cannot run now (a limit is reached). */
  begin(client: McpClient): { release(): void } | { busy: string } {
    if (client.active >= this.limits.callsPerClient) return { busy: `this client has ${callCount(client.active)} running, as many as it may have at once` };
    if (this.active >= this.limits.callsTotal) return { busy: `the server has ${callCount(this.active)} running, as many as it takes at once` };
    client.calls++;
    client.active++;
    this.calls++;
    this.active++;
    this.changed();
    let released = false;
    return {
      release: () => {
        if (released) return;
        released = true;
        client.active--;
        this.active--;
        this.changed();
      },
    };
  }

  recordStart(client: McpClient, sessionId: string): void {
    const key = starter(client);
    let ids = this.started.get(key);
    if (!ids) this.started.set(key, (ids = new Set()));
    ids.add(sessionId);
  }

  didStart(client: McpClient, sessionId: string): boolean {
    return this.started.get(starter(client))?.has(sessionId) ?? false;
  }

  /** Every secret the engine holds and every token, for one call's results. */
  async redactor(): Promise<Redactor> {
    const engine = Object.values(await this.options.sessions.secrets());
    const tokens = this.options.tokens ? (await this.options.tokens.list()).map((token) => token.secret) : [];
    return redactor([...engine, ...tokens]);
  }

  status(): McpStatus {
    return {
      url: this.url(),
      clients: [...this.clients].map((c) => ({ name: c.name, version: c.version, scopes: [...c.scopes], calls: c.calls, active: c.active, since: c.since })),
      calls: this.calls,
      active: this.active,
    };
  }

  onDidChange(listener: () => void): { dispose(): void } {
    this.listeners.add(listener);
    return { dispose: () => this.listeners.delete(listener) };
  }

  private changed(): void {
    for (const listener of this.listeners) {
      try {
        listener();
      } catch {
        // A face's listener failing must not fail the call that changed the status.
      }
    }
  }
}

const callCount = (count: number) => `${count} call${count === 1 ? '' : 's'}`;

const starter = (client: McpClient) => JSON.stringify([client.token ?? null, client.name]);
