import { PassThrough, Writable } from 'node:stream';
import * as vscode from 'vscode';
import type { TerminalIo } from '../../core/operations.js';

/**
 * A VS Code terminal as the operations' TerminalIo: what the person types flows into `input`,
 * what the session prints is written to the panel, and the panel's size is the terminal's. No
 * docker CLI and no host shell: the bytes go through the engine's attach or exec streams.
 */
export class SessionTerminal implements vscode.Disposable {
  private readonly written = new vscode.EventEmitter<string>();
  private readonly closed = new vscode.EventEmitter<number | void>();
  private readonly resized = new vscode.EventEmitter<void>();
  private readonly opened: Promise<void>;
  private dimensions = { columns: 80, rows: 24 };
  private readonly keys = new PassThrough();
  private readonly decoder = new TextDecoder();
  /** Set when the person closes the panel, so that the operation stops. */
  readonly abort = new AbortController();
  readonly terminal: vscode.Terminal;

  constructor(name: string, options: { convertNewlines: boolean }) {
    let open: () => void = () => undefined;
    this.opened = new Promise((resolve) => (open = resolve));
    const pty: vscode.Pseudoterminal = {
      onDidWrite: this.written.event,
      onDidClose: this.closed.event,
      open: (dimensions) => {
        if (dimensions) this.dimensions = { columns: dimensions.columns, rows: dimensions.rows };
        open();
      },
      close: () => {
        this.abort.abort();
        this.keys.end();
      },
      handleInput: (data) => this.keys.write(data),
      setDimensions: (dimensions) => {
        this.dimensions = { columns: dimensions.columns, rows: dimensions.rows };
        this.resized.fire();
      },
    };
    this.terminal = vscode.window.createTerminal({ name, pty, iconPath: new vscode.ThemeIcon('vm-running') });
    // A TTY session sends \r\n itself; plain output (logs, a command without -t) needs it added.
    const toScreen = (text: string) => (options.convertNewlines ? text.replace(/\r?\n/g, '\r\n') : text);
    const write = this.written;
    const decoder = this.decoder;
    this.io = {
      input: this.keys,
      output: new Writable({
        write(chunk: Buffer, _encoding, done) {
          write.fire(toScreen(decoder.decode(chunk, { stream: true })));
          done();
        },
      }),
      isTTY: true,
      size: () => this.dimensions,
      onResize: (listener) => {
        const subscription = this.resized.event(listener);
        return () => subscription.dispose();
      },
      // The panel is raw already: every key reaches the session as it is typed.
      setRawMode: () => undefined,
    };
    this.print = (text: string) => write.fire(toScreen(text));
  }

  readonly io: TerminalIo;
  /** Writes text of Berth's own (a closing line) to the panel. */
  readonly print: (text: string) => void;

  /** Shows the panel and waits until VS Code has opened it, so the first output is not lost. */
  async show(): Promise<void> {
    this.terminal.show();
    await this.opened;
  }

  /** Ends the panel's session: a last line, and the panel stays until the person closes it. */
  finish(line: string): void {
    this.print(`\r\n\x1b[2m${line}\x1b[0m\r\n`);
  }

  dispose(): void {
    this.closed.fire();
    this.written.dispose();
    this.closed.dispose();
    this.resized.dispose();
  }
}
