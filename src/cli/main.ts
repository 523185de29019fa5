import { createOperationCatalog } from '../core/catalog.js';
import { InputError, asBerthError, describeError, type ErrorKind } from '../core/errors.js';
import type { AnyOperation, OperationRegistry } from '../core/operations.js';
import { printable } from '../core/text.js';
import { BERTH_VERSION } from '../core/version.js';
import { argsToInput, splitCommandLine, UsageError } from './args.js';
import { findCommand, unknownCommand } from './commands.js';
import { cliContext } from './context.js';
import { commandHelp, groupHelp } from './help.js';
import { processIo, type Io } from './io.js';
import { inputErrors } from './issues.js';
import { cliSessionService } from './sessions.js';

/** Exit statuses, as docker and gh use them. */
const EXIT = { ok: 0, failed: 1, usage: 2, interrupted: 130 } as const;

/** A wrong request (or one that needs --yes) is a usage error; anything else that went wrong, a failure. */
const EXIT_OF: Record<ErrorKind, number> = {
  input: EXIT.usage,
  consent: EXIT.usage,
  cancelled: EXIT.interrupted,
  setting: EXIT.failed,
  engine: EXIT.failed,
  missing: EXIT.failed,
  failure: EXIT.failed,
};

/** One line naming the command, what was wrong and where the usage is. */
function usageError(io: Io, words: readonly string[], message: string): number {
  const name = ['berth', ...words].join(' ');
  io.write(`${name}: ${printable(message.replace(/\.$/, ''))}. Run "${name} --help" for usage.\n`, 'stderr');
  return EXIT.usage;
}

/** Runs one CLI invocation and returns its exit status; never calls process.exit itself. */
export async function runCli(argv: string[], io: Io, registry = createOperationCatalog({ sessions: cliSessionService() })): Promise<number> {
  if (argv[0] === '--version' || argv[0] === '-v') {
    io.write(`${BERTH_VERSION}\n`, 'stdout');
    return EXIT.ok;
  }
  const line = splitCommandLine(argv);
  const found = findCommand(registry, line.words);
  if (found.kind === 'group') {
    if (found.next !== undefined) return usageError(io, found.prefix, unknownCommand(registry, found.prefix, found.next).message);
    io.write(`${groupHelp(registry, found.prefix)}\n`, 'stdout');
    return EXIT.ok;
  }
  if (line.help) {
    io.write(`${commandHelp(found.operation)}\n`, 'stdout');
    return EXIT.ok;
  }
  return runOperation(registry, found.operation, found.rest, line.tail, line.json, io);
}

async function runOperation(registry: OperationRegistry, operation: AnyOperation, words: string[], tail: string[] | undefined, json: boolean, io: Io): Promise<number> {
  const name = `berth ${operation.cli.command.join(' ')}`;
  let raw: Record<string, unknown>;
  try {
    raw = argsToInput(operation, words, tail);
  } catch (error) {
    if (error instanceof UsageError) return usageError(io, operation.cli.command, error.message);
    throw error;
  }
  const wording = inputErrors(operation);
  const abort = new AbortController();
  const onInterrupt = () => abort.abort();
  // Once: a second Ctrl-C gets Node's default and ends the process even if the operation hangs.
  process.once('SIGINT', onInterrupt);
  const { context, status } = cliContext(io, { json, signal: abort.signal, cwd: process.cwd() });
  let outcome: { output: unknown } | { error: unknown };
  try {
    outcome = { output: await registry.invoke(operation.name, raw, context, { inputErrors: wording.errorMap }) };
  } catch (error) {
    outcome = { error };
  } finally {
    process.off('SIGINT', onInterrupt);
    status.clear();
    io.release?.();
  }
  if (abort.signal.aborted) {
    io.write(`${name}: interrupted\n`, 'stderr');
    return EXIT.interrupted;
  }
  if ('error' in outcome) {
    if (outcome.error instanceof InputError) return usageError(io, operation.cli.command, wording.describe(outcome.error, raw));
    const error = asBerthError(outcome.error);
    io.write(`${name}: ${printable(error.message)}${error.hint ? ` ${printable(error.hint)}` : ''}\n`, 'stderr');
    return EXIT_OF[error.kind];
  }
  const text = json ? JSON.stringify(outcome.output, null, 2) : operation.format(outcome.output);
  if (text) io.write(`${text}\n`, 'stdout');
  return operation.exitCode?.(outcome.output) ?? EXIT.ok;
}

/** The process entry: the real streams, and the exit status set rather than forced so that output drains first. */
export async function main(argv: string[], registry?: OperationRegistry): Promise<void> {
  const io = processIo();
  try {
    process.exitCode = await runCli(argv, io, registry);
  } catch (error) {
    io.write(`berth: ${printable(describeError(error).message)}\n`, 'stderr');
    process.exitCode = EXIT.failed;
  }
}

if (require.main === module) void main(process.argv.slice(2));
