import * as vscode from 'vscode';
import type { BerthCore } from '../coreLoader.js';

export type VaultState = BerthCore.LiveVaultState;

/**
 * Feeds what VS Code sees of the vault folder (file events, unsaved editor text) to the core's
 * live vault, and hands its states to the views. The core decides what a change means.
 */
export class VaultWatch implements vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<VaultState>();
  readonly onDidChange = this.changed.event;
  private readonly disposables: vscode.Disposable[] = [this.changed];
  private live: BerthCore.LiveVault | undefined;

  constructor(readonly folder: vscode.WorkspaceFolder) {
    const watcher = vscode.workspace.createFileSystemWatcher(new vscode.RelativePattern(folder, '**/*'));
    const forward = (uri: vscode.Uri, text?: string) => {
      if (uri.scheme === 'file') this.live?.changed(uri.fsPath, text);
    };
    this.disposables.push(
      watcher,
      watcher.onDidCreate((uri) => forward(uri)),
      watcher.onDidChange((uri) => forward(uri)),
      watcher.onDidDelete((uri) => forward(uri)),
      vscode.workspace.onDidChangeTextDocument((event) => {
        if (event.document.languageId === 'markdown' && event.contentChanges.length) forward(event.document.uri, event.document.getText());
      }),
      vscode.workspace.onDidCloseTextDocument((document) => {
        // Closed without saving: the file on disk is the truth again.
        if (document.isDirty) forward(document.uri);
      }),
    );
  }

  get state(): VaultState {
    return this.live?.state ?? { kind: 'scanning' };
  }

  /** Starts keeping the vault live, in the window's shared vaults (after activation: it loads the core). */
  start(vaults: BerthCore.Vaults, exclude: readonly string[]): void {
    this.live = vaults.open(this.folder.uri.fsPath, exclude);
    const subscription = this.live.onChange((state) => {
      void vscode.commands.executeCommand('setContext', 'berth.vault.state', state.kind);
      this.changed.fire(state);
    });
    this.disposables.push({ dispose: () => subscription.dispose() }, { dispose: () => this.live?.dispose() });
    void this.live.rescan();
  }

  /** The exclude globs changed: scan anew with them. */
  excludeChanged(exclude: readonly string[]): void {
    void this.live?.rescan({ exclude });
  }

  dispose(): void {
    for (const disposable of this.disposables) disposable.dispose();
  }
}
