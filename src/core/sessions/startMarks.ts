import { mkdir, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { pidStartTime, processAlive } from './pids.js';

/**
 * A start in progress, on disk: the starter writes `<dir>/<session id>` (its pid and when that
 * process started) before it creates anything and deletes it once the session is started and
 * audited. A mark whose starter is gone is a start that was killed somewhere between (before the
 * create, after it, after the container started): the reconciler removes whatever it made.
 */
export class StartMarks {
  constructor(private readonly dir: string) {}

  async mark(id: string): Promise<void> {
    await mkdir(this.dir, { recursive: true, mode: 0o700 });
    await writeFile(join(this.dir, id), JSON.stringify({ pid: process.pid, pidStart: pidStartTime(process.pid) ?? null }), { mode: 0o600 });
  }

  async clear(id: string): Promise<void> {
    await rm(join(this.dir, id), { force: true });
  }

  /** The starts whose starter no longer runs, with how long ago their mark was written. */
  async abandoned(now = Date.now()): Promise<{ id: string; ageMs: number }[]> {
    const names = await readdir(this.dir).catch(() => [] as string[]);
    const gone = await Promise.all(
      names
        .filter((name) => /^[0-9a-f]{12}$/.test(name))
        .map(async (name) => {
          const path = join(this.dir, name);
          const [text, info] = await Promise.all([readFile(path, 'utf8').catch(() => undefined), stat(path).catch(() => undefined)]);
          if (text === undefined || !info) return undefined;
          const gone = { id: name, ageMs: Math.max(0, now - info.mtimeMs) };
          try {
            const { pid, pidStart } = JSON.parse(text) as { pid: number; pidStart: string | null };
            return processAlive(pid, pidStart ?? undefined) ? undefined : gone;
          } catch {
            // A mark that is not whole: its starter died writing it (a mark is written before anything is created).
            return gone;
          }
        }),
    );
    return gone.filter((mark): mark is { id: string; ageMs: number } => mark !== undefined);
  }
}
