import * as vscode from 'vscode';
import type { BerthCore } from '../coreLoader.js';
import type { WindowServices } from '../services.js';
import { SessionTerminal } from '../sessions/terminal.js';

/**
 * A command that runs an operation: the table says which operation, how to get its input and
 * what the face shows when it succeeds; the adapter does the rest the same way for every command
 * (progress or a terminal, cancellation, consent, the log, errors with their hint and an action).
 */
export interface OperationCommand {
  command: string;
  /** The operation, or how to choose it from the input (a shell into a session that has no terminal of its own). */
  operation: string | ((input: Record<string, unknown>) => string);
  /** The input, from the command's arguments or by asking; undefined when the person cancelled. */
  input?(...args: unknown[]): Promise<Record<string, unknown> | undefined> | Record<string, unknown> | undefined;
  /**
   * How the person follows it: a progress notification they can cancel, the status bar for quick
   * work, or a terminal of its own for work that talks to them (attach, exec, logs).
   */
  presentation:
    | { kind: 'notification' | 'window'; title: string }
    | { kind: 'terminal'; name(input: Record<string, unknown>): string; tty(input: Record<string, unknown>): boolean }
    | { kind: 'events'; open(input: Record<string, unknown>): EventSink };
  /** What the face shows with the result (the operation's own text goes to the log). */
  done?(output: unknown, ui: CommandUi): void | Promise<void>;
  /** How this face applies the vault edits the operation plans (a WorkspaceEdit), where it applies any. */
  applyEdits?(edits: BerthCore.EditSet): Promise<void>;
}

export interface CommandUi {
  log: vscode.LogOutputChannel;
  core: typeof BerthCore;
  input: Record<string, unknown>;
}

/** A view that renders an operation's events itself (the transcript panel). */
export interface EventSink {
  /** Aborted when the person closes the view. */
  signal: AbortSignal;
  emitEvent(event: unknown): void;
  end(outcome: { error?: string }): void;
}

interface Action {
  title: string;
  run(): Thenable<unknown>;
}

/** What a person can do about an error, where there is one thing to do: by its code first, then its kind. */
const ACTIONS: Partial<Record<BerthCore.ErrorCode | BerthCore.ErrorKind, Action>> = {
  API_KEY_MISSING: { title: 'Set API Key', run: () => vscode.commands.executeCommand('berth.apiKey.set') },
  IMAGE_MISSING: { title: 'Build Agent Image', run: () => vscode.commands.executeCommand('berth.image.build') },
  engine: { title: 'Run Doctor', run: () => vscode.commands.executeCommand('berth.doctor') },
  setting: { title: 'Open Settings', run: () => vscode.commands.executeCommand('workbench.action.openSettings', 'berth.') },
};

export function registerOperationCommands(table: readonly OperationCommand[], services: WindowServices, log: vscode.LogOutputChannel): vscode.Disposable[] {
  return table.map((entry) => vscode.commands.registerCommand(entry.command, (...args: unknown[]) => runOperationCommand(entry, args, services, log)));
}

/** The context every command's operation gets; `extra` adds what its presentation provides. */
function commandContext(services: WindowServices, log: vscode.LogOutputChannel, signal: AbortSignal, extra: Partial<BerthCore.OperationContext>): BerthCore.OperationContext {
  return {
    origin: 'command',
    cwd: services.cwd(),
    signal,
    progress: () => undefined,
    warn: (message) => {
      log.warn(message);
      void vscode.window.showWarningMessage(`Berth: ${message}`);
    },
    confirm: async (question) => (await vscode.window.showWarningMessage(question, { modal: true }, 'Continue')) === 'Continue',
    ...extra,
  };
}

async function runOperationCommand(entry: OperationCommand, args: unknown[], services: WindowServices, log: vscode.LogOutputChannel): Promise<void> {
  const input = entry.input ? await entry.input(...args) : {};
  if (!input) return;
  const { core, operations } = services.get();
  const operation = typeof entry.operation === 'string' ? entry.operation : entry.operation(input);
  const run = async (context: BerthCore.OperationContext) => {
    log.info(`${operation}: started from ${entry.command}`);
    const output = await operations.invoke(operation, input, context);
    const text = operations.get(operation)!.format(output);
    log.info(`${operation}: done${text ? `\n${text}` : ''}`);
    await entry.done?.(output, { log, core, input });
    return { output, text };
  };

  const { presentation } = entry;
  if (presentation.kind === 'events') {
    const sink = presentation.open(input);
    try {
      await run(commandContext(services, log, sink.signal, { emitEvent: (event) => sink.emitEvent(event) }));
      sink.end({});
    } catch (error) {
      const berthError = core.asBerthError(error);
      sink.end({ error: `${berthError.message}${berthError.hint ? ` ${berthError.hint}` : ''}` });
      if (!sink.signal.aborted) void showError(berthError, operation, log);
    }
    return;
  }
  if (presentation.kind === 'terminal') {
    const terminal = new SessionTerminal(presentation.name(input), { convertNewlines: !presentation.tty(input) });
    await terminal.show();
    const context = commandContext(services, log, terminal.abort.signal, { terminal: terminal.io, emit: (chunk) => terminal.io.output.write(chunk) });
    try {
      const { output, text } = await run(context);
      terminal.finish(closingLine(output, text));
    } catch (error) {
      const berthError = core.asBerthError(error);
      terminal.finish(`${berthError.message}${berthError.hint ? ` ${berthError.hint}` : ''}`);
      if (!terminal.abort.signal.aborted) void showError(berthError, operation, log);
    }
    return;
  }

  const location = presentation.kind === 'window' ? vscode.ProgressLocation.Window : vscode.ProgressLocation.Notification;
  await vscode.window.withProgress({ location, title: `Berth: ${presentation.title}`, cancellable: presentation.kind === 'notification' }, async (progress, token) => {
    const abort = new AbortController();
    const cancelled = token.onCancellationRequested(() => abort.abort());
    const context = commandContext(services, log, abort.signal, {
      progress: ({ message, fraction }) => progress.report({ message: fraction === undefined ? message : `${message} (${Math.round(fraction * 100)}%)` }),
      emit: (chunk) => log.info(typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8')),
      ...(entry.applyEdits ? { applyEdits: entry.applyEdits } : {}),
    });
    try {
      await run(context);
    } catch (error) {
      // Not awaited: the progress ends while the person reads the error.
      void showError(core.asBerthError(error), operation, log);
    } finally {
      cancelled.dispose();
    }
  });
}

/** The terminal's last line: what the operation says of its end, or the command's exit code. */
function closingLine(output: unknown, text: string): string {
  const last = text.trim().split('\n').at(-1);
  if (last) return last;
  const exitCode = (output as { exitCode?: unknown } | undefined)?.exitCode;
  return typeof exitCode === 'number' ? `The command ended with exit code ${exitCode}.` : 'Done.';
}

async function showError(error: BerthCore.BerthError, operation: string, log: vscode.LogOutputChannel): Promise<void> {
  if (error.kind === 'cancelled') {
    log.info(`${operation}: cancelled`);
    return;
  }
  log.error(`${operation}: ${error.message}${error.hint ? ` ${error.hint}` : ''} (${error.code})`);
  const action = ACTIONS[error.code] ?? ACTIONS[error.kind];
  const buttons = [...(action ? [action.title] : []), 'Show Log'];
  const show = error.kind === 'engine' || error.kind === 'setting' ? vscode.window.showWarningMessage : vscode.window.showErrorMessage;
  const choice = await show(`Berth: ${error.message}${error.hint ? ` ${error.hint}` : ''}`, ...buttons);
  if (choice === 'Show Log') log.show(true);
  else if (choice && action) await action.run();
}
