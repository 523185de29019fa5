import type * as vscode from 'vscode';
import type { BerthCore } from '../coreLoader.js';

const KEY = 'berth.mcp.tokens';

/**
 * The MCP tokens in VS Code's SecretStorage, not in a file: the extension's clients (VS Code's
 * agent mode, and those the person copies a config for) authenticate with them.
 */
export class SecretTokenStore implements BerthCore.mcp.TokenStore {
  constructor(
    private readonly secrets: vscode.SecretStorage,
    private readonly initial: () => BerthCore.mcp.McpToken[],
  ) {}

  async list(): Promise<BerthCore.mcp.McpToken[]> {
    const stored = await this.secrets.get(KEY);
    if (stored === undefined) {
      const tokens = this.initial();
      await this.save(tokens);
      return tokens;
    }
    return JSON.parse(stored) as BerthCore.mcp.McpToken[];
  }

  async save(tokens: BerthCore.mcp.McpToken[]): Promise<void> {
    await this.secrets.store(KEY, JSON.stringify(tokens));
  }
}
