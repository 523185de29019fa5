import { realpathSync } from 'node:fs';
import * as vscode from 'vscode';
import type { BerthCore } from '../coreLoader.js';
import type { WindowServices } from '../services.js';
import { runningCount, sessionsTree, type SessionItem, type WorkspaceGroup } from './model.js';
import { SessionsRefresh } from './refresh.js';

type Node = SessionItem | WorkspaceGroup | { kind: 'problem'; message: string };

/** How often CPU and memory are sampled while the view is visible, and for how many sessions at most. */
const STATS_EVERY_MS = 10_000;
const STATS_AT_MOST = 10;

/**
 * The Sessions view: the engine's sessions, whoever started them, live from its events while the
 * view is visible. The items come from model.ts; this turns them into TreeItems, keeps the badge
 * and the context keys, and samples CPU and memory for the running ones.
 */
export class SessionsView implements vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<void>();
  private readonly listed = new vscode.EventEmitter<readonly BerthCore.Session[]>();
  /** The latest list, for commands that pick a session and for the status bar. */
  readonly onDidList = this.listed.event;
  private readonly view: vscode.TreeView<Node>;
  private readonly refresher: SessionsRefresh<BerthCore.Session[]>;
  private readonly disposables: vscode.Disposable[] = [];
  private sessions: BerthCore.Session[] = [];
  private stats = new Map<string, BerthCore.SessionStats>();
  /** Why the last list failed; the items shown are then the last ones known, greyed. */
  private problem: string | undefined;
  private sampler: NodeJS.Timeout | undefined;

  constructor(private readonly services: WindowServices) {
    this.view = vscode.window.createTreeView<Node>('berth.sessions', {
      treeDataProvider: {
        onDidChangeTreeData: this.changed.event,
        getChildren: (node) => this.children(node),
        getTreeItem: (node) => this.item(node),
        getParent: (node) => this.parent(node),
      },
      showCollapseAll: false,
    });
    this.refresher = new SessionsRefresh(
      {
        list: () => this.services.get().sessions.list({ all: true }),
        subscribe: async (onEvent, onError) => {
          const { sessions } = this.services.get();
          const engine = await sessions.subscribe(onEvent, onError);
          const egress = sessions.watchEgress(onEvent, onError);
          return { dispose: () => [engine, egress].forEach((subscription) => subscription.dispose()) };
        },
      },
      (sessions) => this.show(sessions),
      (error) => this.failed(error),
      { debounceMs: 150, pollMs: 5000 },
    );
    this.disposables.push(
      this.view,
      this.changed,
      this.listed,
      this.view.onDidChangeVisibility(({ visible }) => this.setVisible(visible)),
    );
  }

  get current(): readonly BerthCore.Session[] {
    return this.sessions;
  }

  /** Starts following the engine (after activation: it loads the core). */
  start(): void {
    this.setVisible(this.view.visible);
  }

  /** Re-lists now: after a command changed something, on Refresh. */
  refresh(): Promise<void> {
    return this.refresher.refresh();
  }

  /** Shows the session's item (after a start), once the list has it. */
  async reveal(id: string): Promise<void> {
    await this.refresh();
    const tree = sessionsTree(this.sessions, this.stats, Date.now(), this.openFolders());
    const item = tree.grouped ? tree.groups.flatMap((group) => group.items).find((candidate) => candidate.id === id) : tree.items.find((candidate) => candidate.id === id);
    if (item && this.view.visible) await this.view.reveal(item, { select: true, focus: false });
  }

  /** The open folders by their real paths, as the engine's labels give workspaces. */
  private openFolders(): string[] {
    return (vscode.workspace.workspaceFolders ?? []).map((folder) => {
      try {
        return realpathSync(folder.uri.fsPath);
      } catch {
        return folder.uri.fsPath;
      }
    });
  }

  private setVisible(visible: boolean): void {
    this.refresher.setVisible(visible);
    clearInterval(this.sampler);
    this.sampler = visible ? setInterval(() => void this.sample(), STATS_EVERY_MS) : undefined;
  }

  private show(sessions: BerthCore.Session[]): void {
    this.sessions = sessions;
    this.problem = undefined;
    for (const id of this.stats.keys()) if (!sessions.some((session) => session.id === id && session.state === 'running')) this.stats.delete(id);
    const running = runningCount(sessions);
    this.view.badge = running ? { value: running, tooltip: `${running} running session${running === 1 ? '' : 's'}` } : undefined;
    void vscode.commands.executeCommand('setContext', 'berth.sessions.count', sessions.length);
    this.changed.fire();
    this.listed.fire(sessions);
    if (this.stats.size === 0 && running) void this.sample();
  }

  private failed(error: unknown): void {
    this.problem = error instanceof Error ? error.message : String(error);
    this.changed.fire();
  }

  private async sample(): Promise<void> {
    const running = this.sessions.filter((session) => session.state === 'running').slice(0, STATS_AT_MOST);
    const { sessions } = this.services.get();
    const samples = await Promise.all(running.map((session) => sessions.stats(session).catch(() => undefined)));
    samples.forEach((sample) => sample && this.stats.set(sample.id, sample));
    if (samples.some(Boolean)) this.changed.fire();
  }

  private children(node?: Node): Node[] {
    if (node?.kind === 'workspace') return node.items;
    if (node) return [];
    const tree = sessionsTree(this.sessions, this.stats, Date.now(), this.openFolders());
    const roots: Node[] = tree.grouped ? tree.groups : tree.items;
    // No items at all lets the view's welcome content (no engine, no sessions yet) show.
    return this.problem && roots.length ? [{ kind: 'problem', message: this.problem }, ...roots] : roots;
  }

  private parent(node: Node): Node | undefined {
    if (node.kind !== 'session') return undefined;
    const tree = sessionsTree(this.sessions, this.stats, Date.now(), this.openFolders());
    return tree.grouped ? tree.groups.find((group) => group.items.some((item) => item.id === node.id)) : undefined;
  }

  private item(node: Node): vscode.TreeItem {
    if (node.kind === 'problem') {
      const item = new vscode.TreeItem('The engine does not answer: these may be out of date');
      item.tooltip = `${node.message}\nClick to run Doctor.`;
      item.iconPath = new vscode.ThemeIcon('warning', new vscode.ThemeColor('list.warningForeground'));
      item.command = { command: 'berth.doctor', title: 'Run Doctor' };
      return item;
    }
    if (node.kind === 'workspace') {
      const item = new vscode.TreeItem(node.label, vscode.TreeItemCollapsibleState.Expanded);
      item.id = `workspace:${node.workspace}`;
      item.description = node.description;
      item.iconPath = vscode.ThemeIcon.Folder;
      return item;
    }
    const item = new vscode.TreeItem(node.label);
    item.id = node.id;
    item.description = node.description;
    item.tooltip = new vscode.MarkdownString(node.tooltip.map((line) => line.replace(/([\\`*_{}[\]()#+\-.!|<>])/g, '\\$1')).join('  \n'));
    const color = this.problem ? 'disabledForeground' : node.icon.color;
    item.iconPath = new vscode.ThemeIcon(node.icon.id, color ? new vscode.ThemeColor(color) : undefined);
    item.contextValue = node.contextValue;
    return item;
  }

  dispose(): void {
    clearInterval(this.sampler);
    this.refresher.dispose();
    for (const disposable of this.disposables) disposable.dispose();
  }
}
