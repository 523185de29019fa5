import * as vscode from 'vscode';
import type { DoctorReport } from '../core/doctor/doctorOperation.js';
import type { EngineStatus } from '../core/sessions/docker/engine.js';
import type { WindowServices } from './services.js';

/**
 * Holds the last known Docker engine status, learned through the doctor operation, and mirrors
 * it into context keys so that welcome content and menus can react.
 */
export class EngineState implements vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<EngineStatus>();
  readonly onDidChange = this.changed.event;
  private current: EngineStatus | undefined;
  private pending: Promise<void> | undefined;

  constructor(private readonly services: WindowServices) {}

  get status(): EngineStatus | undefined {
    return this.current;
  }

  /** Checks the engine quietly (at start, after a setting changed), coalescing concurrent calls. */
  refresh(): Promise<void> {
    this.pending ??= this.check().finally(() => {
      this.pending = undefined;
    });
    return this.pending;
  }

  private async check(): Promise<void> {
    const { operations } = this.services.get();
    const context = { origin: 'command' as const, cwd: this.services.cwd(), signal: new AbortController().signal, progress: () => undefined };
    this.publish(((await operations.invoke('doctor', {}, context)) as DoctorReport).engine);
  }

  publish(status: EngineStatus): void {
    this.current = status;
    void vscode.commands.executeCommand('setContext', 'berth.engine.reachable', status.reachable);
    void vscode.commands.executeCommand('setContext', 'berth.engine.checked', true);
    this.changed.fire(status);
  }

  dispose(): void {
    this.changed.dispose();
  }
}
