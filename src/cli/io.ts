import { createInterface } from 'node:readline';
import type { TerminalIo } from '../core/operations.js';

/** Where the CLI writes and what it may ask of the person's terminal; tests give their own. */
export interface Io {
  write(chunk: string | Uint8Array, stream: 'stdout' | 'stderr'): void;
  /** stderr is a terminal, so progress is drawn there in place. */
  isTTY: boolean;
  /** stderr's width, so that a progress line never wraps. */
  columns?(): number;
  /** Present only where a person can answer. */
  confirm?(question: string, signal: AbortSignal): Promise<boolean>;
  terminal?: TerminalIo;
  /** Gives the terminal back after an operation, whatever the operation left: raw mode off, stdin no longer read. */
  release?(): void;
}

interface Stdin extends NodeJS.ReadableStream {
  isTTY?: boolean;
  setRawMode?(raw: boolean): unknown;
}
interface Stdout extends NodeJS.WritableStream {
  isTTY?: boolean;
  columns?: number;
  rows?: number;
}
export interface StdStreams {
  stdin: Stdin;
  stdout: Stdout;
  stderr: Stdout;
}

/** The process's own streams as the CLI's Io. */
export function processIo(std: StdStreams = process): Io {
  return {
    write: (chunk, stream) => (stream === 'stderr' ? std.stderr : std.stdout).write(chunk),
    isTTY: Boolean(std.stderr.isTTY),
    columns: () => std.stderr.columns || 80,
    // The question goes to stderr so that it is seen even when stdout is piped; without a terminal
    // on both sides nobody can answer, and operations then ask for --yes instead.
    ...(std.stdin.isTTY && std.stderr.isTTY ? { confirm: (question: string, signal: AbortSignal) => ask(std, question, signal) } : {}),
    terminal: terminalOf(std),
    release() {
      if (std.stdin.isTTY) std.stdin.setRawMode?.(false);
      std.stdin.pause();
    },
  };
}

/**
 * Always a terminal object, even when stdin is a pipe: `echo abc | berth session exec ID -i -- cat`
 * passes the pipe through; isTTY says whether raw mode and a size mean anything.
 */
function terminalOf(std: StdStreams): TerminalIo {
  return {
    input: std.stdin,
    output: std.stdout,
    isTTY: Boolean(std.stdin.isTTY && std.stdout.isTTY),
    size: () => ({ columns: std.stdout.columns || 80, rows: std.stdout.rows || 24 }),
    onResize(listener) {
      std.stdout.on('resize', listener);
      return () => std.stdout.off('resize', listener);
    },
    setRawMode(raw) {
      if (std.stdin.isTTY) std.stdin.setRawMode?.(raw);
    },
  };
}

function ask(std: StdStreams, question: string, signal: AbortSignal): Promise<boolean> {
  if (signal.aborted) return Promise.reject(signal.reason);
  return new Promise((resolve, reject) => {
    const rl = createInterface({ input: std.stdin, output: std.stderr });
    const onAbort = () => {
      // Before close, whose handler would settle it as a no.
      reject(signal.reason);
      rl.close();
      // The question's line was never ended by an answer.
      std.stderr.write('\n');
    };
    signal.addEventListener('abort', onAbort, { once: true });
    // On a terminal readline reads Ctrl-C as a key; raised as the signal, it interrupts the run as it would anywhere else.
    rl.on('SIGINT', () => process.kill(process.pid, 'SIGINT'));
    // End of input is no answer, and no answer is no.
    rl.on('close', () => {
      signal.removeEventListener('abort', onAbort);
      resolve(false);
    });
    rl.question(`${question} [y/N] `, (answer) => {
      resolve(/^y(es)?$/i.test(answer.trim()));
      rl.close();
    });
  });
}
