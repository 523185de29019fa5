import { homedir } from 'node:os';
import * as vscode from 'vscode';
import type { OperationRegistry } from '../core/operations.js';
import type { DoctorReport } from '../core/doctor/doctorOperation.js';
import type { EngineStatus } from '../core/sessions/docker/engine.js';

/**
 * Holds the last known engine status, learned through the doctor operation, and mirrors it
 * into context keys so that welcome content and menus can react.
 */
export class EngineState implements vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<EngineStatus>();
  readonly onDidChange = this.changed.event;
  private current: EngineStatus | undefined;
  private pending: Promise<DoctorReport> | undefined;

  constructor(private readonly operations: () => OperationRegistry) {}

  get status(): EngineStatus | undefined {
    return this.current;
  }

  /** Runs doctor (coalescing concurrent calls) and publishes what it learned. */
  refresh(): Promise<DoctorReport> {
    this.pending ??= this.runDoctor().finally(() => {
      this.pending = undefined;
    });
    return this.pending;
  }

  private async runDoctor(): Promise<DoctorReport> {
    const report = (await this.operations().invoke(
      'doctor',
      {},
      { origin: 'command', cwd: vscode.workspace.workspaceFolders?.[0]?.uri.fsPath ?? homedir(), signal: new AbortController().signal, progress: () => undefined },
    )) as DoctorReport;
    this.publish(report.engine);
    return report;
  }

  private publish(status: EngineStatus): void {
    this.current = status;
    void vscode.commands.executeCommand('setContext', 'berth.engine.reachable', status.reachable);
    void vscode.commands.executeCommand('setContext', 'berth.engine.checked', true);
    this.changed.fire(status);
  }

  dispose(): void {
    this.changed.dispose();
  }
}
