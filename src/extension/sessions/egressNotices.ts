import * as vscode from 'vscode';
import type { BerthCore } from '../coreLoader.js';

/**
 * Tells the person, once per host, that an egress session was refused a host, in the log channel
 * and as a notification whose "Allow Host…" adds it to berth.sessions.egress.allow after a yes.
 * New sessions get the host; running ones keep the list they started with.
 */
export class EgressNotices implements vscode.Disposable {
  private readonly told = new Set<string>();
  private readonly subscription: vscode.Disposable;

  constructor(
    onDidList: vscode.Event<readonly BerthCore.Session[]>,
    private readonly log: vscode.LogOutputChannel,
  ) {
    this.subscription = onDidList((sessions) => this.look(sessions));
  }

  private look(sessions: readonly BerthCore.Session[]): void {
    for (const session of sessions) {
      for (const refused of session.egress?.refused ?? []) {
        const key = `${refused.host}:${refused.port}`;
        if (this.told.has(key)) continue;
        this.told.add(key);
        this.log.warn(`Egress: session ${session.id} was refused ${key} (${refused.count}×): not on its allowlist.`);
        void this.offer(session.id, refused.host, key);
      }
    }
  }

  private async offer(id: string, host: string, key: string): Promise<void> {
    const choice = await vscode.window.showWarningMessage(`Berth: session ${id.slice(0, 6)} tried to reach ${key}, which its egress allowlist does not include.`, 'Allow Host…');
    if (choice !== 'Allow Host…') return;
    const confirm = await vscode.window.showWarningMessage(
      `Allow egress sessions to reach ${host}?`,
      { modal: true, detail: `It is added to your berth.sessions.egress.allow setting (user settings, or the remote's in a remote window); sessions started from now on may reach it. Session ${id.slice(0, 6)} keeps the list it started with.` },
      'Allow',
    );
    if (confirm !== 'Allow') return;
    const config = vscode.workspace.getConfiguration('berth.sessions');
    const current = config.inspect<string[]>('egress.allow')?.globalValue ?? [];
    if (!current.includes(host)) await config.update('egress.allow', [...current, host], vscode.ConfigurationTarget.Global);
    this.log.info(`Egress: ${host} added to berth.sessions.egress.allow.`);
  }

  dispose(): void {
    this.subscription.dispose();
  }
}
