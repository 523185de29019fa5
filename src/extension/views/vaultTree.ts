import * as vscode from 'vscode';

/** The Vault Health view: empty until the vault index reports, so its welcome content shows. */
export class VaultTreeProvider implements vscode.TreeDataProvider<never>, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChangeTreeData = this.changed.event;

  getTreeItem(element: never): vscode.TreeItem {
    return element;
  }

  getChildren(): never[] {
    return [];
  }

  dispose(): void {
    this.changed.dispose();
  }
}
