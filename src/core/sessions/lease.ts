import { chmod, mkdir, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { LEASE_RENEW_SECONDS } from './owner.js';
import type { Disposable } from './types.js';

/**
 * An owner's lease: a folder of its own under the state folder with one small file, `heartbeat`,
 * that the owner rewrites every few seconds while it lives. Sessions that end with their owner
 * get the folder mounted read-only and a watchdog (entry.ts) that stops them once the file has
 * not changed for the grace period, so no Berth process needs to be alive for them to stop.
 */
export const HEARTBEAT_FILE = 'heartbeat';

export const leaseFolder = (leasesDir: string, ownerId: string) => join(leasesDir, ownerId);

export class Lease implements Disposable {
  private timer: NodeJS.Timeout | undefined;
  private beats = 0;
  private due = 0;
  /** The most a renewal came after it was due: what a loaded machine costs the grace period. */
  maxLateMs = 0;

  private constructor(
    readonly folder: string,
    private readonly intervalMs: number,
  ) {}

  /** Writes the first heartbeat before returning, so a session started next finds a live lease. */
  static async hold(folder: string, intervalSeconds = LEASE_RENEW_SECONDS): Promise<Lease> {
    const lease = new Lease(folder, intervalSeconds * 1000);
    // Readable by any uid: a session on an engine that remaps users reads it as a stranger. A
    // heartbeat holds a time and a count, nothing to hide; the state folder above stays 0700.
    await mkdir(folder, { recursive: true, mode: 0o755 });
    await chmod(folder, 0o755);
    await lease.beat();
    lease.timer = setInterval(() => void lease.beat().catch(() => undefined), lease.intervalMs);
    // A lease must not keep a CLI alive that has nothing else to do.
    lease.timer.unref();
    return lease;
  }

  private async beat(): Promise<void> {
    const now = Date.now();
    if (this.due) this.maxLateMs = Math.max(this.maxLateMs, now - this.due);
    this.due = now + this.intervalMs;
    this.beats += 1;
    // Rewritten in place, not renamed over: the watchdog only needs to see the text change, and a
    // torn read counts as one missed look, which the grace period absorbs.
    await writeFile(join(this.folder, HEARTBEAT_FILE), `${now} ${this.beats}\n`, { mode: 0o644 });
  }

  /** Stops renewing: the owner's sessions stop after the grace period unless it comes back. */
  dispose(): void {
    clearInterval(this.timer);
    this.timer = undefined;
  }
}

/** How long ago the owner last renewed its lease; undefined when it never held one here. */
export async function leaseAgeMs(leasesDir: string, ownerId: string, now = Date.now()): Promise<number | undefined> {
  const info = await stat(join(leaseFolder(leasesDir, ownerId), HEARTBEAT_FILE)).catch(() => undefined);
  return info ? Math.max(0, now - info.mtimeMs) : undefined;
}
