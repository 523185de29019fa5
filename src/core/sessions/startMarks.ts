import { mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises';
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

  /** The ids of starts whose starter no longer runs. */
  async abandoned(): Promise<string[]> {
    const names = await readdir(this.dir).catch(() => [] as string[]);
    const gone = await Promise.all(
      names
        .filter((name) => /^[0-9a-f]{12}$/.test(name))
        .map(async (name) => {
          const text = await readFile(join(this.dir, name), 'utf8').catch(() => undefined);
          if (text === undefined) return undefined;
          try {
            const { pid, pidStart } = JSON.parse(text) as { pid: number; pidStart: string | null };
            return processAlive(pid, pidStart ?? undefined) ? undefined : name;
          } catch {
            // A mark that is not whole: its starter died writing it (a mark is written before anything is created).
            return name;
          }
        }),
    );
    return gone.filter((name): name is string => name !== undefined);
  }
}
