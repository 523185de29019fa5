import { readFileSync } from 'node:fs';

/** Kernel start time of a pid (field 22 of /proc/PID/stat), where /proc exists. */
export function pidStartTime(pid: number): string | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19];
  } catch {
    return undefined;
  }
}

/** Whether the process that was `pid`, started at `pidStart`, still runs (a reused pid does not count). */
export function processAlive(pid: number, pidStart: string | undefined): boolean {
  try {
    process.kill(pid, 0);
  } catch (error) {
    // EPERM: it runs, as another account.
    if ((error as NodeJS.ErrnoException).code !== 'EPERM') return false;
  }
  return pidStart === undefined || pidStartTime(pid) === pidStart;
}
