import * as vscode from 'vscode';
import type { BerthCore } from '../coreLoader.js';

const SCHEME = 'berth-repair';

/**
 * The before and after of each file of the plan shown last, as read-only virtual documents: the
 * diff view compares them, and nothing of the plan touches the vault's own files until Apply.
 */
class RepairDocuments implements vscode.TextDocumentContentProvider {
  private texts = new Map<string, string>();
  private readonly changed = new vscode.EventEmitter<vscode.Uri>();
  readonly onDidChange = this.changed.event;

  set(texts: Map<string, string>): void {
    const old = [...this.texts.keys()];
    this.texts = texts;
    for (const key of new Set([...old, ...texts.keys()])) this.changed.fire(planUri(key));
  }

  provideTextDocumentContent(uri: vscode.Uri): string {
    return this.texts.get(`${uri.query}${uri.path}`) ?? '';
  }
}

/**
 * A side of a file in the plan: the same path on both sides (the side is the query), so that the
 * diff view names the file once instead of showing it as renamed from /before to /after.
 */
function planUri(key: string): vscode.Uri {
  const slash = key.indexOf('/');
  return vscode.Uri.from({ scheme: SCHEME, path: key.slice(slash), query: key.slice(0, slash) });
}

let documents: RepairDocuments | undefined;

function provider(): RepairDocuments {
  if (!documents) {
    documents = new RepairDocuments();
    // Lives as long as the window: the diff tabs may stay open after the command ends.
    vscode.workspace.registerTextDocumentContentProvider(SCHEME, documents);
  }
  return documents;
}

async function diskText(uri: vscode.Uri): Promise<string> {
  return Buffer.from(await vscode.workspace.fs.readFile(uri)).toString('utf8');
}

/**
 * Opens the plan as one multi-file diff (each file's text now and as the plan leaves it); where
 * this VS Code has no multi-file diff, the plan's unified diff opens as a document instead.
 */
export async function showRepairDiff(plan: BerthCore.RepairOutput, core: typeof BerthCore): Promise<void> {
  const root = vscode.Uri.file(plan.root);
  const texts = new Map<string, string>();
  const resources: [vscode.Uri, vscode.Uri, vscode.Uri][] = [];
  const deleted = new Set((plan.edits.deletes ?? []).map((file) => file.path));
  const created = new Map(plan.edits.creates.map((file) => [file.path, file.content]));
  for (const { path } of plan.files) {
    const uri = vscode.Uri.joinPath(root, ...path.split('/'));
    const before = created.has(path) ? '' : await diskText(uri);
    const after = deleted.has(path)
      ? ''
      : (created.get(path) ??
        core.applyTextEdits(
          before,
          plan.edits.textEdits.filter((edit) => edit.path === path),
        ));
    texts.set(`before/${path}`, before);
    texts.set(`after/${path}`, after);
    resources.push([uri, planUri(`before/${path}`), planUri(`after/${path}`)]);
  }
  provider().set(texts);
  try {
    await vscode.commands.executeCommand('vscode.changes', `Berth: Repair Plan (${plan.changes.length} change${plan.changes.length === 1 ? '' : 's'})`, resources);
  } catch {
    await vscode.window.showTextDocument(await vscode.workspace.openTextDocument({ language: 'diff', content: plan.diff }), { preview: true });
  }
}
