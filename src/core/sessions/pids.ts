import { readFileSync } from 'node:fs';

/** The fields of /proc/PID/stat after the command name (state first), where /proc exists. */
function statFields(pid: number): string[] | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  } catch {
    return undefined;
  }
}

/** Kernel start time of a pid (field 22 of /proc/PID/stat), where /proc exists. */
export function pidStartTime(pid: number): string | undefined {
  return statFields(pid)?.[19];
}

/**
 * Whether the process that was `pid`, started at `pidStart`, still runs (a reused pid does not
 * count). A zombie does not: where pid 1 reaps no orphans (many containers, devcontainers among
 * them), a detached process that was killed stays one until the machine stops.
 */
export function processAlive(pid: number, pidStart: string | undefined): boolean {
  try {
    process.kill(pid, 0);
  } catch (error) {
    // EPERM: it runs, as another account.
    if ((error as NodeJS.ErrnoException).code !== 'EPERM') return false;
  }
  const fields = statFields(pid);
  if (fields?.[0] === 'Z') return false;
  return pidStart === undefined || fields?.[19] === pidStart;
}
