import * as vscode from 'vscode';
import { loadCore } from '../coreLoader.js';
import type { VaultReport } from '../../core/index.js';
import type { BackupStatus, LastBackupWatch } from './lastBackupWatch.js';
import type { VaultState, VaultWatch } from './vaultWatch.js';

/** A place in a note: the tree opens the note there. */
interface Location {
  path: string;
  line: number;
  column?: number;
  length?: number;
}

interface Entry {
  label: string;
  description?: string;
  tooltip?: string;
  location?: Location;
}

interface Group {
  id: string;
  label: string;
  icon: string;
  entries: Entry[];
}

type Node =
  | { kind: 'score'; report: VaultReport }
  | { kind: 'scoreLine'; label: string; description: string; tooltip: string }
  | { kind: 'backup'; status: BackupStatus }
  | { kind: 'group'; group: Group }
  | { kind: 'entry'; entry: Entry; groupId: string }
  | { kind: 'message'; label: string; icon: string };

/** Turns a report into the view's groups; a group appears only when it has something to show. */
function groupsOf(report: VaultReport): Group[] {
  const at = (path: string, line: number, column?: number, length?: number): Location => ({ path, line, column, length });
  const groups: Group[] = [
    {
      id: 'broken',
      label: 'Broken links',
      icon: 'error',
      entries: report.brokenLinks.map((link) => ({
        label: link.target || '(empty link)',
        description: `${link.source}:${link.line}`,
        tooltip: `${link.source}, line ${link.line}: no note or file named "${link.target}"`,
        location: at(link.source, link.line, link.column, link.length),
      })),
    },
    {
      id: 'orphans',
      label: 'Orphans',
      icon: 'circle-slash',
      entries: report.orphans.map((path) => ({ label: path, tooltip: `No other note links to ${path}`, location: at(path, 1) })),
    },
    {
      id: 'ambiguous',
      label: 'Ambiguous links',
      icon: 'question',
      entries: report.ambiguousLinks.map((link) => ({
        label: link.target,
        description: `${link.source}:${link.line}`,
        tooltip: `Could mean ${link.candidates.join(', ')}`,
        location: at(link.source, link.line, link.column, link.length),
      })),
    },
    {
      id: 'fragments',
      label: 'Missing headings and blocks',
      icon: 'symbol-key',
      entries: report.missingFragments.map((link) => ({
        label: `${link.note}#${link.fragment}`,
        description: `${link.source}:${link.line}`,
        tooltip: `${link.note} has no heading or block "${link.fragment}"`,
        location: at(link.source, link.line, link.column, link.length),
      })),
    },
    {
      id: 'frontmatter',
      label: 'Invalid frontmatter',
      icon: 'symbol-namespace',
      entries: report.invalidFrontmatter.map((issue) => ({
        label: issue.path,
        description: issue.message,
        tooltip: `${issue.path}, line ${issue.line}: ${issue.message}`,
        location: at(issue.path, issue.line),
      })),
    },
    {
      id: 'empty',
      label: 'Empty notes',
      icon: 'file',
      entries: report.emptyNotes.map((path) => ({ label: path, location: at(path, 1) })),
    },
    {
      id: 'attachments',
      label: 'Unused attachments',
      icon: 'file-media',
      entries: report.unusedAttachments.map((path) => ({ label: path, location: at(path, 1) })),
    },
    {
      id: 'unreadable',
      label: 'Could not be read',
      icon: 'lock',
      entries: report.unreadable.map((path) => ({
        label: path,
        tooltip: `${path} exists but Berth may not read it (check its permissions): its links are unknown, links to it still count`,
      })),
    },
    {
      id: 'clashes',
      label: 'Names that differ only by case',
      icon: 'case-sensitive',
      entries: report.nameClashes.map((clash) => ({ label: clash.name, description: clash.paths.join(', ') })),
    },
  ];
  return groups.filter((group) => group.entries.length > 0);
}

/** The Vault Health view: the score and its breakdown on top, then one group per kind of problem. */
export class VaultTreeProvider implements vscode.TreeDataProvider<Node>, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChangeTreeData = this.changed.event;
  private readonly subscription: vscode.Disposable;

  constructor(
    private readonly vault: VaultWatch | undefined,
    private readonly backups?: LastBackupWatch,
  ) {
    this.subscription = vscode.Disposable.from(
      vault?.onDidChange(() => this.changed.fire()) ?? new vscode.Disposable(() => undefined),
      backups?.onDidChange(() => this.changed.fire()) ?? new vscode.Disposable(() => undefined),
    );
  }

  getChildren(node?: Node): Node[] {
    if (!node) return this.roots(this.vault?.state);
    if (node.kind === 'score') {
      return node.report.breakdown
        .filter((line) => line.lost > 0)
        .map((line) => ({ kind: 'scoreLine', label: line.label, description: `−${loadCore().points(line.lost)}`, tooltip: line.explanation }));
    }
    if (node.kind === 'group') return node.group.entries.map((entry) => ({ kind: 'entry', entry, groupId: node.group.id }));
    return [];
  }

  private roots(state: VaultState | undefined): Node[] {
    // No items while scanning or without a folder, so that the view's welcome content shows instead.
    if (!state || state.kind === 'scanning') return [];
    if (state.kind === 'failed') return [{ kind: 'message', label: state.message, icon: 'warning' }];
    const groups = groupsOf(state.report);
    const backup = this.backups?.status;
    const roots: Node[] = [{ kind: 'score', report: state.report }, ...(backup ? [{ kind: 'backup', status: backup } as const] : []), ...groups.map((group): Node => ({ kind: 'group', group }))];
    if (groups.length === 0) roots.push({ kind: 'message', label: 'No problems found', icon: 'check' });
    return roots;
  }

  getTreeItem(node: Node): vscode.TreeItem {
    switch (node.kind) {
      case 'score': {
        const { report } = node;
        const lost = report.breakdown.some((line) => line.lost > 0);
        const item = new vscode.TreeItem(`Score ${report.score} / 100`, lost ? vscode.TreeItemCollapsibleState.Collapsed : vscode.TreeItemCollapsibleState.None);
        item.id = 'score';
        item.description = [`${report.notes} notes`, report.attachments ? `${report.attachments} attachments` : '', `${report.links} links`]
          .filter(Boolean)
          .join(' · ');
        item.iconPath = new vscode.ThemeIcon('pulse', new vscode.ThemeColor(scoreColor(report.score)));
        item.tooltip = lost ? 'Expand to see where the points went' : 'Nothing to fix';
        return item;
      }
      case 'scoreLine': {
        const item = new vscode.TreeItem(node.label);
        item.description = node.description;
        item.tooltip = node.tooltip;
        item.iconPath = new vscode.ThemeIcon('dash');
        return item;
      }
      case 'backup': {
        const { status } = node;
        const item = new vscode.TreeItem(status.file ? 'Last backup' : 'No backup yet');
        item.id = 'backup';
        item.description = status.file ? `${status.age}${status.stale ? ` (older than ${status.warnDays} days)` : ''}` : `back it up`;
        item.iconPath = status.stale ? new vscode.ThemeIcon('warning', new vscode.ThemeColor('list.warningForeground')) : new vscode.ThemeIcon('archive');
        item.tooltip = status.file
          ? `${status.file}${status.stale ? `\nOlder than berth.vault.backupWarnDays (${status.warnDays} days): click to back up now.` : ''}`
          : 'Berth has no backup of this vault in its backups folder: click to make one.';
        item.contextValue = 'berth.vault.backupAge';
        item.command = { command: 'berth.vault.backup', title: 'Back Up Vault' };
        return item;
      }
      case 'group': {
        const { group } = node;
        const item = new vscode.TreeItem(
          group.label,
          group.id === 'broken' ? vscode.TreeItemCollapsibleState.Expanded : vscode.TreeItemCollapsibleState.Collapsed,
        );
        item.id = `group:${group.id}`;
        item.description = String(group.entries.length);
        item.iconPath = new vscode.ThemeIcon(group.icon);
        item.contextValue = `berth.vault.group.${group.id}`;
        return item;
      }
      case 'entry': {
        const { entry } = node;
        const item = new vscode.TreeItem(entry.label);
        item.description = entry.description;
        item.tooltip = entry.tooltip;
        if (entry.location && this.vault) item.command = openCommand(this.vault, entry.location);
        return item;
      }
      case 'message': {
        const item = new vscode.TreeItem(node.label);
        item.iconPath = new vscode.ThemeIcon(node.icon);
        return item;
      }
    }
  }

  dispose(): void {
    this.subscription.dispose();
    this.changed.dispose();
  }
}

function scoreColor(score: number): string {
  if (score >= 90) return 'testing.iconPassed';
  if (score >= 60) return 'list.warningForeground';
  return 'list.errorForeground';
}

function openCommand(vault: VaultWatch, location: Location): vscode.Command {
  const uri = vscode.Uri.joinPath(vault.folder.uri, ...location.path.split('/'));
  const line = Math.max(0, location.line - 1);
  const start = Math.max(0, (location.column ?? 1) - 1);
  const selection = new vscode.Range(line, start, line, start + (location.length ?? 0));
  return { command: 'vscode.open', title: 'Open', arguments: [uri, { selection } satisfies vscode.TextDocumentShowOptions] };
}
