import * as vscode from 'vscode';
import type { OperationCommand } from '../commands/operationCommands.js';
import type { McpHost } from './mcpHost.js';

type TokenOutput = { name: string; token: string; scopes: string[] } | null;

const SCOPE_PICKS = [
  { label: 'read', description: 'list sessions, read logs and stats, vault health and fix plans', picked: true },
  { label: 'sessions', description: 'start, stop, remove and prune sessions, build the image', picked: true },
  { label: 'exec', description: 'run commands inside running sessions', picked: false },
];

/** The token commands run the mcp.token operation; VS Code then resolves Berth's server again. */
export function mcpTokenCommands(host: McpHost): OperationCommand[] {
  return [
    {
      command: 'berth.mcp.rotateToken',
      operation: 'mcp.token',
      presentation: { kind: 'window', title: 'rotating the MCP token' },
      input: async () => ((await vscode.window.showWarningMessage('Rotate the MCP token? Clients holding the old one are refused until they get the new one.', { modal: true }, 'Rotate')) ? { rotate: true } : undefined),
      done: () => {
        host.tokensChanged();
        void vscode.window.showInformationMessage('Berth: the MCP token is rotated. VS Code picks the new one up; copy the config again for other clients.');
      },
    },
    {
      command: 'berth.mcp.newToken',
      operation: 'mcp.token',
      presentation: { kind: 'window', title: 'making an MCP token' },
      async input() {
        const name = await vscode.window.showInputBox({ title: 'New MCP Client Token', prompt: 'A name for the client (letters, digits, ., _ and -)', placeHolder: 'cursor', validateInput: (value) => (/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/.test(value) ? undefined : 'Letters, digits, ".", "_" and "-", at most 64.') });
        if (!name) return undefined;
        const scopes = await vscode.window.showQuickPick(SCOPE_PICKS, { title: `Scopes of "${name}"`, canPickMany: true });
        return scopes?.length ? { name, scopes: scopes.map((scope) => scope.label) } : undefined;
      },
      async done(output) {
        const made = output as TokenOutput;
        if (!made) return;
        await vscode.env.clipboard.writeText(made.token);
        void vscode.window.showInformationMessage(`Berth: token "${made.name}" (${made.scopes.join(', ')}) is on the clipboard. It is not shown again; rotate it if it leaks.`);
      },
    },
  ];
}

/** The face's own MCP commands: what to paste into another client, and how the server is doing. */
export function registerMcpCommands(host: McpHost): vscode.Disposable[] {
  const running = async (): Promise<{ url: string; token: string } | undefined> => {
    const token = await host.defaultToken();
    if (host.url && token) return { url: host.url, token };
    const choice = await vscode.window.showWarningMessage('Berth: the MCP server is not running (berth.mcp.enabled, or an untrusted folder).', 'Open Settings');
    if (choice) void vscode.commands.executeCommand('workbench.action.openSettings', 'berth.mcp');
    return undefined;
  };
  const copy = async (text: string, what: string) => {
    await vscode.env.clipboard.writeText(text);
    void vscode.window.showInformationMessage(`Berth: ${what} is on the clipboard. It holds the token: keep it out of shared files.`);
  };
  return [
    vscode.commands.registerCommand('berth.mcp.copyClaudeConfig', async () => {
      const server = await running();
      if (server) await copy(`claude mcp add --transport http berth ${server.url} --header "Authorization: Bearer ${server.token}"`, 'the claude mcp add command');
    }),
    vscode.commands.registerCommand('berth.mcp.copyCursorConfig', async () => {
      const server = await running();
      if (server) await copy(JSON.stringify({ mcpServers: { berth: { url: server.url, headers: { Authorization: `Bearer ${server.token}` } } } }, null, 2), 'the .cursor/mcp.json entry');
    }),
    vscode.commands.registerCommand('berth.mcp.status', async () => {
      const status = host.status();
      if (!status) return void (await running());
      const clients = status.clients.map((client) => ({ label: `${client.name} ${client.version}`, description: `${client.calls} calls${client.active ? `, ${client.active} running` : ''}`, detail: `scopes: ${client.scopes.join(', ')} · since ${client.since}` }));
      await vscode.window.showQuickPick(clients.length ? clients : [{ label: 'No client attached', description: '', detail: '' }], {
        title: `Berth MCP server at ${status.url}: ${status.clients.length} client${status.clients.length === 1 ? '' : 's'}, ${status.calls} calls`,
      });
    }),
  ];
}

/**
 * Berth's server among VS Code's MCP servers (agent mode), with no setup: the definition names
 * the URL, and the Authorization header is handed over when VS Code resolves it.
 */
export function registerMcpDefinition(host: McpHost, version: string): vscode.Disposable[] {
  if (!vscode.lm?.registerMcpServerDefinitionProvider) return [];
  return [
    vscode.lm.registerMcpServerDefinitionProvider('berth.mcp', {
      onDidChangeMcpServerDefinitions: host.onDidChange,
      provideMcpServerDefinitions: () => (host.url ? [new vscode.McpHttpServerDefinition('Berth', vscode.Uri.parse(host.url), {}, version)] : []),
      resolveMcpServerDefinition: async (definition) => {
        const token = await host.defaultToken();
        if (!token || !(definition instanceof vscode.McpHttpServerDefinition)) return definition;
        definition.headers = { ...definition.headers, Authorization: `Bearer ${token}` };
        return definition;
      },
    }),
  ];
}

/** "$(plug) MCP 2": the server at a glance, with its URL and clients in the tooltip; click for the status. */
export class McpStatusBarItem implements vscode.Disposable {
  private readonly item = vscode.window.createStatusBarItem('berth.mcp', vscode.StatusBarAlignment.Left, 47);
  private readonly subscription: vscode.Disposable;

  constructor(private readonly host: McpHost) {
    this.item.name = 'Berth: MCP Server';
    this.item.command = 'berth.mcp.status';
    this.subscription = host.onDidChange(() => this.render());
    this.render();
  }

  private render(): void {
    const status = this.host.status();
    if (!status) return this.item.hide();
    const clients = status.clients.length;
    this.item.text = `$(plug) MCP${clients ? ` ${clients}` : ''}`;
    this.item.tooltip = `Berth MCP server at ${status.url}\n${clients} client${clients === 1 ? '' : 's'} attached${clients ? `: ${status.clients.map((client) => client.name).join(', ')}` : ''}; ${status.calls} calls.\nClick for the status.`;
    this.item.show();
  }

  dispose(): void {
    this.subscription.dispose();
    this.item.dispose();
  }
}
