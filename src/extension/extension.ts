import * as vscode from 'vscode';
import type { OperationRegistry } from '../core/operations.js';
import { registerCommands } from './commands.js';
import { berthConfig } from './config.js';
import { loadCore } from './coreLoader.js';
import { EngineState } from './engineState.js';
import { EngineStatusBarItem } from './statusBar.js';
import { BrokenLinkFixes } from './vault/brokenLinkFixes.js';
import { VaultDiagnostics } from './vault/vaultDiagnostics.js';
import { VaultService } from './vault/vaultService.js';
import { VaultStatusBarItem } from './vault/vaultStatusBar.js';
import { VaultTreeProvider } from './vault/vaultTree.js';
import { SessionsTreeProvider } from './views/sessionsTree.js';

/** Composition root: wires services, views and commands; holds no logic of its own. */
export function activate(context: vscode.ExtensionContext): void {
  let operations: OperationRegistry | undefined;
  const getOperations = () => (operations ??= loadCore().createOperationCatalog({ dockerHost: berthConfig.dockerHost }));
  const output = vscode.window.createOutputChannel('Berth');
  const engine = new EngineState(getOperations);
  const sessions = new SessionsTreeProvider();

  // The vault is the first workspace folder; without one the view shows its welcome content.
  const folder = vscode.workspace.workspaceFolders?.[0];
  const vault = folder && new VaultService(folder, () => berthConfig.vaultExclude(folder));
  const vaultTree = new VaultTreeProvider(vault);

  context.subscriptions.push(
    output,
    engine,
    vaultTree,
    new EngineStatusBarItem(engine),
    vscode.window.registerTreeDataProvider('berth.sessions', sessions),
    vscode.window.registerTreeDataProvider('berth.vaultHealth', vaultTree),
    ...registerCommands({ engine, output, vault }),
    vscode.workspace.onDidChangeConfiguration((event) => {
      if (berthConfig.affectsEngine(event)) void engine.refresh();
      if (vault && berthConfig.affectsVault(event)) void vault.rescan();
    }),
  );
  if (vault) {
    context.subscriptions.push(
      vault,
      new VaultStatusBarItem(vault),
      new VaultDiagnostics(vault),
      vscode.languages.registerCodeActionsProvider({ language: 'markdown', scheme: 'file' }, new BrokenLinkFixes(vault), BrokenLinkFixes.metadata),
    );
  }
  // After activation returns, so that loading the core never delays the workbench.
  setImmediate(() => {
    void engine.refresh();
    void vault?.rescan();
  });
}

export function deactivate(): void {}
