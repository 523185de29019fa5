import * as vscode from 'vscode';
import type { OperationRegistry } from '../core/operations.js';
import { registerCommands } from './commands.js';
import { berthConfig } from './config.js';
import { loadCore } from './coreLoader.js';
import { EngineState } from './engineState.js';
import { EngineStatusBarItem } from './statusBar.js';
import { SessionsTreeProvider } from './views/sessionsTree.js';
import { VaultTreeProvider } from './views/vaultTree.js';

/** Composition root: wires services, views and commands; holds no logic of its own. */
export function activate(context: vscode.ExtensionContext): void {
  let operations: OperationRegistry | undefined;
  const getOperations = () => (operations ??= loadCore().createOperationCatalog({ dockerHost: berthConfig.dockerHost }));
  const output = vscode.window.createOutputChannel('Berth');
  const engine = new EngineState(getOperations);
  const sessions = new SessionsTreeProvider();
  const vault = new VaultTreeProvider();

  context.subscriptions.push(
    output,
    engine,
    sessions,
    vault,
    new EngineStatusBarItem(engine),
    vscode.window.registerTreeDataProvider('berth.sessions', sessions),
    vscode.window.registerTreeDataProvider('berth.vaultHealth', vault),
    ...registerCommands({ engine, output }),
    vscode.workspace.onDidChangeConfiguration((event) => {
      if (berthConfig.affectsEngine(event)) void engine.refresh();
    }),
  );
  // After activation returns, so that loading the core never delays the workbench.
  setImmediate(() => void engine.refresh());
}

export function deactivate(): void {}
