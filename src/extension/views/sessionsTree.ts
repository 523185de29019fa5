import * as vscode from 'vscode';

/**
 * The Sessions view. Until sessions exist it has no items, so VS Code shows the view's
 * welcome content, which follows the engine state through context keys.
 */
export class SessionsTreeProvider implements vscode.TreeDataProvider<never>, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChangeTreeData = this.changed.event;

  getTreeItem(element: never): vscode.TreeItem {
    return element;
  }

  getChildren(): never[] {
    return [];
  }

  refresh(): void {
    this.changed.fire();
  }

  dispose(): void {
    this.changed.dispose();
  }
}
