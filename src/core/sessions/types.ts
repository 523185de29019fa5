import type { Readable } from 'node:stream';
import type * as z from 'zod';
import type { sessionHealthSchema, sessionSchema, sessionStateSchema, sessionStatsSchema } from './schemas.js';
import type { SessionPolicy } from './owner.js';
import type { SessionUser } from './user.js';

export type MountMode = 'rw' | 'ro';
/** egress: no network at all but one door that lets listed hosts through (egress/). */
export type NetworkMode = 'egress' | 'none' | 'bridge' | 'host';
export type ProviderKind = 'docker' | 'process';

export interface Limits {
  /** Most processes and threads at once: what stops a fork bomb. */
  pids: number;
  memoryBytes: number;
  /** CPUs as a fraction, e.g. 1.5. */
  cpus: number;
}

/** Everything a session is, as data: the providers turn it into a container or a process. */
export interface SessionSpec {
  workspace: string;
  mount: MountMode;
  image: string;
  /** `claude`, `shell`, or the name of a command-template agent. */
  agent: string;
  /** The argv the session runs; already resolved from agent, prompt and template. */
  command: string[];
  /** A TTY to attach to rather than a transcript to read. */
  interactive: boolean;
  prompt?: string;
  /** Plain environment: visible in `docker inspect`, so never for secrets. */
  env: Record<string, string>;
  /** Handed over out of band (see secrets.ts): never in Config.Env, labels, logs or errors. */
  secrets: Record<string, string>;
  /** The names of every secret Berth holds, handed over or not: a process session must not inherit them. */
  secretNames: string[];
  network: NetworkMode;
  /** For network egress: the hosts the door lets through, and the session's door folder once the start chose it. */
  egress?: { allow: string[]; folder?: string };
  limits: Limits;
  /** Who runs the session: the person who started it (see user.ts). */
  user: SessionUser;
  /** The engine keeps at most maxFiles files of maxSize (docker's size syntax, e.g. 10m) of output. */
  logs: { maxSize: string; maxFiles: number };
  /** Relaxations of the hardening, each only from an explicit setting. */
  writableRoot?: boolean;
  /** Stopped by the reconciler once older than this; 0 for no limit. */
  maxAgeSeconds: number;
  /** Who started it and what happens when they are gone (owner.ts). */
  ownership: Ownership;
  startTimeoutMs: number;
  /** Between SIGTERM and SIGKILL when the session is stopped. */
  stopGraceSeconds: number;
}

export interface Ownership {
  owner: string;
  policy: SessionPolicy;
  /** How long the owner's lease may go unrenewed before a session that ends with it stops. */
  graceSeconds: number;
  /** The owner's lease folder on the host, mounted for the watchdog when the policy is `owner`. */
  leaseFolder?: string;
}

export type SessionState = z.infer<typeof sessionStateSchema>;

/** What every face shows about a session; read back from the engine (or the process record) each time. */
export type Session = z.infer<typeof sessionSchema>;

export interface ExecOptions {
  stdout?: (chunk: Buffer) => void;
  /** Not called with a TTY, where the terminal merges both streams into stdout. */
  stderr?: (chunk: Buffer) => void;
  signal?: AbortSignal;
  timeoutMs?: number;
  /** Fed to the command's stdin, which is closed when it ends. */
  stdin?: string | Buffer | NodeJS.ReadableStream;
  /** Runs the command on a terminal of this size (exec -t). */
  tty?: { columns: number; rows: number };
  /** Hands over a way to resize the terminal once the command runs. */
  onStarted?(control: { resize(columns: number, rows: number): Promise<void> }): void;
}

export interface LogOptions {
  follow?: boolean;
  signal?: AbortSignal;
  /** Only the last lines; all when omitted. */
  tail?: number;
}

export interface PruneOptions {
  /** Only say what would go. */
  dryRun?: boolean;
  /** A session created less than this long ago that has not started yet is starting, not ended. */
  startTimeoutMs: number;
}

/** A readable of the session's output: stdout and stderr kept apart where the provider can. */
export interface LogStream {
  stdout: Readable;
  stderr: Readable;
  /** Ends the stream (and any follow) early. */
  dispose(): void;
}

export type SessionStats = z.infer<typeof sessionStatsSchema>;

export type SessionHealth = z.infer<typeof sessionHealthSchema>;

export interface SessionEvent {
  id: string;
  /** The engine's word: create, start, die, oom, stop, destroy, rename… */
  action: string;
  time: number;
  exitCode: number | null;
}

export interface Disposable {
  dispose(): void;
}

export interface AttachedTerminal {
  /** Keystrokes in, screen output out. */
  stream: NodeJS.ReadWriteStream;
  resize(columns: number, rows: number): Promise<void>;
  dispose(): void;
}
