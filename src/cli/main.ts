import { createOperationCatalog } from '../core/catalog.js';
import { describeError } from '../core/errors.js';
import type { AnyOperation, OperationRegistry } from '../core/operations.js';
import { printable } from '../core/text.js';
import { BERTH_VERSION } from '../core/version.js';
import { argsToInput, splitCommandLine, UsageError } from './args.js';
import { findCommand, unknownCommand } from './commands.js';
import { cliContext } from './context.js';
import { commandHelp, groupHelp } from './help.js';
import { processIo, type Io } from './io.js';
import { validateInput } from './issues.js';
import { cliSessionService } from './sessions.js';

/** Exit statuses, as docker and gh use them. */
const EXIT = { ok: 0, failed: 1, usage: 2, interrupted: 130 } as const;

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
  return runOperation(found.operation, found.rest, line.tail, line.json, io);
}

async function runOperation(operation: AnyOperation, words: string[], tail: string[] | undefined, json: boolean, io: Io): Promise<number> {
  const name = `berth ${operation.cli.command.join(' ')}`;
  let input: unknown;
  try {
    input = validateInput(operation, argsToInput(operation, words, tail));
  } catch (error) {
    if (error instanceof UsageError) return usageError(io, operation.cli.command, error.message);
    throw error;
  }
  const abort = new AbortController();
  const onInterrupt = () => abort.abort();
  // Once: a second Ctrl-C gets Node's default and ends the process even if the operation hangs.
  process.once('SIGINT', onInterrupt);
  const { context, status } = cliContext(io, { json, signal: abort.signal });
  let outcome: { output: unknown } | { error: unknown };
  try {
    outcome = { output: await operation.run(input, context) };
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
    const { message, hint } = describeError(outcome.error);
    io.write(`${name}: ${printable(message)}${hint ? ` ${printable(hint)}` : ''}\n`, 'stderr');
    return EXIT.failed;
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
