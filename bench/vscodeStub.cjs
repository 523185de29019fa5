// Just enough of the `vscode` module for activate() to run outside VS Code, with a workspace
// folder open, so that the bench measures Berth's own load and activation cost.
// Used by bench/activation.ts only.
const os = require('node:os');

class EventEmitter {
  constructor() { this.listeners = new Set(); this.event = (fn) => { this.listeners.add(fn); return { dispose: () => this.listeners.delete(fn) }; }; }
  fire(value) { for (const fn of this.listeners) fn(value); }
  dispose() { this.listeners.clear(); }
}
const disposable = { dispose() {} };
const event = () => disposable;
const uri = (fsPath) => ({ scheme: 'file', fsPath, path: fsPath });
module.exports = {
  EventEmitter,
  Disposable: class {
    constructor(fn) { this.dispose = fn; }
    static from(...items) { return { dispose: () => items.forEach((item) => item.dispose()) }; }
  },
  ThemeColor: class { constructor(id) { this.id = id; } },
  RelativePattern: class { constructor(base, pattern) { this.base = base; this.pattern = pattern; } },
  StatusBarAlignment: { Left: 1, Right: 2 },
  ProgressLocation: { Window: 10, Notification: 15 },
  CodeActionKind: { QuickFix: { value: 'quickfix' } },
  Uri: { file: uri, joinPath: (base, ...parts) => uri([base.fsPath, ...parts].join('/')) },
  ThemeIcon: class { constructor(id, color) { this.id = id; this.color = color; } },
  window: {
    createOutputChannel: () => ({ appendLine() {}, info() {}, warn() {}, error() {}, debug() {}, show() {}, dispose() {} }),
    createTreeView: () => ({ visible: false, onDidChangeVisibility: event, reveal: async () => undefined, dispose() {} }),
    createStatusBarItem: () => ({ show() {}, hide() {}, dispose() {} }),
    registerTreeDataProvider: () => disposable,
    showInformationMessage: async () => undefined,
  },
  commands: { registerCommand: () => disposable, executeCommand: async () => undefined },
  languages: {
    createDiagnosticCollection: () => ({ set() {}, clear() {}, dispose() {} }),
    registerCodeActionsProvider: () => disposable,
  },
  workspace: {
    isTrusted: true,
    onDidGrantWorkspaceTrust: event,
    workspaceFolders: [{ uri: uri(os.tmpdir()), name: 'vault', index: 0 }],
    getConfiguration: () => ({ get: (_key, fallback) => fallback }),
    onDidChangeConfiguration: event,
    onDidChangeTextDocument: event,
    onDidCloseTextDocument: event,
    createFileSystemWatcher: () => ({ onDidCreate: event, onDidChange: event, onDidDelete: event, dispose() {} }),
  },
};
