import { homedir } from 'node:os';
import { join } from 'node:path';
import * as vscode from 'vscode';
import type { BerthCore } from './coreLoader.js';
import { loadCore } from './coreLoader.js';
import { berthConfig } from './config.js';
import { SecretTokenStore } from './mcp/tokenStore.js';

export interface CoreServices {
  core: typeof BerthCore;
  /** The window's one sessions service, shared by the operations and the Sessions view. */
  sessions: BerthCore.SessionService;
  /** The vaults this window keeps live, shared by the operations and the Vault Health view. */
  vaults: BerthCore.Vaults;
  operations: BerthCore.OperationRegistry;
}

/** Where the Anthropic API key lives: SecretStorage, never settings or files. */
export const API_KEY_SECRET = 'berth.anthropicApiKey';

/** The window's owner id, kept by the workspace so that a reload continues the same lease. */
const OWNER_KEY = 'berth.sessions.owner';

/**
 * The window's core services, made once on first use: the core is a bundle of its own, loaded
 * after activation, and everything that talks to the engine or the vault shares these.
 */
export class WindowServices implements vscode.Disposable {
  private made: CoreServices | undefined;
  private keeper: BerthCore.SessionKeeper | undefined;
  private tokens: SecretTokenStore | undefined;
  private readonly warned = new Set<string>();

  constructor(
    private readonly folder: vscode.WorkspaceFolder | undefined,
    private readonly secrets: vscode.SecretStorage,
    private readonly log: vscode.LogOutputChannel,
    private readonly workspaceState: vscode.Memento,
    /** Where the packaged CLI is (dist/cli.js): an egress session's door runs it, detached. */
    private readonly extensionPath: string,
  ) {}

  get(): CoreServices {
    if (this.made) return this.made;
    const core = loadCore();
    const sessions = new core.SessionService({
      dockerHost: berthConfig.dockerHost,
      settings: () => this.sessionSettings(core),
      secrets: async (): Promise<Record<string, string>> => {
        const key = await this.secrets.get(API_KEY_SECRET);
        return key ? { ANTHROPIC_API_KEY: key } : {};
      },
      poolWorkspace: () => this.folder?.uri.fsPath,
      owner: this.windowOwner(core),
      // The extension host's executable runs plain Node with this variable (VS Code's own forks do the same).
      door: { command: [process.execPath, join(this.extensionPath, 'dist', 'cli.js')], env: { ...process.env, ELECTRON_RUN_AS_NODE: '1' } },
    });
    const vaults = new core.Vaults();
    const operations = core.createOperationCatalog({
      sessions,
      vaults,
      dockerHost: berthConfig.dockerHost,
      vaultRoot: () => this.folder?.uri.fsPath,
      vaultExclude: () => berthConfig.vaultExclude(this.folder),
      vaultRunIn: () => berthConfig.vaultRunIn(this.folder),
      mcpTokens: this.mcpTokens(core),
    });
    this.made = { core, sessions, vaults, operations };
    return this.made;
  }

  /** The same owner across reloads of this window's workspace, a new one the first time. */
  private windowOwner(core: typeof BerthCore): BerthCore.SessionOwner {
    const kept = core.ownerFromId(this.workspaceState.get<string>(OWNER_KEY), true);
    if (kept?.kind === 'window') return kept;
    const owner = core.newOwner('window', true);
    void this.workspaceState.update(OWNER_KEY, owner.id);
    return owner;
  }

  /**
   * Renews the window's lease and applies the session policies (at start, after engine events,
   * on a timer); what the reconciler does is logged with its reason.
   */
  startKeeper(): void {
    const { core, sessions } = this.get();
    this.keeper ??= new core.SessionKeeper(sessions, 'command', {
      acted: (outcomes) => {
        for (const o of outcomes) this.log.info(`Sessions: ${o.done ? '' : 'could not '}${o.action} ${o.id} (${o.reason})${o.error ? `: ${o.error}` : ''}`);
      },
      failed: (error) => this.log.warn(`Sessions: the policies could not be applied: ${core.describeError(error).message}`),
    });
    void this.keeper.start().catch((error: unknown) => this.log.warn(`Sessions: ${core.describeError(error).message}`));
  }

  /** The MCP tokens, in SecretStorage: the window's server and the token commands share them. */
  mcpTokens(core: typeof BerthCore = this.get().core): SecretTokenStore {
    this.tokens ??= new SecretTokenStore(this.secrets, () => core.mcp.initialTokens());
    return this.tokens;
  }

  /** The berth.sessions.* settings as the engine takes them; each wrong value is named once and replaced by its default. */
  private sessionSettings(core: typeof BerthCore): Partial<BerthCore.SessionSettings> {
    const { settings, problems } = core.settingsFromConfig(berthConfig.sessions());
    for (const problem of problems) {
      if (this.warned.has(problem)) continue;
      this.warned.add(problem);
      this.log.warn(problem);
      void vscode.window.showWarningMessage(`Berth: ${problem}`, 'Open Settings').then((choice) => {
        if (choice) void vscode.commands.executeCommand('workbench.action.openSettings', 'berth.sessions');
      });
    }
    return settings;
  }

  /** The folder operations resolve relative paths against: the workspace's, never the extension host's. */
  cwd(): string {
    return this.folder?.uri.fsPath ?? homedir();
  }

  /** The person pointed Berth at another engine: the next call connects anew. */
  engineChanged(): void {
    this.made?.sessions.reconnect();
  }

  dispose(): void {
    this.keeper?.dispose();
    this.made?.sessions.dispose();
    this.made = undefined;
  }
}
