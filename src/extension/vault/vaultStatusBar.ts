import * as vscode from 'vscode';
import { loadCore } from '../coreLoader.js';
import type { VaultState, VaultWatch } from './vaultWatch.js';

/** "$(pulse) Vault 85": the score at a glance, its breakdown on hover, the view on click. */
export class VaultStatusBarItem implements vscode.Disposable {
  private readonly item = vscode.window.createStatusBarItem('berth.vault', vscode.StatusBarAlignment.Left, 49);
  private readonly subscription: vscode.Disposable;

  constructor(vault: VaultWatch) {
    this.item.name = 'Berth: Vault Health';
    this.item.command = 'berth.vault.health.focus';
    this.subscription = vault.onDidChange((state) => this.render(state));
    this.render(vault.state);
    this.item.show();
  }

  private render(state: VaultState): void {
    this.item.backgroundColor = undefined;
    if (state.kind === 'scanning') {
      this.item.text = '$(loading~spin) Vault';
      this.item.tooltip = 'Berth is scanning the vault…';
      return;
    }
    if (state.kind === 'failed') {
      this.item.text = '$(pulse) Vault ?';
      this.item.tooltip = `Berth could not scan the vault: ${state.message}`;
      this.item.backgroundColor = new vscode.ThemeColor('statusBarItem.warningBackground');
      return;
    }
    const { report } = state;
    this.item.text = `$(pulse) Vault ${report.score}`;
    const tooltip = new vscode.MarkdownString(`**Vault health ${report.score}/100**: ${report.notes} notes, ${report.links} links\n\n`);
    const lost = report.breakdown.filter((line) => line.lost > 0);
    if (lost.length === 0) tooltip.appendMarkdown('Nothing to fix.');
    for (const line of lost) tooltip.appendMarkdown(`- **−${loadCore().points(line.lost)}** ${line.explanation}\n`);
    tooltip.appendMarkdown('\n\nClick to open the Vault Health view.');
    this.item.tooltip = tooltip;
  }

  dispose(): void {
    this.subscription.dispose();
    this.item.dispose();
  }
}
