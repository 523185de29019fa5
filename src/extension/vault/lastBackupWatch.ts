import * as vscode from 'vscode';
import { loadCore } from '../coreLoader.js';
import { berthConfig } from '../config.js';

/** What the Vault Health view shows of the vault's backups. */
export interface BackupStatus {
  age: string;
  stale: boolean;
  file?: string;
  warnDays: number;
}

/**
 * The age of the vault's newest backup in Berth's backups folder, looked at again when a backup
 * may have been made or removed (a Berth command, a CLI in a terminal, retention) and hourly, so
 * that "2 days ago" does not stay "1 day ago" in a window left open.
 */
export class LastBackupWatch implements vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChange = this.changed.event;
  private readonly disposables: vscode.Disposable[] = [this.changed];
  private current: BackupStatus | undefined;
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly folder: vscode.WorkspaceFolder) {}

  get status(): BackupStatus | undefined {
    return this.current;
  }

  /** Starts looking (after activation: it loads the core). */
  start(): void {
    void loadCore()
      .vaultBackupsFolder(this.folder.uri.fsPath)
      .then((folder) => {
        // Backups made anywhere (a Berth command, a CLI in a terminal, retention) land in this folder.
        const watcher = vscode.workspace.createFileSystemWatcher(new vscode.RelativePattern(vscode.Uri.file(folder), '*.tar.gz'));
        this.disposables.push(watcher, watcher.onDidCreate(() => void this.refresh()), watcher.onDidDelete(() => void this.refresh()));
      });
    this.timer = setInterval(() => void this.refresh(), 3600_000);
    void this.refresh();
  }

  async refresh(): Promise<void> {
    const core = loadCore();
    const warnDays = berthConfig.backupWarnDays();
    const last = await core.lastBackup(this.folder.uri.fsPath).catch(() => undefined);
    this.current = { ...core.backupAge(last, new Date(), warnDays), ...(last ? { file: last.file } : {}), warnDays };
    this.changed.fire();
  }

  dispose(): void {
    if (this.timer) clearInterval(this.timer);
    for (const disposable of this.disposables) disposable.dispose();
  }
}
