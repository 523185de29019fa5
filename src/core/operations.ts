import * as z from 'zod';
import { BerthError, InputError } from './errors.js';
import type { SessionOwner } from './sessions/owner.js';
import type { EditSet } from './vault/edits.js';

/** Which face asked for an operation; recorded in audit logs and shown to the operation. */
export type Origin = 'command' | 'cli' | 'mcp' | 'test';

/** The faces an operation can be offered by: the CLI, the MCP server, VS Code's commands. */
export type Face = 'cli' | 'mcp' | 'command';

export interface Progress {
  message: string;
  /** 0..1 when the operation knows how far along it is. */
  fraction?: number;
}

/** A person's terminal, for the operations that connect one to a session (attach, exec -i/-t). */
export interface TerminalIo {
  input: NodeJS.ReadableStream;
  output: NodeJS.WritableStream;
  /** Whether input and output are a real terminal (raw mode and a size exist). */
  isTTY: boolean;
  size(): { columns: number; rows: number };
  /** Calls `listener` whenever the terminal changes size; returns how to stop. */
  onResize(listener: () => void): () => void;
  /** Raw mode passes every key (Ctrl-C included) to the session; off restores the terminal. */
  setRawMode(raw: boolean): void;
}

export interface OperationContext {
  origin: Origin;
  /** The folder a relative path or a missing workspace means: the face's, never the process's. */
  cwd: string;
  /**
   * The folders a caller may name paths in (workspaces, vaults, files), where the face limits it:
   * an MCP client gets the server's folder. Any path when absent (a person at the CLI or in VS Code).
   */
  roots?: readonly string[];
  signal: AbortSignal;
  progress(update: Progress): void;
  /**
   * Something the person must hear even when nobody watches progress (a session that runs
   * without isolation, a request that was adjusted); a face shows it on stderr or as a warning.
   */
  warn?(message: string): void;
  /**
   * Output as it happens (exec, logs --follow), for faces that can stream it; an operation
   * given no sink collects the output into its result instead.
   */
  emit?(chunk: string | Uint8Array, stream?: 'stdout' | 'stderr'): void;
  /**
   * Structured events as they happen (a transcript's), for faces that render them themselves;
   * it wins over `emit`, which gets the same events as text lines.
   */
  emitEvent?(event: unknown): void;
  /**
   * Asks the person a yes/no question; absent where nobody can answer (scripts, MCP), and then an
   * operation that needs consent requires it in its input (`yes`).
   */
  confirm?(question: string): Promise<boolean>;
  /** The person's terminal, where the face has one. */
  terminal?: TerminalIo;
  /**
   * Who owns the sessions this call starts, where the face stays to renew a lease (a window, an
   * MCP client); a CLI call names none, so its sessions are detached unless it stays in the foreground.
   */
  owner?: SessionOwner;
  /**
   * Applies planned vault edits the face's own way (VS Code: an undoable WorkspaceEdit that respects
   * unsaved editors); an operation given none writes the files itself.
   */
  applyEdits?(edits: EditSet): Promise<void>;
}

/** MCP's tool annotations, with MCP's meanings: hints for a client deciding whether to ask first. */
export interface Annotations {
  /** Changes nothing anywhere. */
  readOnlyHint: boolean;
  /** May destroy or undo what exists (only meaningful when not read-only). */
  destructiveHint: boolean;
  /** Calling it again with the same input changes nothing more. */
  idempotentHint: boolean;
  /** Reaches beyond Berth's own records and files (an engine, a network, a process). */
  openWorldHint: boolean;
}

/**
 * The unit of behaviour. Each face (CLI subcommand, MCP tool, VS Code command) is derived
 * from this one description, so none of them holds logic of its own.
 */
export interface Operation<Input extends z.ZodObject = z.ZodObject, Output extends z.ZodType = z.ZodType> {
  name: string;
  title: string;
  /** For people and for models choosing a tool: what it does, what it needs, what it returns. */
  description: string;
  input: Input;
  /** What `run` returns; faces that need JSON Schema get it from `z.toJSONSchema`. */
  output: Output;
  annotations: Annotations;
  /**
   * The faces that offer it, when not every face can: attaching a terminal needs a person at one,
   * so it is no MCP tool. All faces when absent.
   */
  faces?: readonly Face[];
  /** How the CLI spells it: the subcommand words and which input fields are positional. */
  cli: {
    command: readonly string[];
    /** Input fields filled, in order, from positional words; the last may be an array (several ids). */
    positional?: readonly string[];
    /** An array field filled with everything after `--`. */
    rest?: string;
    /** One-letter aliases of boolean flags, as docker users know them: { interactive: 'i' }. */
    short?: Readonly<Record<string, string>>;
    /** Shown under the usage: each a command line, optionally followed by `  # what it does`. */
    examples?: readonly string[];
  };
  run(input: z.infer<Input>, ctx: OperationContext): Promise<z.infer<Output>>;
  /** A readable rendering of the output for people (CLI text mode, notifications). */
  format(output: z.infer<Output>): string;
  /** The process exit status the CLI should use for this output (0 unless the output says otherwise). */
  exitCode?(output: z.infer<Output>): number;
}

// `any` is confined to the registry's storage type: each operation is checked against its own schema.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AnyOperation = Operation<any, any>;

export function defineOperation<Input extends z.ZodObject, Output extends z.ZodType>(operation: Operation<Input, Output>): Operation<Input, Output> {
  return operation;
}

export class OperationRegistry {
  private readonly byName = new Map<string, AnyOperation>();

  constructor(operations: Iterable<AnyOperation> = []) {
    for (const operation of operations) this.add(operation);
  }

  add(operation: AnyOperation): void {
    if (this.byName.has(operation.name)) throw new Error(`Operation ${operation.name} is registered twice`);
    this.byName.set(operation.name, operation);
  }

  get(name: string): AnyOperation | undefined {
    return this.byName.get(name);
  }

  list(): AnyOperation[] {
    return [...this.byName.values()];
  }

  /**
   * The one way any face runs an operation: the raw input is checked against the schema (an
   * InputError names each problem), the operation runs, and what it returns is checked against
   * its output schema, so that no face ever receives what the table did not promise.
   */
  async invoke(name: string, rawInput: unknown, ctx: OperationContext, options: { inputErrors?: z.core.$ZodErrorMap } = {}): Promise<unknown> {
    const operation = this.byName.get(name);
    if (!operation) throw new BerthError(`There is no operation "${name}".`, 'This is a bug in the face that asked for it.', 'INTERNAL');
    // A face may word the problems in its own terms (the CLI names flags); messages the schema's
    // author wrote win over any face's wording.
    const input = operation.input.safeParse(rawInput ?? {}, { reportInput: true, ...(options.inputErrors ? { error: options.inputErrors } : {}) });
    if (!input.success) throw new InputError(z.prettifyError(input.error).replace(/\n/g, ' '), input.error.issues);
    const output = await operation.run(input.data, ctx);
    const checked = operation.output.safeParse(output);
    if (!checked.success) {
      throw new BerthError(`${name} returned what its output schema does not allow: ${z.prettifyError(checked.error).replace(/\n/g, ' ')}`, 'This is a bug in Berth.', 'INTERNAL');
    }
    return checked.data;
  }
}

export function silentContext(origin: Origin, cwd: string, signal: AbortSignal = new AbortController().signal): OperationContext {
  return { origin, cwd, signal, progress: () => undefined };
}
