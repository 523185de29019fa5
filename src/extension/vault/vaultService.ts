import * as vscode from 'vscode';
import type { VaultIndex, VaultReport } from '../../core/index.js';
import { loadCore } from '../coreLoader.js';

export type VaultState =
  | { kind: 'scanning' }
  | { kind: 'ready'; report: VaultReport }
  | { kind: 'failed'; message: string };

/** How long file events are gathered before the index is updated; one save often fires several. */
const DEBOUNCE_MS = 250;

/**
 * Keeps the vault index of one workspace folder current: one full scan, then per-file updates
 * from the file watcher and from unsaved editors, batched so that a burst costs one report.
 */
export class VaultService implements vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<VaultState>();
  readonly onDidChange = this.changed.event;
  private readonly disposables: vscode.Disposable[] = [];
  private index: VaultIndex | undefined;
  private current: VaultState = { kind: 'scanning' };
  /** Paths waiting for the next flush, with the editor text when it differs from disk. */
  private readonly pending = new Map<string, { text?: string }>();
  private timer: NodeJS.Timeout | undefined;
  private generation = 0;

  constructor(
    readonly folder: vscode.WorkspaceFolder,
    private readonly exclude: () => string[],
  ) {
    const watcher = vscode.workspace.createFileSystemWatcher(new vscode.RelativePattern(folder, '**/*'));
    this.disposables.push(
      watcher,
      this.changed,
      watcher.onDidCreate((uri) => this.queue(uri)),
      watcher.onDidChange((uri) => this.queue(uri)),
      watcher.onDidDelete((uri) => this.queue(uri)),
      vscode.workspace.onDidChangeTextDocument((event) => {
        if (event.document.languageId === 'markdown' && event.contentChanges.length) this.queue(event.document.uri, event.document.getText());
      }),
      vscode.workspace.onDidCloseTextDocument((document) => {
        if (document.isDirty) this.queue(document.uri);
      }),
    );
  }

  get state(): VaultState {
    return this.current;
  }

  get vaultIndex(): VaultIndex | undefined {
    return this.index;
  }

  /** A fresh index and a full scan: at start, and when the exclude globs change. */
  async rescan(): Promise<void> {
    const generation = ++this.generation;
    this.pending.clear();
    this.publish({ kind: 'scanning' });
    // Installed before the scan so that changes made during it queue behind it, in order.
    const index = new (loadCore().VaultIndex)(this.folder.uri.fsPath, { exclude: this.exclude() });
    this.index = index;
    try {
      const report = await vscode.window.withProgress(
        { location: vscode.ProgressLocation.Window, title: 'Berth: scanning the vault' },
        (progress) => index.scan({ onProgress: ({ message }) => progress.report({ message }) }),
      );
      if (generation !== this.generation) return;
      this.publish({ kind: 'ready', report });
    } catch (error) {
      if (generation !== this.generation) return;
      const { message, hint } = loadCore().describeError(error);
      this.publish({ kind: 'failed', message: hint ? `${message} ${hint}` : message });
    }
  }

  private queue(uri: vscode.Uri, text?: string): void {
    if (uri.scheme !== 'file' || !this.index?.relativePath(uri.fsPath)) return;
    this.pending.set(uri.fsPath, text === undefined ? {} : { text });
    clearTimeout(this.timer);
    this.timer = setTimeout(() => void this.flush(), DEBOUNCE_MS);
  }

  private async flush(): Promise<void> {
    const index = this.index;
    if (!index) return;
    const batch = [...this.pending];
    this.pending.clear();
    try {
      // update() reads the disk for paths without text, and drops paths that no longer exist.
      await Promise.all(batch.map(([path, { text }]) => index.update(path, text)));
    } catch {
      // Only a vault folder that vanished or became unreadable fails here; the scan says why.
      if (index === this.index) void this.rescan();
      return;
    }
    if (index === this.index && this.current.kind !== 'scanning') this.publish({ kind: 'ready', report: index.report() });
  }

  private publish(state: VaultState): void {
    this.current = state;
    void vscode.commands.executeCommand('setContext', 'berth.vault.state', state.kind);
    this.changed.fire(state);
  }

  dispose(): void {
    clearTimeout(this.timer);
    this.generation++;
    for (const disposable of this.disposables) disposable.dispose();
  }
}
