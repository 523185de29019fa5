import { describeError } from '../core/errors.js';
import type { OperationRegistry } from '../core/operations.js';
import { printable } from '../core/text.js';
import { DOOR_ARGUMENT } from '../core/sessions/egress/doorArgument.js';
import { BERTH_VERSION } from '../core/version.js';
import { argsToInput, splitCommandLine, UsageError } from './args.js';
import { commandOf, type Command } from './command.js';
import { findCommand, unknownCommand } from './commands.js';
import { describeCatalog } from './describeCatalog.js';
import { EXIT, usageError } from './exit.js';
import { commandHelp, groupHelp } from './help.js';
import { processIo, type Io } from './io.js';
import { loadEngine } from './load.js';

/**
 * Runs one CLI invocation and returns its exit status; never calls process.exit itself. Help and
 * usage errors come from the command table alone; the engine is loaded to run a command. Tests
 * give a registry of their own.
 */
export async function runCli(argv: string[], io: Io, registry?: OperationRegistry): Promise<number> {
  // Not a command a person types: a session's egress door, started detached by a session start.
  if (argv[0] === DOOR_ARGUMENT && argv[1]) {
    await loadEngine('sessions').runDoor(argv[1]);
    return EXIT.ok;
  }
  if (argv[0] === '--version' || argv[0] === '-v') {
    io.write(`${BERTH_VERSION}\n`, 'stdout');
    return EXIT.ok;
  }
  const commands: Command[] = registry ? registry.list().map((operation) => commandOf(operation)) : describeCatalog();
  const listing = { list: () => commands };
  const line = splitCommandLine(argv);
  const found = findCommand(listing, line.words);
  if (found.kind === 'group') {
    if (found.next !== undefined) return usageError(io, found.prefix, unknownCommand(listing, found.prefix, found.next).message);
    io.write(`${groupHelp(listing, found.prefix)}\n`, 'stdout');
    return EXIT.ok;
  }
  const command = found.operation;
  if (line.help) {
    io.write(`${commandHelp(command)}\n`, 'stdout');
    return EXIT.ok;
  }
  let raw: Record<string, unknown>;
  try {
    raw = argsToInput(command, found.rest, line.tail);
  } catch (error) {
    if (error instanceof UsageError) return usageError(io, command.cli.command, error.message);
    throw error;
  }
  return loadEngine(command.area).runOperation(command, raw, line.json, io, registry);
}

/** The process entry: the real streams, and the exit status set rather than forced so that output drains first. */
export async function main(argv: string[], registry?: OperationRegistry): Promise<void> {
  // The reader of our output went away (`berth session logs ID | head`): stop as Unix tools do
  // when SIGPIPE ends them, quietly and with 128 + 13, instead of a stack trace.
  process.stdout.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code === 'EPIPE') process.exit(141);
    throw error;
  });
  const io = processIo();
  try {
    process.exitCode = await runCli(argv, io, registry);
  } catch (error) {
    io.write(`berth: ${printable(describeError(error).message)}\n`, 'stderr');
    process.exitCode = EXIT.failed;
  }
}

if (require.main === module) void main(process.argv.slice(2));
