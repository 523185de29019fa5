import * as vscode from 'vscode';

/** Typed access to the berth.* settings; the one place that knows their names. */
export const berthConfig = {
  dockerHost(): string | undefined {
    const value = vscode.workspace.getConfiguration('berth').get<string>('docker.host', '');
    return value.trim() || undefined;
  },
  affectsEngine(event: vscode.ConfigurationChangeEvent): boolean {
    return event.affectsConfiguration('berth.docker.host');
  },
  vaultExclude(folder?: vscode.WorkspaceFolder): string[] {
    const value = vscode.workspace.getConfiguration('berth', folder).get<unknown>('vault.exclude', []);
    return Array.isArray(value) ? value.filter((glob): glob is string => typeof glob === 'string' && glob.trim() !== '') : [];
  },
  affectsVault(event: vscode.ConfigurationChangeEvent): boolean {
    return event.affectsConfiguration('berth.vault.exclude');
  },
};
