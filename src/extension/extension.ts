import * as vscode from 'vscode';
import { registerOperationCommands } from './commands/operationCommands.js';
import { commandTable } from './commands/table.js';
import { berthConfig } from './config.js';
import { EngineState } from './engineState.js';
import { McpHost } from './mcp/mcpHost.js';
import { McpStatusBarItem, mcpTokenCommands, registerMcpCommands, registerMcpDefinition } from './mcp/commands.js';
import { WindowServices } from './services.js';
import { registerApiKeyCommands } from './sessions/apiKey.js';
import { sessionCommands } from './sessions/commands.js';
import { EgressNotices } from './sessions/egressNotices.js';
import { SessionsStatusBarItem } from './sessions/sessionsStatusBar.js';
import { SessionsView } from './sessions/sessionsView.js';
import { TranscriptPanel } from './sessions/transcriptPanel.js';
import { EngineStatusBarItem } from './statusBar.js';
import { BrokenLinkFixes } from './vault/brokenLinkFixes.js';
import { LastBackupWatch } from './vault/lastBackupWatch.js';
import { VaultDiagnostics } from './vault/vaultDiagnostics.js';
import { VaultStatusBarItem } from './vault/vaultStatusBar.js';
import { VaultTreeProvider } from './vault/vaultTree.js';
import { VaultWatch } from './vault/vaultWatch.js';

/** Composition root: wires services, views and commands; holds no logic of its own. */
export function activate(context: vscode.ExtensionContext): void {
  const log = vscode.window.createOutputChannel('Berth', { log: true });
  // The vault is the first workspace folder; without one the view shows its welcome content.
  const folder = vscode.workspace.workspaceFolders?.[0];
  const services = new WindowServices(folder, context.secrets, log, context.workspaceState, context.extensionPath);
  const engine = new EngineState(services);
  const sessions = new SessionsView(services);
  const vault = folder && new VaultWatch(folder);
  const backups = folder && new LastBackupWatch(folder);
  const vaultTree = new VaultTreeProvider(vault, backups);
  const mcp = new McpHost(services, vault && ((listener) => vault.onDidChange(listener)), log);
  const commands = [
    ...commandTable(engine, folder),
    ...mcpTokenCommands(mcp),
    ...sessionCommands({ view: sessions, secrets: context.secrets, transcript: (id) => TranscriptPanel.show(context.extensionUri, id).follow() }),
  ];

  context.subscriptions.push(
    log,
    services,
    engine,
    sessions,
    vaultTree,
    new EngineStatusBarItem(engine),
    new SessionsStatusBarItem(sessions),
    new EgressNotices(sessions.onDidList, log),
    mcp,
    new McpStatusBarItem(mcp),
    ...registerMcpCommands(mcp),
    ...registerMcpDefinition(mcp, String((context.extension.packageJSON as { version?: unknown }).version ?? '')),
    vscode.workspace.onDidGrantWorkspaceTrust(() => void mcp.update()),
    vscode.window.registerTreeDataProvider('berth.vault.health', vaultTree),
    ...registerOperationCommands(commands, services, log),
    ...registerApiKeyCommands(context.secrets, log),
    vscode.commands.registerCommand('berth.sessions.refresh', () => sessions.refresh()),
    vscode.workspace.onDidChangeConfiguration((event) => {
      if (berthConfig.affectsEngine(event)) {
        services.engineChanged();
        void engine.refresh().then(() => sessions.refresh());
      }
      if (vault && berthConfig.affectsVault(event)) vault.excludeChanged(berthConfig.vaultExclude(vault.folder));
      if (backups && berthConfig.affectsBackupAge(event)) void backups.refresh();
      if (berthConfig.affectsMcp(event)) void mcp.update();
    }),
    engine.onDidChange(() => void sessions.refresh()),
  );
  if (vault) {
    context.subscriptions.push(
      vault,
      ...(backups ? [backups] : []),
      new VaultStatusBarItem(vault),
      new VaultDiagnostics(vault),
      vscode.languages.registerCodeActionsProvider({ language: 'markdown', scheme: 'file' }, new BrokenLinkFixes(vault, services, log), BrokenLinkFixes.metadata),
    );
  }
  // After activation returns, so that loading the core never delays the workbench.
  setImmediate(() => {
    void engine.refresh();
    sessions.start();
    services.startKeeper();
    vault?.start(services.get().vaults, berthConfig.vaultExclude(vault.folder));
    backups?.start();
    void mcp.update();
  });
}

export function deactivate(): void {}
