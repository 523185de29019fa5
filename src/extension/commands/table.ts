import * as vscode from 'vscode';
import type { DoctorReport } from '../../core/doctor/doctorOperation.js';
import type { EngineState } from '../engineState.js';
import { backupCommands } from '../vault/backupCommands.js';
import { repairCommands } from '../vault/repairCommands.js';
import type { OperationCommand } from './operationCommands.js';

/** Every palette command of Berth: a line each, run through the one adapter (operationCommands.ts). */
export function commandTable(engine: EngineState, vaultFolder: vscode.WorkspaceFolder | undefined): OperationCommand[] {
  return [
    {
      command: 'berth.doctor',
      operation: 'doctor',
      presentation: { kind: 'notification', title: 'checking the Docker engine…' },
      done(output, { log }) {
        const report = output as DoctorReport;
        engine.publish(report.engine);
        const { engine: status } = report;
        if (status.reachable) {
          void vscode.window.showInformationMessage(`Berth Doctor: Docker Engine ${status.version} (API ${status.apiVersion}) is reachable at ${status.host}.`);
          return;
        }
        // Not awaited: the progress notification ends while the person reads the answer.
        void vscode.window.showWarningMessage(`Berth Doctor: ${status.error}`, { detail: status.fix }, 'Show Details', 'Check Again').then((choice) => {
          if (choice === 'Show Details') log.show(true);
          if (choice === 'Check Again') void vscode.commands.executeCommand('berth.doctor');
        });
      },
    },
    {
      command: 'berth.refreshEngine',
      operation: 'doctor',
      presentation: { kind: 'window', title: 'checking the Docker engine…' },
      done: (output) => engine.publish((output as DoctorReport).engine),
    },
    {
      command: 'berth.vault.health',
      operation: 'vault.health',
      presentation: { kind: 'window', title: 'scanning the vault' },
      input() {
        if (vaultFolder) return { dir: vaultFolder.uri.fsPath, fresh: true };
        void vscode.window.showWarningMessage('Berth: open a folder of markdown notes to scan it as a vault.');
        return undefined;
      },
    },
    {
      command: 'berth.isolation.check',
      operation: 'isolation.check',
      presentation: { kind: 'notification', title: 'probing a session’s isolation…' },
      done(output, { log }) {
        // The table is in the log (the adapter writes the operation's text there); the notification says where.
        const { passed, rows } = output as { passed: boolean; rows: { check: string; passed: boolean; observed: string }[] };
        const failed = rows.filter((row) => !row.passed);
        const message = passed
          ? `Berth: all ${rows.length} isolation checks passed.`
          : `Berth: ${failed.length} of ${rows.length} isolation checks failed: ${failed.map((row) => `${row.check} (${row.observed})`).join('; ')}.`;
        const show = passed ? vscode.window.showInformationMessage : vscode.window.showWarningMessage;
        void show(message, 'Show Report').then((choice) => {
          if (choice) log.show(true);
        });
      },
    },
    ...backupCommands(vaultFolder),
    ...repairCommands(vaultFolder),
  ];
}
