import * as vscode from 'vscode';
import type { BerthCore } from '../coreLoader.js';
import type { EventSink, OperationCommand } from '../commands/operationCommands.js';
import { berthConfig } from '../config.js';
import { API_KEY_SECRET } from '../services.js';
import { phaseOf, type SessionItem } from './model.js';
import type { SessionsView } from './sessionsView.js';

/** What the session commands need from the window: the view (its list and reveal), the key store, a transcript view. */
export interface SessionCommandDeps {
  view: SessionsView;
  secrets: vscode.SecretStorage;
  transcript(id: string): EventSink;
}

type Session = BerthCore.Session;

/** The session a command is about: the item it was run on, or one the person picks. */
async function sessionOf(deps: SessionCommandDeps, arg: unknown, fits: (session: Session) => boolean, verb: string): Promise<Session | undefined> {
  const id = typeof arg === 'string' ? arg : (arg as SessionItem | undefined)?.kind === 'session' ? (arg as SessionItem).id : undefined;
  if (id) {
    await deps.view.refresh();
    const session = deps.view.current.find((candidate) => candidate.id === id);
    if (!session) void vscode.window.showWarningMessage(`Berth: session ${id} is gone.`);
    else if (!fits(session)) void vscode.window.showWarningMessage(`Berth: session ${id} is ${session.state === 'running' ? 'running' : 'no longer running'}; it cannot be ${verb} now.`);
    return session && fits(session) ? session : undefined;
  }
  await deps.view.refresh();
  const candidates = deps.view.current.filter(fits);
  if (candidates.length === 0) {
    void vscode.window.showInformationMessage(`Berth: no session to ${verb}.`);
    return undefined;
  }
  const picked = await vscode.window.showQuickPick(
    candidates.map((session) => ({ label: session.id, description: `${session.agent} · ${session.state}`, detail: session.workspace, session })),
    { placeHolder: `The session to ${verb}` },
  );
  return picked?.session;
}

/** The folder to start on: the open one, or a pick in a multi-root workspace; never in an untrusted workspace. */
async function workspaceToStart(): Promise<string | undefined> {
  if (!vscode.workspace.isTrusted) {
    const choice = await vscode.window.showWarningMessage(
      'Berth does not start sessions in an untrusted workspace: a session runs code from this folder (its settings, its agent configuration) with your API key. Trust the folder first.',
      { modal: true },
      'Manage Workspace Trust',
    );
    if (choice) void vscode.commands.executeCommand('workbench.trust.manage');
    return undefined;
  }
  const folders = vscode.workspace.workspaceFolders ?? [];
  if (folders.length === 0) {
    void vscode.window.showWarningMessage('Berth: open a folder first; a session works on the folder you have open.');
    return undefined;
  }
  if (folders.length === 1) return folders[0]!.uri.fsPath;
  const picked = await vscode.window.showWorkspaceFolderPick({ placeHolder: 'The folder the session works on' });
  return picked?.uri.fsPath;
}

/** A Claude Code start needs the key; without one, offer to set it rather than fail in the container. */
async function haveApiKey(deps: SessionCommandDeps): Promise<boolean> {
  if (await deps.secrets.get(API_KEY_SECRET)) return true;
  const choice = await vscode.window.showWarningMessage('Berth: Claude Code needs an Anthropic API key, and none is set.', 'Set API Key');
  if (!choice) return false;
  await vscode.commands.executeCommand('berth.apiKey.set');
  return Boolean(await deps.secrets.get(API_KEY_SECRET));
}

const running = (session: Session) => phaseOf(session) === 'running';
const any = () => true;
const idOf = (input: Record<string, unknown>) => String(input.id ?? (input.ids as string[] | undefined)?.[0] ?? '');

export function sessionCommands(deps: SessionCommandDeps): OperationCommand[] {
  const reveal = (output: unknown) => deps.view.reveal((output as Session).id);
  return [
    {
      command: 'berth.session.newClaude',
      operation: 'session.start',
      presentation: { kind: 'notification', title: 'starting a Claude Code session…' },
      async input() {
        const workspace = await workspaceToStart();
        if (!workspace || !(await haveApiKey(deps))) return undefined;
        const prompt = await vscode.window.showInputBox({
          title: 'New Claude Code Session',
          prompt: 'What should Claude Code do? Leave it empty for an interactive session in a terminal.',
          placeHolder: 'Fix the failing test',
        });
        if (prompt === undefined) return undefined;
        return { workspace, agent: 'claude', ...(prompt.trim() ? { prompt } : {}), detach: berthConfig.detachSessions() };
      },
      async done(output) {
        const session = output as Session;
        await reveal(session);
        // Not awaited: the terminal or the transcript lasts as long as the session, and the
        // "starting" notification must end once the session has started.
        void vscode.commands.executeCommand(session.interactive ? 'berth.session.attach' : 'berth.session.transcript', session.id);
      },
    },
    {
      command: 'berth.session.newShell',
      operation: 'session.start',
      presentation: { kind: 'notification', title: 'starting a shell session…' },
      async input() {
        const workspace = await workspaceToStart();
        return workspace ? { workspace, agent: 'shell', detach: berthConfig.detachSessions() } : undefined;
      },
      async done(output) {
        await reveal(output);
        // Not awaited, as above: the shell's terminal stays open long after the start.
        void vscode.commands.executeCommand('berth.session.attach', (output as Session).id);
      },
    },
    {
      command: 'berth.session.attach',
      // An interactive session has a terminal of its own (Claude Code's TUI); any other gets a
      // shell, which is the only input with a command (`interactive` there is exec's -i).
      operation: (input) => (input.command ? 'session.exec' : 'session.attach'),
      presentation: { kind: 'terminal', name: (input) => `Berth ${idOf(input).slice(0, 6)}`, tty: () => true },
      async input(arg) {
        const session = await sessionOf(deps, arg, running, 'attach to');
        if (!session) return undefined;
        return session.interactive ? { id: session.id } : { id: session.id, interactive: true, tty: true, command: ['sh'] };
      },
    },
    {
      command: 'berth.session.exec',
      operation: 'session.exec',
      presentation: { kind: 'terminal', name: (input) => `Berth ${idOf(input).slice(0, 6)}: ${(input.command as string[]).at(-1)}`, tty: () => true },
      async input(arg) {
        const session = await sessionOf(deps, arg, running, 'run a command in');
        if (!session) return undefined;
        const command = await vscode.window.showInputBox({ title: `Run Command in ${session.id}`, prompt: 'A shell command, run in /workspace inside the session', placeHolder: 'git status' });
        return command?.trim() ? { id: session.id, interactive: true, tty: true, command: ['sh', '-c', command] } : undefined;
      },
    },
    {
      command: 'berth.session.logs',
      operation: 'session.logs',
      presentation: { kind: 'terminal', name: (input) => `Berth logs ${idOf(input).slice(0, 6)}`, tty: () => false },
      async input(arg) {
        const session = await sessionOf(deps, arg, any, 'show the logs of');
        return session && { id: session.id, follow: true };
      },
    },
    {
      command: 'berth.session.transcript',
      operation: 'session.logs',
      presentation: { kind: 'events', open: (input) => deps.transcript(idOf(input)) },
      async input(arg) {
        const session = await sessionOf(deps, arg, (candidate) => candidate.agent === 'claude' && !candidate.interactive, 'show the transcript of');
        return session && { id: session.id, follow: true, transcript: true };
      },
    },
    {
      command: 'berth.session.stats',
      operation: 'session.stats',
      presentation: { kind: 'window', title: 'sampling the session…' },
      async input(arg) {
        const session = await sessionOf(deps, arg, any, 'check');
        return session && { id: session.id };
      },
      done(output) {
        const { health, stats } = output as { health: BerthCore.SessionHealth; stats: BerthCore.SessionStats | null };
        const usage = stats ? ` CPU ${stats.cpuPercent?.toFixed(1) ?? '?'}%, memory ${stats.memoryBytes === null ? '?' : `${Math.round(stats.memoryBytes / 1024 ** 2)} MiB`}, ${stats.pids ?? '?'} processes.` : '';
        void vscode.window.showInformationMessage(`Berth: ${health.id} is ${health.healthy ? 'healthy' : 'not healthy'}: ${health.detail}.${usage}`);
      },
    },
    {
      command: 'berth.session.stop',
      operation: 'session.stop',
      presentation: { kind: 'notification', title: 'stopping the session…' },
      async input(arg) {
        const session = await sessionOf(deps, arg, (candidate) => ['running', 'starting'].includes(phaseOf(candidate)), 'stop');
        return session && { ids: [session.id] };
      },
      done: () => deps.view.refresh(),
    },
    {
      command: 'berth.session.remove',
      operation: 'session.rm',
      presentation: { kind: 'notification', title: 'removing the session…' },
      async input(arg) {
        const session = await sessionOf(deps, arg, any, 'remove');
        if (!session) return undefined;
        if (phaseOf(session) === 'running' || phaseOf(session) === 'starting') {
          const choice = await vscode.window.showWarningMessage(`Session ${session.id} is still running. Stop and remove it?`, { modal: true }, 'Stop and Remove');
          if (!choice) return undefined;
        }
        return { ids: [session.id] };
      },
      done: () => deps.view.refresh(),
    },
    {
      command: 'berth.session.prune',
      operation: 'session.prune',
      presentation: { kind: 'notification', title: 'removing ended sessions…' },
      done: async (output) => {
        const { removed, dryRun } = output as { removed: string[]; dryRun: boolean };
        await deps.view.refresh();
        if (!dryRun) void vscode.window.showInformationMessage(removed.length ? `Berth: removed ${removed.length} ended session${removed.length === 1 ? '' : 's'}.` : 'Berth: no ended sessions to remove.');
      },
    },
    {
      command: 'berth.image.build',
      operation: 'image.build',
      presentation: { kind: 'notification', title: 'building the agent image' },
      done: (output) => void vscode.window.showInformationMessage(`Berth: built ${(output as { tag: string }).tag}.`),
    },
  ];
}
