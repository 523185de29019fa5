import type * as vscode from 'vscode';

/**
 * The Sessions view. Until the sessions face lands it has no items, so VS Code shows the view's
 * welcome content, which follows the engine state through context keys.
 */
export class SessionsTreeProvider implements vscode.TreeDataProvider<never> {
  getTreeItem(element: never): vscode.TreeItem {
    return element;
  }

  getChildren(): never[] {
    return [];
  }
}
