import { z } from 'zod';
import { createOperationCatalog } from '../core/catalog.js';
import { describeError } from '../core/errors.js';
import type { AnyOperation, OperationRegistry } from '../core/operations.js';
import { BERTH_VERSION } from '../core/version.js';
import { argsToInput, usageOf } from './schemaArgs.js';
import { cliSessionService } from './sessions.js';

interface Io {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  /** Raw streamed output (exec, logs --follow), written as it comes; stdout/stderr lines otherwise. */
  write?: (chunk: string | Uint8Array, stream: 'stdout' | 'stderr') => void;
  isTTY: boolean;
}

function overview(registry: OperationRegistry): string {
  const rows = registry.list().map((op) => [op.cli.command.join(' '), op.title] as const);
  const width = Math.max(...rows.map(([c]) => c.length));
  return [
    `berth ${BERTH_VERSION}: isolated agent sessions, vault health and an MCP server`,
    '',
    'Usage: berth <command> [options] [--json]',
    '',
    'Commands:',
    ...rows.map(([command, title]) => `  ${command.padEnd(width)}  ${title}`),
    '',
    'Run "berth <command> --help" for the options of one command.',
  ].join('\n');
}

/** Runs one CLI invocation and returns its exit status; never calls process.exit itself. */
export async function runCli(argv: string[], io: Io, registry = createOperationCatalog({ sessions: cliSessionService() })): Promise<number> {
  const json = argv.includes('--json');
  const help = argv.includes('--help') || argv.includes('-h');
  const words = argv.filter((word) => word !== '--json' && word !== '--help' && word !== '-h');

  if (words[0] === '--version' || words[0] === '-v') {
    io.stdout(BERTH_VERSION);
    return 0;
  }
  if (words.length === 0 || words[0] === 'help') {
    io.stdout(overview(registry));
    return words.length === 0 && !help ? 2 : 0;
  }
  const match = registry.matchCli(words);
  if (!match) {
    io.stderr(`berth: unknown command "${words.join(' ')}". Run "berth --help" to list the commands.`);
    return 2;
  }
  const { operation, rest } = match;
  if (help) {
    io.stdout(usageOf(operation));
    return 0;
  }
  return runOperation(operation, rest, json, io);
}

async function runOperation(operation: AnyOperation, rest: string[], json: boolean, io: Io): Promise<number> {
  const name = `berth ${operation.cli.command.join(' ')}`;
  let input: unknown;
  try {
    input = operation.input.parse(argsToInput(operation, rest));
  } catch (error) {
    const message = error instanceof z.ZodError ? zodMessage(error) : describeError(error).message;
    io.stderr(`${name}: ${message}. Run "${name} --help" for usage.`);
    return 2;
  }
  const abort = new AbortController();
  const onSignal = () => abort.abort();
  process.once('SIGINT', onSignal);
  try {
    const output = await operation.run(input, {
      origin: 'cli',
      signal: abort.signal,
      progress: ({ message, fraction }) => {
        if (!io.isTTY || json) return;
        const percent = fraction === undefined ? '' : ` ${Math.round(fraction * 100)}%`;
        io.stderr(`… ${message}${percent}`);
      },
      // --json collects streamed output into the one JSON result instead.
      ...(json
        ? {}
        : {
            emit: (chunk: string | Uint8Array, stream: 'stdout' | 'stderr' = 'stdout') =>
              io.write ? io.write(chunk, stream) : (stream === 'stderr' ? io.stderr : io.stdout)(Buffer.from(chunk).toString('utf8')),
          }),
    });
    const text = json ? JSON.stringify(output, null, 2) : operation.format(output);
    if (text) io.stdout(text);
    return operation.exitCode?.(output) ?? 0;
  } catch (error) {
    const { message, hint } = describeError(error);
    io.stderr(`${name}: ${message}${hint ? ` ${hint}` : ''}`);
    return 1;
  } finally {
    process.off('SIGINT', onSignal);
  }
}

function zodMessage(error: z.ZodError): string {
  return error.issues
    .map((issue) => (issue.path.length ? `${issue.path.join('.')}: ${issue.message}` : issue.message))
    .join('; ');
}

if (require.main === module) {
  runCli(process.argv.slice(2), {
    stdout: (text) => process.stdout.write(`${text}\n`),
    stderr: (text) => process.stderr.write(`${text}\n`),
    write: (chunk, stream) => (stream === 'stderr' ? process.stderr : process.stdout).write(chunk),
    isTTY: Boolean(process.stderr.isTTY),
  }).then(
    (code) => {
      process.exitCode = code;
    },
    (error: unknown) => {
      process.stderr.write(`berth: ${describeError(error).message}\n`);
      process.exitCode = 1;
    },
  );
}
