import type { OperationContext } from '../core/operations.js';
import { printable } from '../core/text.js';
import type { Io } from './io.js';
import { StatusLine } from './statusLine.js';

/** The operation context the CLI gives: progress on one terminal line, warnings always, streamed output unless --json. */
export function cliContext(io: Io, options: { json: boolean; signal: AbortSignal; cwd: string }): { context: OperationContext; status: StatusLine } {
  const status = new StatusLine((text) => io.write(text, 'stderr'), io.columns ?? (() => 80));
  const { confirm, terminal } = io;
  const context: OperationContext = {
    origin: 'cli',
    cwd: options.cwd,
    signal: options.signal,
    // Progress is for a person watching; a log or a JSON reader gets only the result.
    progress: ({ message, fraction }) => {
      if (!io.isTTY || options.json) return;
      status.show(`… ${message}${fraction === undefined ? '' : ` ${Math.round(fraction * 100)}%`}`);
    },
    warn: (message) => {
      status.clear();
      io.write(`berth: warning: ${printable(message)}\n`, 'stderr');
    },
    // --json collects streamed output into the one JSON result instead.
    ...(options.json
      ? {}
      : {
          emit: (chunk: string | Uint8Array, stream: 'stdout' | 'stderr' = 'stdout') => {
            status.clear();
            io.write(chunk, stream);
          },
        }),
    ...(confirm
      ? {
          confirm: (question: string) => {
            status.clear();
            return confirm(printable(question), options.signal);
          },
        }
      : {}),
    ...(terminal ? { terminal } : {}),
  };
  return { context, status };
}
