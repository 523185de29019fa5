// Just enough of the `vscode` module for activate() to run outside VS Code, so that the bench
// measures Berth's own load and activation cost. Used by bench/activation.ts only.
class EventEmitter {
  constructor() { this.listeners = new Set(); this.event = (fn) => { this.listeners.add(fn); return { dispose: () => this.listeners.delete(fn) }; }; }
  fire(value) { for (const fn of this.listeners) fn(value); }
  dispose() { this.listeners.clear(); }
}
const disposable = { dispose() {} };
module.exports = {
  EventEmitter,
  ThemeColor: class { constructor(id) { this.id = id; } },
  StatusBarAlignment: { Left: 1, Right: 2 },
  ProgressLocation: { Notification: 15 },
  window: {
    createOutputChannel: () => ({ appendLine() {}, show() {}, dispose() {} }),
    createStatusBarItem: () => ({ show() {}, hide() {}, dispose() {} }),
    registerTreeDataProvider: () => disposable,
    showInformationMessage: async () => undefined,
  },
  commands: { registerCommand: () => disposable, executeCommand: async () => undefined },
  workspace: {
    getConfiguration: () => ({ get: (_key, fallback) => fallback }),
    onDidChangeConfiguration: () => disposable,
  },
};
