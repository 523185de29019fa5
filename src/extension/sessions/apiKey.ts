import * as vscode from 'vscode';
import { API_KEY_SECRET } from '../services.js';

/**
 * The Anthropic API key in VS Code's SecretStorage (the OS keychain where there is one): never in
 * settings, files or the log. The sessions service reads it at each agent start and hands it to
 * the container out of band. These two commands are the face's own: the key store is VS Code's.
 */
export function registerApiKeyCommands(secrets: vscode.SecretStorage, log: vscode.LogOutputChannel): vscode.Disposable[] {
  const publish = async () => vscode.commands.executeCommand('setContext', 'berth.apiKeySet', Boolean(await secrets.get(API_KEY_SECRET)));
  void publish();
  return [
    secrets.onDidChange((event) => {
      if (event.key === API_KEY_SECRET) void publish();
    }),
    vscode.commands.registerCommand('berth.apiKey.set', async () => {
      const key = await vscode.window.showInputBox({
        title: 'Anthropic API Key',
        prompt: 'Kept in VS Code’s secret storage; Berth hands it to Claude Code sessions and nowhere else.',
        placeHolder: 'sk-ant-…',
        password: true,
        ignoreFocusOut: true,
        validateInput: (value) => (value.trim() && !/\s/.test(value.trim()) ? undefined : 'Paste the key: one word, no spaces.'),
      });
      if (!key) return;
      await secrets.store(API_KEY_SECRET, key.trim());
      log.info('The Anthropic API key was stored in secret storage.');
      void vscode.window.showInformationMessage('Berth: the Anthropic API key is stored.');
    }),
    vscode.commands.registerCommand('berth.apiKey.clear', async () => {
      await secrets.delete(API_KEY_SECRET);
      log.info('The Anthropic API key was removed from secret storage.');
      void vscode.window.showInformationMessage('Berth: the Anthropic API key is removed.');
    }),
  ];
}
