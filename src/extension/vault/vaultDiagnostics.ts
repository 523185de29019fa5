import * as vscode from 'vscode';
import type { VaultService, VaultState } from './vaultService.js';

export const BROKEN_LINK = 'broken-link';

/** Link problems in the Problems panel, replaced as a whole on each report (their number is small). */
export class VaultDiagnostics implements vscode.Disposable {
  private readonly collection = vscode.languages.createDiagnosticCollection('berth-vault');
  private readonly subscription: vscode.Disposable;

  constructor(private readonly vault: VaultService) {
    this.subscription = vault.onDidChange((state) => this.render(state));
  }

  private render(state: VaultState): void {
    if (state.kind !== 'ready') return;
    const { report } = state;
    const byFile = new Map<string, vscode.Diagnostic[]>();
    const add = (source: string, diagnostic: vscode.Diagnostic) => {
      const list = byFile.get(source) ?? [];
      list.push(diagnostic);
      byFile.set(source, list);
    };
    const range = (line: number, column: number, length: number) =>
      new vscode.Range(line - 1, column - 1, line - 1, column - 1 + Math.max(1, length));

    for (const link of report.brokenLinks) {
      const diagnostic = new vscode.Diagnostic(
        range(link.line, link.column, link.length),
        `Broken link: no note or file named "${link.target}"`,
        vscode.DiagnosticSeverity.Warning,
      );
      diagnostic.source = 'Berth';
      diagnostic.code = BROKEN_LINK;
      add(link.source, diagnostic);
    }
    for (const link of report.ambiguousLinks) {
      const diagnostic = new vscode.Diagnostic(
        range(link.line, link.column, link.length),
        `Ambiguous link: "${link.target}" could mean ${link.candidates.join(' or ')}; write the folder too`,
        vscode.DiagnosticSeverity.Information,
      );
      diagnostic.source = 'Berth';
      diagnostic.code = 'ambiguous-link';
      add(link.source, diagnostic);
    }
    for (const link of report.missingFragments) {
      const diagnostic = new vscode.Diagnostic(
        range(link.line, link.column, link.length),
        `${link.note} has no heading or block "${link.fragment}"`,
        vscode.DiagnosticSeverity.Warning,
      );
      diagnostic.source = 'Berth';
      diagnostic.code = 'missing-fragment';
      add(link.source, diagnostic);
    }
    for (const issue of report.invalidFrontmatter) {
      const diagnostic = new vscode.Diagnostic(new vscode.Range(issue.line - 1, 0, issue.line - 1, 1000), `Invalid frontmatter: ${issue.message}`, vscode.DiagnosticSeverity.Warning);
      diagnostic.source = 'Berth';
      diagnostic.code = 'invalid-frontmatter';
      add(issue.path, diagnostic);
    }
    this.collection.clear();
    for (const [source, diagnostics] of byFile) {
      this.collection.set(vscode.Uri.joinPath(this.vault.folder.uri, ...source.split('/')), diagnostics);
    }
  }

  dispose(): void {
    this.subscription.dispose();
    this.collection.dispose();
  }
}
