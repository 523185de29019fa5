import * as vscode from 'vscode';
import type { BerthCore } from '../coreLoader.js';

/** The core's planned edits as a WorkspaceEdit: undoable, and applied to unsaved editors as they are. */
export function toWorkspaceEdit(edits: BerthCore.EditSet): vscode.WorkspaceEdit {
  const root = vscode.Uri.file(edits.root);
  const at = (path: string) => vscode.Uri.joinPath(root, ...path.split('/'));
  const edit = new vscode.WorkspaceEdit();
  for (const text of edits.textEdits) {
    const { start, end } = text.range;
    edit.replace(at(text.path), new vscode.Range(start.line, start.character, end.line, end.character), text.newText);
  }
  for (const file of edits.creates) edit.createFile(at(file.path), { ignoreIfExists: true, contents: Buffer.from(file.content) });
  for (const file of edits.deletes ?? []) edit.deleteFile(at(file.path), { ignoreIfNotExists: true });
  return edit;
}

/** Where the first file an edit creates will be, to open it afterwards. */
export function createdUri(edits: BerthCore.EditSet): vscode.Uri | undefined {
  const [first] = edits.creates;
  return first && vscode.Uri.joinPath(vscode.Uri.file(edits.root), ...first.path.split('/'));
}
