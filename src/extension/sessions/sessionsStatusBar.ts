import * as vscode from 'vscode';
import { runningCount } from './model.js';
import type { SessionsView } from './sessionsView.js';

/** "$(vm-running) 2": running sessions at a glance, beside the engine and vault items; nothing when none run. */
export class SessionsStatusBarItem implements vscode.Disposable {
  private readonly item = vscode.window.createStatusBarItem('berth.sessions', vscode.StatusBarAlignment.Left, 48);
  private readonly subscription: vscode.Disposable;

  constructor(view: SessionsView) {
    this.item.name = 'Berth: Sessions';
    this.item.command = 'berth.sessions.focus';
    this.subscription = view.onDidList((sessions) => {
      const running = runningCount(sessions);
      this.item.text = `$(vm-running) ${running}`;
      this.item.tooltip = `Berth: ${running} running session${running === 1 ? '' : 's'}. Click to show them.`;
      if (running) this.item.show();
      else this.item.hide();
    });
  }

  dispose(): void {
    this.subscription.dispose();
    this.item.dispose();
  }
}
