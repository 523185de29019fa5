import * as vscode from 'vscode';
import type { BerthCore } from '../coreLoader.js';
import type { WindowServices } from '../services.js';
import { BROKEN_LINK } from './vaultDiagnostics.js';
import type { VaultWatch } from './vaultWatch.js';
import { createdUri, toWorkspaceEdit } from './workspaceEdit.js';

type Plan = { edits: BerthCore.EditSet; newTarget?: string; path?: string };

/**
 * Quick fixes for a broken link: the core plans them (vault.link.retarget, vault.note.create) as
 * edits; this turns each plan into a code action. A link the core will not fix gets no action.
 */
export class BrokenLinkFixes implements vscode.CodeActionProvider {
  static readonly metadata: vscode.CodeActionProviderMetadata = { providedCodeActionKinds: [vscode.CodeActionKind.QuickFix] };

  constructor(
    private readonly vault: VaultWatch,
    private readonly services: WindowServices,
    private readonly log: vscode.LogOutputChannel,
  ) {}

  async provideCodeActions(document: vscode.TextDocument, _range: vscode.Range, context: vscode.CodeActionContext, token: vscode.CancellationToken): Promise<vscode.CodeAction[]> {
    const actions: vscode.CodeAction[] = [];
    for (const diagnostic of context.diagnostics) {
      if (diagnostic.source !== 'Berth' || diagnostic.code !== BROKEN_LINK) continue;
      const { start } = diagnostic.range;
      const input = { dir: this.vault.folder.uri.fsPath, note: document.uri.fsPath, line: start.line + 1, column: start.character + 1, text: document.getText() };
      const [retarget, create] = await Promise.all([this.plan('vault.link.retarget', input, token), this.plan('vault.note.create', input, token)]);
      if (retarget?.newTarget) {
        const fix = new vscode.CodeAction(`Change link to "${retarget.newTarget}"`, vscode.CodeActionKind.QuickFix);
        fix.edit = toWorkspaceEdit(retarget.edits);
        fix.diagnostics = [diagnostic];
        fix.isPreferred = true;
        actions.push(fix);
      }
      if (create?.path) {
        const fix = new vscode.CodeAction(`Create note "${create.path}"`, vscode.CodeActionKind.QuickFix);
        fix.edit = toWorkspaceEdit(create.edits);
        fix.command = { command: 'vscode.open', title: 'Open the new note', arguments: [createdUri(create.edits)] };
        fix.diagnostics = [diagnostic];
        actions.push(fix);
      }
    }
    return actions;
  }

  /** A planned fix, or undefined where the core has none (its reason goes to the log). */
  private async plan(operation: string, input: Record<string, unknown>, token: vscode.CancellationToken): Promise<Plan | undefined> {
    const abort = new AbortController();
    const cancelled = token.onCancellationRequested(() => abort.abort());
    try {
      const { operations } = this.services.get();
      return (await operations.invoke(operation, input, { origin: 'command', cwd: this.services.cwd(), signal: abort.signal, progress: () => undefined })) as Plan;
    } catch (error) {
      this.log.debug(`${operation}: ${error instanceof Error ? error.message : String(error)}`);
      return undefined;
    } finally {
      cancelled.dispose();
    }
  }
}
