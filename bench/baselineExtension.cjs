// The baseline: a minimal extension that registers one command and shows one status-bar item.
const vscode = require('vscode');
exports.activate = (context) => {
  const item = vscode.window.createStatusBarItem('baseline', vscode.StatusBarAlignment.Left, 0);
  item.text = 'baseline';
  item.show();
  context.subscriptions.push(item, vscode.commands.registerCommand('baseline.hello', () => undefined));
};
