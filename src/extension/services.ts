import { homedir } from 'node:os';
import * as vscode from 'vscode';
import type { BerthCore } from './coreLoader.js';
import { loadCore } from './coreLoader.js';
import { berthConfig } from './config.js';

export interface CoreServices {
  core: typeof BerthCore;
  /** The window's one sessions service, shared by the operations and (soon) the Sessions view. */
  sessions: BerthCore.SessionService;
  /** The vaults this window keeps live, shared by the operations and the Vault Health view. */
  vaults: BerthCore.Vaults;
  operations: BerthCore.OperationRegistry;
}

/**
 * The window's core services, made once on first use: the core is a bundle of its own, loaded
 * after activation, and everything that talks to the engine or the vault shares these.
 */
export class WindowServices implements vscode.Disposable {
  private made: CoreServices | undefined;

  constructor(private readonly folder: vscode.WorkspaceFolder | undefined) {}

  get(): CoreServices {
    if (this.made) return this.made;
    const core = loadCore();
    const sessions = new core.SessionService({ dockerHost: berthConfig.dockerHost });
    const vaults = new core.Vaults();
    const operations = core.createOperationCatalog({
      sessions,
      vaults,
      dockerHost: berthConfig.dockerHost,
      vaultRoot: () => this.folder?.uri.fsPath,
      vaultExclude: () => berthConfig.vaultExclude(this.folder),
    });
    this.made = { core, sessions, vaults, operations };
    return this.made;
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
    this.made = undefined;
  }
}
