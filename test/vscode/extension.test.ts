// VS Code's own extension-test convention (@vscode/test-cli + @vscode/test-electron, mocha), for
// machines that can download VS Code: `npm run test:vscode`. Where no download is possible, as on
// our CI, test/e2e drives the same checks through code-server in Chromium.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';

suite('Berth extension', () => {
  test('activates and contributes its commands', async () => {
    const extension = vscode.extensions.getExtension('berth-dev.berth');
    assert.ok(extension, 'the extension is installed');
    await extension.activate();
    const commands = await vscode.commands.getCommands(true);
    for (const id of ['berth.doctor', 'berth.refreshEngine']) assert.ok(commands.includes(id), `${id} is registered`);
  });

  test('Berth: Doctor runs without throwing', async () => {
    await vscode.commands.executeCommand('berth.doctor');
  });
});
