import { homedir } from 'node:os';
import { join } from 'node:path';

/**
 * Big downloads (code-server, Node 24, the claude binary, built rootfs) live outside the
 * repo so that a fresh clone, as CI makes, reuses them.
 */
export const cacheRoot = process.env.BERTH_CACHE ?? join(homedir(), '.cache', 'berth');
export const cachePath = (...parts: string[]) => join(cacheRoot, ...parts);
