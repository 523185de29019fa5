import { posix } from 'node:path';
import * as vscode from 'vscode';
import { loadCore } from '../coreLoader.js';
import { BROKEN_LINK } from './vaultDiagnostics.js';
import type { VaultService } from './vaultService.js';

/**
 * Quick fixes for a broken link: point it at the closest existing note, or create the note it
 * names. The link is looked up in the index by position, since a diagnostic reaching a code
 * action provider carries no data of ours.
 */
export class BrokenLinkFixes implements vscode.CodeActionProvider {
  static readonly metadata: vscode.CodeActionProviderMetadata = { providedCodeActionKinds: [vscode.CodeActionKind.QuickFix] };

  constructor(private readonly vault: VaultService) {}

  provideCodeActions(document: vscode.TextDocument, _range: vscode.Range, context: vscode.CodeActionContext): vscode.CodeAction[] {
    const index = this.vault.vaultIndex;
    if (!index) return [];
    const actions: vscode.CodeAction[] = [];
    for (const diagnostic of context.diagnostics) {
      if (diagnostic.source !== 'Berth' || diagnostic.code !== BROKEN_LINK) continue;
      const { start } = diagnostic.range;
      const link = index.linksFrom(document.uri.fsPath).find((l) => l.line === start.line + 1 && l.column === start.character + 1);
      if (!link || !link.path) continue;

      const written = document.getText(diagnostic.range);
      const at = written.indexOf(link.path);
      const closest = link.syntax === 'wikilink' ? loadCore().closestNoteName(link.path, index.noteNames()) : undefined;
      if (closest && at >= 0) {
        const fix = new vscode.CodeAction(`Change link to "${closest}"`, vscode.CodeActionKind.QuickFix);
        fix.edit = new vscode.WorkspaceEdit();
        const from = document.positionAt(document.offsetAt(diagnostic.range.start) + at);
        fix.edit.replace(document.uri, new vscode.Range(from, from.translate(0, link.path.length)), closest);
        fix.diagnostics = [diagnostic];
        fix.isPreferred = true;
        actions.push(fix);
      }

      const notePath = loadCore().newNotePath(link.syntax, link.path, link.source);
      if (notePath) {
        const uri = vscode.Uri.joinPath(this.vault.folder.uri, ...notePath.split('/'));
        const create = new vscode.CodeAction(`Create note "${notePath}"`, vscode.CodeActionKind.QuickFix);
        create.edit = new vscode.WorkspaceEdit();
        create.edit.createFile(uri, { ignoreIfExists: true, contents: Buffer.from(`# ${posix.basename(notePath, '.md')}\n\n`) });
        create.command = { command: 'vscode.open', title: 'Open the new note', arguments: [uri] };
        create.diagnostics = [diagnostic];
        actions.push(create);
      }
    }
    return actions;
  }
}
