import type {
  AttachedTerminal,
  Disposable,
  ExecOptions,
  LogOptions,
  LogStream,
  PruneOptions,
  ProviderKind,
  Session,
  SessionEvent,
  SessionHealth,
  SessionSpec,
  SessionStats,
} from './types.js';

/**
 * Where sessions run. Docker is the real one; the process provider is the unisolated fallback;
 * a Kubernetes provider would implement the same. Every method takes a full session id (resolve
 * prefixes first with `resolveSessionId`) and reads its answer from the provider's own record,
 * never from memory, so any process sees the same sessions.
 */
export interface ExecutionProvider {
  readonly kind: ProviderKind;
  readonly isolated: boolean;
  /** `id`: the session's id, when the caller chose it (to mark the start first); else a new one. */
  start(spec: SessionSpec, options?: { signal?: AbortSignal; id?: string }): Promise<Session>;
  list(options?: { all?: boolean }): Promise<Session[]>;
  /** undefined when no such session exists. */
  get(id: string): Promise<Session | undefined>;
  exec(id: string, command: string[], options?: ExecOptions): Promise<{ exitCode: number }>;
  logs(id: string, options?: LogOptions): Promise<LogStream>;
  /** Resolves with the exit code once the session's main process has ended. */
  wait(id: string, options?: { signal?: AbortSignal; timeoutMs?: number }): Promise<{ exitCode: number }>;
  stats(id: string): Promise<SessionStats>;
  health(id: string): Promise<SessionHealth>;
  /** When an ended session ended (ms since the epoch); undefined while it runs or when unknown. */
  finishedAt(id: string): Promise<number | undefined>;
  /** SIGTERM, then SIGKILL after `graceSeconds`. */
  stop(id: string, options?: { graceSeconds?: number }): Promise<void>;
  remove(id: string): Promise<void>;
  /**
   * Removes every session that has ended (never one that is starting or running, even when it
   * starts or ends while prune runs); returns their ids.
   */
  prune(options: PruneOptions): Promise<string[]>;
  /** Stops running sessions older than their maximum age; returns their ids. */
  reap(now?: number): Promise<string[]>;
  /** The TTY of an interactive session. */
  attach(id: string): Promise<AttachedTerminal>;
  /** Session lifecycle events as they happen; `onError` hears when the feed is lost for good. */
  subscribe(listener: (event: SessionEvent) => void, onError?: (error: Error) => void): Disposable;
}
