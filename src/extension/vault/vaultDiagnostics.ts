import * as vscode from 'vscode';
import type { VaultState, VaultWatch } from './vaultWatch.js';

export const BROKEN_LINK = 'broken-link';

/** Link problems in the Problems panel, replaced as a whole on each report (their number is small). */
export class VaultDiagnostics implements vscode.Disposable {
  private readonly collection = vscode.languages.createDiagnosticCollection('berth-vault');
  private readonly subscription: vscode.Disposable;

  constructor(private readonly vault: VaultWatch) {
    this.subscription = vault.onDidChange((state) => this.render(state));
  }

  private render(state: VaultState): void {
    if (state.kind !== 'ready') return;
    const { report } = state;
    const byFile = new Map<string, vscode.Diagnostic[]>();
    const add = (path: string, range: vscode.Range, message: string, severity: vscode.DiagnosticSeverity, code: string) => {
      const diagnostic = new vscode.Diagnostic(range, message, severity);
      diagnostic.source = 'Berth';
      diagnostic.code = code;
      const list = byFile.get(path) ?? [];
      list.push(diagnostic);
      byFile.set(path, list);
    };
    const at = (link: { line: number; column: number; length: number }) =>
      new vscode.Range(link.line - 1, link.column - 1, link.line - 1, link.column - 1 + Math.max(1, link.length));
    const { Warning, Information } = vscode.DiagnosticSeverity;

    for (const link of report.brokenLinks) {
      add(link.source, at(link), `Broken link: no note or file named "${link.target}"`, Warning, BROKEN_LINK);
    }
    for (const link of report.ambiguousLinks) {
      const message = `Ambiguous link: "${link.target}" could mean ${link.candidates.join(' or ')}; write the folder too`;
      add(link.source, at(link), message, Information, 'ambiguous-link');
    }
    for (const link of report.missingFragments) {
      add(link.source, at(link), `${link.note} has no heading or block "${link.fragment}"`, Warning, 'missing-fragment');
    }
    for (const issue of report.invalidFrontmatter) {
      const line = new vscode.Range(issue.line - 1, 0, issue.line - 1, Number.MAX_SAFE_INTEGER);
      add(issue.path, line, `Invalid frontmatter: ${issue.message}`, Warning, 'invalid-frontmatter');
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
