import * as vscode from 'vscode';
import type { BerthCore } from '../coreLoader.js';
import type { WindowServices } from '../services.js';

/**
 * A palette command that runs an operation: the table says which operation, how to get its input,
 * and what the face shows when it succeeds; the adapter does the rest the same way for every
 * command (progress, cancellation, the log, errors with their hint and action).
 */
export interface OperationCommand {
  command: string;
  operation: string;
  /** The input, from the command's arguments or by asking; undefined when the person cancelled. */
  input?(...args: unknown[]): Promise<Record<string, unknown> | undefined> | Record<string, unknown> | undefined;
  /** What the progress notification says while it runs. */
  progress: string;
  /** A notification for work a person waits on; the status bar for quick or background work. */
  location?: 'notification' | 'window';
  /** What the face shows with the result (the operation's own text goes to the log). */
  done?(output: unknown, ui: CommandUi): void | Promise<void>;
}

export interface CommandUi {
  log: vscode.LogOutputChannel;
  core: typeof BerthCore;
}

/** What a person can do about each kind of error, where there is one thing to do. */
const ACTIONS: Partial<Record<BerthCore.ErrorKind, { title: string; run: () => Thenable<unknown> }>> = {
  engine: { title: 'Run Doctor', run: () => vscode.commands.executeCommand('berth.doctor') },
  setting: { title: 'Open Settings', run: () => vscode.commands.executeCommand('workbench.action.openSettings', 'berth.') },
};

export function registerOperationCommands(table: readonly OperationCommand[], services: WindowServices, log: vscode.LogOutputChannel): vscode.Disposable[] {
  return table.map((entry) => vscode.commands.registerCommand(entry.command, (...args: unknown[]) => runOperationCommand(entry, args, services, log)));
}

async function runOperationCommand(entry: OperationCommand, args: unknown[], services: WindowServices, log: vscode.LogOutputChannel): Promise<void> {
  const input = entry.input ? await entry.input(...args) : {};
  if (!input) return;
  const { core, operations } = services.get();
  const location = entry.location === 'window' ? vscode.ProgressLocation.Window : vscode.ProgressLocation.Notification;
  await vscode.window.withProgress({ location, title: `Berth: ${entry.progress}`, cancellable: location === vscode.ProgressLocation.Notification }, async (progress, token) => {
    const abort = new AbortController();
    const cancelled = token.onCancellationRequested(() => abort.abort());
    const context: BerthCore.OperationContext = {
      origin: 'command',
      cwd: services.cwd(),
      signal: abort.signal,
      progress: ({ message, fraction }) => progress.report({ message: fraction === undefined ? message : `${message} (${Math.round(fraction * 100)}%)` }),
      warn: (message) => {
        log.warn(message);
        void vscode.window.showWarningMessage(`Berth: ${message}`);
      },
      emit: (chunk) => log.info(typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8')),
    };
    log.info(`${entry.operation}: started from ${entry.command}`);
    try {
      const output = await operations.invoke(entry.operation, input, context);
      const text = operations.get(entry.operation)!.format(output);
      log.info(`${entry.operation}: done${text ? `\n${text}` : ''}`);
      await entry.done?.(output, { log, core });
    } catch (error) {
      await showError(core.asBerthError(error), entry.operation, log);
    } finally {
      cancelled.dispose();
    }
  });
}

async function showError(error: BerthCore.BerthError, operation: string, log: vscode.LogOutputChannel): Promise<void> {
  if (error.kind === 'cancelled') {
    log.info(`${operation}: cancelled`);
    return;
  }
  log.error(`${operation}: ${error.message}${error.hint ? ` ${error.hint}` : ''} (${error.code})`);
  const action = ACTIONS[error.kind];
  const buttons = [...(action ? [action.title] : []), 'Show Log'];
  const show = error.kind === 'engine' || error.kind === 'setting' ? vscode.window.showWarningMessage : vscode.window.showErrorMessage;
  const choice = await show(`Berth: ${error.message}${error.hint ? ` ${error.hint}` : ''}`, ...buttons);
  if (choice === 'Show Log') log.show(true);
  else if (choice && action) await action.run();
}
