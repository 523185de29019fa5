import * as z from 'zod';
import { CATALOG_AREAS, createOperationCatalog, type Area } from '../core/catalog.js';
import { InputError, asBerthError, type ErrorKind } from '../core/errors.js';
import type { OperationRegistry } from '../core/operations.js';
import { printable } from '../core/text.js';
import type { Command } from './command.js';
import { cliContext } from './context.js';
import { EXIT, usageError } from './exit.js';
import type { Io } from './io.js';
import { inputErrors } from './issues.js';
import type * as Sessions from './sessions.js';

// A CLI run checks each schema about once: zod's compiled fast path (a new Function per object
// schema) costs more to build than it saves. `berth mcp serve` runs without it too, where a check
// takes microseconds beside each request; VS Code keeps it.
z.config({ jitless: true });

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

/** The part of the catalog that holds a command (the whole table when that is not known). */
function catalogFor(area: Area | undefined): OperationRegistry {
  const areas = area ? [area] : CATALOG_AREAS;
  // Required here, not above, so that a vault command never loads the sessions code.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const deps = areas.includes('sessions') || areas.includes('mcp') ? { sessions: (require('./sessions.js') as typeof Sessions).cliSessionService() } : {};
  return createOperationCatalog(deps, areas);
}

/** Runs a command whose words were read (`raw`): the registry checks the input, runs the operation and checks its output. */
export async function runOperation(command: Command, raw: Record<string, unknown>, json: boolean, io: Io, registry = catalogFor(command.area)): Promise<number> {
  const name = `berth ${command.cli.command.join(' ')}`;
  const wording = inputErrors(command);
  const abort = new AbortController();
  const onInterrupt = () => abort.abort();
  // Once: a second Ctrl-C gets Node's default and ends the process even if the operation hangs.
  process.once('SIGINT', onInterrupt);
  const { context, status } = cliContext(io, { json, signal: abort.signal, cwd: process.cwd() });
  let outcome: { output: unknown } | { error: unknown };
  try {
    outcome = { output: await registry.invoke(command.name, raw, context, { inputErrors: wording.errorMap }) };
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
    if (outcome.error instanceof InputError) return usageError(io, command.cli.command, wording.describe(outcome.error, raw));
    const error = asBerthError(outcome.error);
    io.write(`${name}: ${printable(error.message)}${error.hint ? ` ${printable(error.hint)}` : ''}\n`, 'stderr');
    return EXIT_OF[error.kind];
  }
  const operation = registry.get(command.name)!;
  const text = json ? JSON.stringify(outcome.output, null, 2) : operation.format(outcome.output);
  if (text) io.write(`${text}\n`, 'stdout');
  return operation.exitCode?.(outcome.output) ?? EXIT.ok;
}

export { runDoor } from '../core/sessions/egress/doorProcess.js';
