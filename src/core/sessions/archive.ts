import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, readFile, readdir, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { sessionSchema } from './schemas.js';
import type { LogStream, Session } from './types.js';

/**
 * What is kept of a session once the reconciler removes its container: its record and its whole
 * output (Claude Code's transcript is its stdout), in `<archiveDir>/<id>/`. The folder is written
 * under a temporary name and renamed, so an archive either is whole or is not there; the container
 * is removed only after.
 */
const RECORD = 'session.json';

export async function archiveSession(archiveDir: string, session: Session, logs: LogStream): Promise<void> {
  await mkdir(archiveDir, { recursive: true, mode: 0o700 });
  const final = join(archiveDir, session.id);
  const partial = `${final}.${process.pid}.partial`;
  await rm(partial, { recursive: true, force: true });
  await mkdir(partial, { mode: 0o700 });
  try {
    await Promise.all([
      pipeline(logs.stdout, createWriteStream(join(partial, 'stdout.log'), { mode: 0o600 })),
      pipeline(logs.stderr, createWriteStream(join(partial, 'stderr.log'), { mode: 0o600 })),
    ]);
    await writeFile(join(partial, RECORD), `${JSON.stringify({ ...session, stopsAt: null }, null, 2)}\n`, { mode: 0o600 });
    await rm(final, { recursive: true, force: true });
    await rename(partial, final);
  } catch (error) {
    await rm(partial, { recursive: true, force: true });
    throw error;
  } finally {
    logs.dispose();
  }
}

/** The archived sessions, newest first; a folder that is not a whole archive is left out. */
export async function archivedSessions(archiveDir: string): Promise<Session[]> {
  const names = await readdir(archiveDir).catch(() => [] as string[]);
  const sessions = await Promise.all(names.filter((name) => /^[0-9a-f]{12}$/.test(name)).map((name) => archivedSession(archiveDir, name)));
  return sessions.filter((session): session is Session => session !== undefined).sort((a, b) => b.created.localeCompare(a.created));
}

export async function archivedSession(archiveDir: string, id: string): Promise<Session | undefined> {
  const text = await readFile(join(archiveDir, id, RECORD), 'utf8').catch(() => undefined);
  const parsed = text === undefined ? undefined : sessionSchema.safeParse(JSON.parse(text));
  return parsed?.success ? parsed.data : undefined;
}

/** An archived session's output, as the providers give a live one's; `tail` keeps the last lines. */
export function archivedLogs(archiveDir: string, id: string, tail?: number): LogStream {
  const open = (name: string) => {
    const out = new PassThrough();
    const source = createReadStream(join(archiveDir, id, name));
    if (tail === undefined) source.pipe(out);
    else void lastLines(source, tail).then((text) => out.end(text), (error: Error) => out.destroy(error));
    source.on('error', (error) => out.destroy(error));
    return { out, source };
  };
  const stdout = open('stdout.log');
  const stderr = open('stderr.log');
  return {
    stdout: stdout.out,
    stderr: stderr.out,
    dispose: () => {
      stdout.source.destroy();
      stderr.source.destroy();
    },
  };
}

/** The last `count` lines of a stream, holding no more than those lines at once. */
async function lastLines(source: NodeJS.ReadableStream, count: number): Promise<string> {
  const lines: string[] = [];
  let partial = '';
  for await (const chunk of source) {
    const parts = (partial + chunk.toString()).split('\n');
    partial = parts.pop()!;
    for (const line of parts) if (lines.push(line) > count) lines.shift();
  }
  if (partial) if (lines.push(partial) > count) lines.shift();
  return lines.length ? `${lines.join('\n')}\n` : '';
}
