import * as vscode from 'vscode';
import { berthConfig } from '../config.js';
import type { BerthCore } from '../coreLoader.js';
import type { WindowServices } from '../services.js';

/**
 * The window's MCP server: started after activation when berth.mcp.enabled is on and the folder is
 * trusted, on berth.mcp.port (0: a free one, kept for the window), restarted when those change.
 * It serves the window's own table, sessions service and live vault, and asks the person before a
 * client stops, removes or runs a command in a session it did not start.
 */
export class McpHost implements vscode.Disposable {
  private server: BerthCore.mcp.BerthMcpHttpServer | undefined;
  private serverChanges: { dispose(): void } | undefined;
  private readonly changed = new vscode.EventEmitter<void>();
  /** The server started, stopped, a client came or went, a call ran, the token changed. */
  readonly onDidChange = this.changed.event;
  /** Clients the person allowed, for this window, to act on any session. */
  private readonly trusted = new Set<string>();
  private port = 0;
  private starting: Promise<void> | undefined;

  constructor(
    private readonly services: WindowServices,
    private readonly vaultChanges: ((listener: () => void) => { dispose(): void }) | undefined,
    private readonly log: vscode.LogOutputChannel,
  ) {}

  get url(): string | undefined {
    return this.server?.url;
  }

  status(): BerthCore.mcp.McpStatus | undefined {
    return this.server?.status();
  }

  /** The default token's secret, for the definition VS Code's agent mode connects with. */
  async defaultToken(): Promise<string | undefined> {
    const tokens = await this.services.mcpTokens().list();
    return tokens.find((token) => token.name === 'default')?.secret;
  }

  /** A token changed (rotated, made): VS Code resolves the definition again. */
  tokensChanged(): void {
    this.changed.fire();
  }

  /** Starts, stops or moves the server to match the settings and the folder's trust. */
  update(): Promise<void> {
    this.starting = (this.starting ?? Promise.resolve()).then(() => this.apply());
    return this.starting;
  }

  private async apply(): Promise<void> {
    const wanted = berthConfig.mcpEnabled() && vscode.workspace.isTrusted;
    const port = berthConfig.mcpPort();
    if (this.server && (!wanted || (port !== 0 && port !== this.server.port) || (port === 0 && this.port !== 0))) await this.stop();
    if (!wanted || this.server) return;
    const { core, operations, sessions } = this.services.get();
    try {
      this.server = await core.mcp.startHttpServer({
        operations,
        sessions,
        cwd: () => this.services.cwd(),
        roots: () => (vscode.workspace.workspaceFolders ?? []).map((folder) => folder.uri.fsPath),
        tokens: this.services.mcpTokens(),
        port,
        ...(this.vaultChanges ? { vaultChanges: this.vaultChanges } : {}),
        authorize: (request) => this.authorize(request),
      });
      this.port = port;
      this.serverChanges = this.server.onDidChange(() => this.changed.fire());
      this.log.info(`MCP server at ${this.server.url}`);
    } catch (error) {
      const berthError = core.asBerthError(error);
      this.log.error(`The MCP server did not start: ${berthError.message}`);
      void vscode.window.showWarningMessage(`Berth: the MCP server did not start: ${berthError.message}${berthError.hint ? ` ${berthError.hint}` : ''}`, 'Open Settings').then((choice) => {
        if (choice) void vscode.commands.executeCommand('workbench.action.openSettings', 'berth.mcp');
      });
    }
    this.changed.fire();
  }

  private async stop(): Promise<void> {
    this.serverChanges?.dispose();
    await this.server?.close();
    this.server = undefined;
    this.log.info('MCP server stopped');
  }

  /** The person stays in charge: a client acting on a session it did not start asks first. */
  private async authorize(request: BerthCore.mcp.AuthorizeRequest): Promise<boolean> {
    if (this.trusted.has(request.client)) return true;
    const verb = { stop: 'stop', remove: 'remove', exec: 'run a command in' }[request.action];
    // Deny takes the place of the modal's own Cancel (and Escape picks it), so the button says what the detail does.
    const choice = await vscode.window.showWarningMessage(
      `The MCP client "${request.client}" wants to ${verb} session ${request.sessionId.slice(0, 12)}, which it did not start.`,
      { modal: true, detail: `Tool: ${request.tool}. Deny to refuse; the client is told.` },
      { title: 'Allow Once' },
      { title: 'Allow for This Client' },
      { title: 'Deny', isCloseAffordance: true },
    );
    const allowed = choice !== undefined && choice.title !== 'Deny';
    this.log.info(`MCP ${request.tool} on ${request.sessionId} by "${request.client}": ${allowed ? choice.title : 'denied'}`);
    if (choice?.title === 'Allow for This Client') this.trusted.add(request.client);
    return allowed;
  }

  dispose(): void {
    void this.stop();
    this.changed.dispose();
  }
}
