import * as vscode from 'vscode';
import { loadCore } from './coreLoader.js';
import type { EngineState } from './engineState.js';
import type { VaultService } from './vault/vaultService.js';

export interface CommandServices {
  engine: EngineState;
  vault: VaultService | undefined;
  output: vscode.OutputChannel;
}

export function registerCommands(services: CommandServices): vscode.Disposable[] {
  return [
    vscode.commands.registerCommand('berth.doctor', () => runDoctor(services)),
    vscode.commands.registerCommand('berth.refreshEngine', () => services.engine.refresh()),
    vscode.commands.registerCommand('berth.vault.rescan', async () => {
      if (!services.vault) {
        void vscode.window.showWarningMessage('Berth: open a folder of markdown notes to scan it as a vault.');
        return;
      }
      await services.vault.rescan();
    }),
  ];
}

async function runDoctor(services: CommandServices): Promise<void> {
  const { engine, output } = services;
  const { describeError, formatDoctorReport } = loadCore();
  try {
    const report = await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: 'Berth: checking the Docker engine…' },
      () => engine.refresh(),
    );
    output.appendLine(`[doctor] ${new Date().toISOString()}`);
    output.appendLine(formatDoctorReport(report));
    if (report.engine.reachable) {
      void vscode.window.showInformationMessage(
        `Berth Doctor: Docker Engine ${report.engine.version} (API ${report.engine.apiVersion}) is reachable at ${report.engine.host}.`,
      );
    } else {
      const choice = await vscode.window.showWarningMessage(
        `Berth Doctor: ${report.engine.error}`,
        { detail: report.engine.fix },
        'Show Details',
        'Check Again',
      );
      if (choice === 'Show Details') output.show(true);
      if (choice === 'Check Again') await runDoctor(services);
    }
  } catch (error) {
    const { message, hint } = describeError(error);
    void vscode.window.showErrorMessage(`Berth Doctor failed: ${message}${hint ? ` ${hint}` : ''}`);
  }
}
