import * as vscode from 'vscode';
import type { EngineStatus } from '../core/sessions/docker/engine.js';
import type { EngineState } from './engineState.js';

/** The status-bar item that tells, at a glance, whether sessions get a real container. */
export class EngineStatusBarItem implements vscode.Disposable {
  private readonly item = vscode.window.createStatusBarItem('berth.engine', vscode.StatusBarAlignment.Left, 50);
  private readonly subscription: vscode.Disposable;

  constructor(engine: EngineState) {
    this.item.name = 'Berth: Docker Engine';
    this.item.command = 'berth.doctor';
    this.item.text = '$(loading~spin) Berth';
    this.item.tooltip = 'Berth is checking for a Docker engine…';
    this.item.show();
    this.subscription = engine.onDidChange((status) => this.render(status));
    if (engine.status) this.render(engine.status);
  }

  private render(status: EngineStatus): void {
    if (status.reachable) {
      this.item.text = `$(vm-running) Docker ${status.version}`;
      this.item.tooltip = `Berth: Docker Engine ${status.version} (API ${status.apiVersion}) at ${status.host}. Click to run Doctor.`;
      this.item.backgroundColor = undefined;
    } else {
      this.item.text = '$(vm-outline) No Docker';
      this.item.tooltip = `Berth: ${status.error} ${status.fix} Click to run Doctor.`;
      this.item.backgroundColor = new vscode.ThemeColor('statusBarItem.warningBackground');
    }
  }

  dispose(): void {
    this.subscription.dispose();
    this.item.dispose();
  }
}
