import type { Readable } from 'node:stream';

export type MountMode = 'rw' | 'ro';
export type NetworkMode = 'none' | 'bridge' | 'host';
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
  network: NetworkMode;
  limits: Limits;
  /** uid:gid to run as; the workspace owner's when omitted (or the fallback when that is root). */
  user?: string;
  /** Relaxations of the hardening, each only from an explicit setting. */
  writableRoot?: boolean;
  /** Stopped by the reaper once older than this; 0 for no limit. */
  maxAgeSeconds: number;
  startTimeoutMs: number;
}

export type SessionState = 'starting' | 'running' | 'exited' | 'dead' | 'paused' | 'unknown';

/** What every face shows about a session; read back from the engine (or the process record) each time. */
export interface Session {
  id: string;
  name: string;
  provider: ProviderKind;
  /** False for the process provider: the agent runs with the user's own rights. */
  isolated: boolean;
  workspace: string;
  agent: string;
  image?: string;
  created: string;
  state: SessionState;
  status: string;
  exitCode?: number;
  oomKilled?: boolean;
  interactive: boolean;
  mount?: MountMode;
  network?: string;
  version?: string;
  maxAgeSeconds?: number;
}

export interface ExecOptions {
  stdout?: (chunk: Buffer) => void;
  stderr?: (chunk: Buffer) => void;
  signal?: AbortSignal;
  timeoutMs?: number;
  /** Fed to the command's stdin, which is then closed. */
  stdin?: string | Buffer;
}

export interface LogOptions {
  follow?: boolean;
  signal?: AbortSignal;
  /** Only the last lines; all when omitted. */
  tail?: number;
}

/** A readable of the session's output: stdout and stderr kept apart where the provider can. */
export interface LogStream {
  stdout: Readable;
  stderr: Readable;
  /** Ends the stream (and any follow) early. */
  dispose(): void;
}

export interface SessionStats {
  id: string;
  cpuPercent?: number;
  memoryBytes?: number;
  memoryLimitBytes?: number;
  pids?: number;
}

export interface SessionHealth {
  id: string;
  healthy: boolean;
  state: SessionState;
  detail: string;
}

export interface SessionEvent {
  id: string;
  /** The engine's word: create, start, die, oom, stop, destroy, rename… */
  action: string;
  time: number;
  exitCode?: number;
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
