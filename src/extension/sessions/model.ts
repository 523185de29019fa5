// The Sessions view as data, without VS Code: what each item says and which actions it offers,
// so that the tree's behaviour is unit-tested and the provider only turns it into TreeItems.
import type { Session, SessionStats } from '../../core/sessions/types.js';
import type { SessionPolicy } from '../../core/sessions/owner.js';

export type SessionPhase = 'starting' | 'running' | 'ended' | 'failed';

export interface SessionItem {
  kind: 'session';
  id: string;
  label: string;
  description: string;
  /** Lines of the hover, already in the order a person reads them. */
  tooltip: string[];
  icon: { id: string; color?: string };
  phase: SessionPhase;
  /** `berth.session.<phase>` then `.interactive` or `.transcript` and `.local`: what the item menus match. */
  contextValue: string;
  workspace: string;
}

export interface WorkspaceGroup {
  kind: 'workspace';
  workspace: string;
  label: string;
  description: string;
  items: SessionItem[];
}

export type SessionsTree = { grouped: false; items: SessionItem[] } | { grouped: true; groups: WorkspaceGroup[] };

/**
 * Stopped, not failed: what `docker stop` (Stop Session, the reconciler) leaves behind, the
 * agent ended by SIGTERM (128+15) or, after the grace period, SIGKILL (128+9). A shell session
 * never ends any other way.
 */
function wasStopped(session: Pick<Session, 'exitCode' | 'oomKilled'>): boolean {
  return !session.oomKilled && (session.exitCode === 143 || session.exitCode === 137);
}

export function phaseOf(session: Pick<Session, 'state' | 'exitCode' | 'oomKilled'>): SessionPhase {
  switch (session.state) {
    case 'starting':
      return 'starting';
    case 'running':
    case 'paused':
      return 'running';
    default:
      return (session.exitCode === 0 && !session.oomKilled) || wasStopped(session) ? 'ended' : 'failed';
  }
}

export function age(created: string, now: number): string {
  const seconds = Math.max(0, (now - Date.parse(created)) / 1000);
  if (!Number.isFinite(seconds)) return '?';
  if (seconds < 60) return `${Math.floor(seconds)}s`;
  if (seconds < 3600) return `${Math.floor(seconds / 60)}m`;
  if (seconds < 86400) return `${Math.floor(seconds / 3600)}h`;
  return `${Math.floor(seconds / 86400)}d`;
}

const mib = (bytes: number) => `${Math.round(bytes / 1024 ** 2)} MiB`;

const ICONS: Record<SessionPhase, { id: string; color?: string }> = {
  starting: { id: 'loading~spin' },
  running: { id: 'vm-running', color: 'testing.iconPassed' },
  ended: { id: 'vm-outline', color: 'disabledForeground' },
  failed: { id: 'error', color: 'testing.iconFailed' },
};

const POLICY_TOOLTIPS: Record<SessionPolicy, string> = {
  owner: 'stops when its owner has been gone for the grace period',
  completion: 'runs to completion after its owner is gone',
  detached: 'detached: outlives its owner, up to its maximum age',
};

/** An egress session whose door is down has no way out; refused requests are worth a glance. */
function egressNote(session: Session): string {
  if (!session.egress) return '';
  if (session.egress.door === 'down') return 'egress door down';
  const refused = session.egress.refused.reduce((sum, r) => sum + r.count, 0);
  return refused ? `${refused} refused` : '';
}

/** Detached sessions are marked; one whose owner is gone counts down to its stop. */
function ownership(session: Session, now: number): string {
  if (phaseOf(session) !== 'running') return '';
  if (session.stopsAt) {
    const seconds = Math.max(0, Math.round((Date.parse(session.stopsAt) - now) / 1000));
    return `owner gone: stops in ${seconds < 60 ? `${seconds}s` : `${Math.ceil(seconds / 60)}m`}`;
  }
  return session.policy === 'detached' ? 'detached' : '';
}

/** A headless Claude Code run has a transcript to show; an interactive one a terminal to attach. */
function hasTranscript(session: Session): boolean {
  return !session.interactive && session.agent === 'claude';
}

export function sessionItem(session: Session, stats: SessionStats | undefined, now: number): SessionItem {
  const phase = phaseOf(session);
  const usage = phase === 'running' && stats ? [stats.cpuPercent === null ? '' : `${stats.cpuPercent.toFixed(0)}% CPU`, stats.memoryBytes === null ? '' : mib(stats.memoryBytes)].filter(Boolean) : [];
  const outcome = phase === 'failed' ? (session.oomKilled ? 'out of memory' : `exit ${session.exitCode ?? '?'}`) : phase === 'ended' ? (wasStopped(session) ? 'stopped' : 'done') : '';
  const description = [session.isolated ? '' : 'NOT ISOLATED', session.id.slice(0, 6), age(session.created, now), outcome, ownership(session, now), egressNote(session), ...usage].filter(Boolean).join(' · ');
  const degraded = session.egress?.door === 'down';
  const tooltip = [
    `${session.agent} session ${session.id}${session.isolated ? '' : ' (NOT ISOLATED: a local process with your own rights)'}`,
    `State: ${session.status}`,
    `Workspace: ${session.workspace} → /workspace (${session.mount ?? 'rw'})`,
    ...(session.image ? [`Image: ${session.image}`] : []),
    ...(session.network ? [`Network: ${session.network}`] : []),
    ...(session.user ? [`User: ${session.user}`] : []),
    ...(stats?.memoryLimitBytes ? [`Memory: ${stats.memoryBytes === null ? '?' : mib(stats.memoryBytes)} of ${mib(stats.memoryLimitBytes)}`] : []),
    ...(stats?.pids !== null && stats?.pids !== undefined ? [`Processes: ${stats.pids}`] : []),
    ...(session.maxAgeSeconds ? [`Stopped after ${Math.round(session.maxAgeSeconds / 3600)} h`] : []),
    ...(session.egress
      ? [
          `Egress: only ${session.egress.allow.join(', ')}; door ${session.egress.door ?? 'stopped'}${degraded ? ' (no egress at all until it is restarted: berth session egress ID --restart)' : ''}`,
          ...session.egress.refused.map((r) => `Refused: ${r.host}:${r.port} (${r.count}×)`),
        ]
      : []),
    ...(session.owner ? [`Owner: ${session.owner}${session.policy ? ` (${POLICY_TOOLTIPS[session.policy]})` : ''}`] : []),
    `Container: ${session.name}`,
  ];
  const flavour = session.interactive ? '.interactive' : hasTranscript(session) ? '.transcript' : '';
  return {
    kind: 'session',
    id: session.id,
    // What it is first, so that a narrow sidebar still shows it; the id, as the CLI takes it, follows.
    label: session.agent,
    description,
    tooltip,
    icon: session.isolated && !degraded ? ICONS[phase] : { id: 'warning', color: 'list.warningForeground' },
    phase,
    contextValue: `berth.session.${phase}${flavour}${session.isolated ? '' : '.local'}`,
    workspace: session.workspace,
  };
}

const folderName = (path: string) => path.replace(/\/+$/, '').split('/').pop() || path;

/**
 * Newest first; grouped by workspace when sessions of more than one appear, or when they are of a
 * folder this window does not have open (so a session is never mistaken for one of this folder).
 */
export function sessionsTree(sessions: readonly Session[], stats: ReadonlyMap<string, SessionStats>, now: number, openFolders: readonly string[] = []): SessionsTree {
  const items = [...sessions].sort((a, b) => b.created.localeCompare(a.created)).map((session) => sessionItem(session, stats.get(session.id), now));
  const workspaces = [...new Set(items.map((item) => item.workspace))];
  const elsewhere = workspaces.some((workspace) => !openFolders.includes(workspace));
  if (workspaces.length === 0 || (workspaces.length === 1 && !elsewhere)) return { grouped: false, items };
  return {
    grouped: true,
    groups: workspaces
      .map((workspace) => {
        const mine = items.filter((item) => item.workspace === workspace);
        const running = mine.filter((item) => item.phase === 'running').length;
        return { kind: 'workspace' as const, workspace, label: folderName(workspace), description: `${running} running · ${workspace}`, items: mine };
      })
      .sort((a, b) => a.label.localeCompare(b.label)),
  };
}

export const runningCount = (sessions: readonly Session[]) => sessions.filter((session) => phaseOf(session) === 'running').length;
