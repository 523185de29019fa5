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
  /** Where vault health and backups run: here, or Berth's CLI in a locked-down container. */
  vaultRunIn(folder?: vscode.WorkspaceFolder): 'local' | 'container' {
    return vscode.workspace.getConfiguration('berth', folder).get<string>('vault.runIn') === 'container' ? 'container' : 'local';
  },
  /** After how many days without a backup the Vault Health view warns; a wrong value falls back to 7. */
  backupWarnDays(): number {
    const days = vscode.workspace.getConfiguration('berth').get<unknown>('vault.backupWarnDays', 7);
    return typeof days === 'number' && Number.isFinite(days) && days > 0 ? days : 7;
  },
  affectsBackupAge(event: vscode.ConfigurationChangeEvent): boolean {
    return event.affectsConfiguration('berth.vault.backupWarnDays');
  },
  /** Whether sessions started from this window outlive it (up to their maximum age). */
  detachSessions(): boolean {
    return vscode.workspace.getConfiguration('berth.sessions').get<boolean>('detach') === true;
  },
  mcpEnabled(): boolean {
    return vscode.workspace.getConfiguration('berth').get<boolean>('mcp.enabled', true) === true;
  },
  /** 0 picks a free port; a value out of range falls back to 0. */
  mcpPort(): number {
    const port = vscode.workspace.getConfiguration('berth').get<unknown>('mcp.port', 0);
    return typeof port === 'number' && Number.isInteger(port) && port >= 0 && port <= 65535 ? port : 0;
  },
  affectsMcp(event: vscode.ConfigurationChangeEvent): boolean {
    return event.affectsConfiguration('berth.mcp');
  },
  /**
   * The berth.sessions.* settings the person set, as raw values for the core to check (only
   * explicit ones: the core has the defaults). An untrusted folder's own values are not read:
   * they could point sessions at an image or a network of the folder's choosing.
   */
  sessions(): Record<string, unknown> {
    const config = vscode.workspace.getConfiguration('berth.sessions');
    const keys = ['image', 'provider', 'agents', 'environment', 'network.agents', 'network.shells', 'mount', 'limits.pids', 'limits.memoryMb', 'limits.cpus', 'maxAgeHours', 'warmPool', 'egress.allow', 'leaseGraceSeconds', 'retentionHours', 'maxSessionsPerOwner', 'maxSessions'];
    const raw: Record<string, unknown> = {};
    for (const key of keys) {
      const inspected = config.inspect(key);
      const trusted = vscode.workspace.isTrusted;
      const value = (trusted ? (inspected?.workspaceFolderValue ?? inspected?.workspaceValue) : undefined) ?? inspected?.globalValue;
      if (value !== undefined) raw[key] = value;
    }
    return raw;
  },
};
