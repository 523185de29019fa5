import { realpathSync } from 'node:fs';
import { dirname, isAbsolute, relative, resolve } from 'node:path';
import { BerthError } from './errors.js';
import type { OperationContext } from './operations.js';
import { printable } from './text.js';

/** The real path of `path`, or of its nearest existing parent joined with the rest: symbolic links cannot lead out. */
function realPath(path: string): string {
  try {
    return realpathSync(path);
  } catch {
    const parent = dirname(path);
    return parent === path ? path : resolve(realPath(parent), relative(parent, path));
  }
}

const inside = (path: string, root: string) => {
  const rel = relative(root, path);
  return rel === '' || (!rel.startsWith('..') && !isAbsolute(rel));
};

/**
 * A path a caller named, resolved against the face's working folder; where the face limits its
 * callers to some folders (MCP clients: the server's folder), a path outside them is refused,
 * after symbolic links, so that a client cannot mount `~` or read `/etc` through Berth.
 */
export function callerPath(ctx: Pick<OperationContext, 'cwd' | 'roots'>, path: string, what: string): string {
  const absolute = resolve(ctx.cwd, path);
  if (!ctx.roots) return absolute;
  const real = realPath(absolute);
  if (ctx.roots.some((root) => inside(real, realPath(root)))) return absolute;
  throw new BerthError(
    `${what} ${printable(absolute)} is outside the folders this caller may use (${ctx.roots.map(printable).join(', ')}).`,
    'Name a path inside them; the person running Berth chooses the folders.',
    'OUTSIDE_ROOTS',
  );
}
