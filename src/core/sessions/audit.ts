import { appendFile, mkdir } from 'node:fs/promises';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import type { Origin } from '../operations.js';

export interface AuditEntry {
  time: string;
  origin: Origin;
  /** start, start-failed, exec, stop, remove, prune, reap, image-build… */
  action: string;
  session?: string;
  provider?: string;
  /** Non-secret facts (image, workspace, exit code); values are redacted before writing. */
  detail?: Record<string, unknown>;
}

/** $XDG_STATE_HOME/berth, else ~/.local/state/berth: where Berth keeps what must survive a restart. */
export function stateDir(env: NodeJS.ProcessEnv = process.env): string {
  return join(env.XDG_STATE_HOME?.trim() || join(homedir(), '.local', 'state'), 'berth');
}

export const defaultAuditPath = (env: NodeJS.ProcessEnv = process.env) => join(stateDir(env), 'audit.jsonl');

/**
 * Appends one JSON line per lifecycle event. Each line is one appendFile (a single write on an
 * O_APPEND file), so concurrent writers, even from several processes, never interleave lines.
 */
export class AuditLog {
  constructor(
    readonly path: string,
    private readonly redact: (text: string) => string = (text) => text,
  ) {}

  async append(entry: Omit<AuditEntry, 'time'>): Promise<void> {
    const line = this.redact(JSON.stringify({ time: new Date().toISOString(), ...entry }));
    await mkdir(dirname(this.path), { recursive: true, mode: 0o700 });
    await appendFile(this.path, `${line}\n`, { mode: 0o600 });
  }
}
