/** Where a symbolic link leads, within a tree of vault-relative paths, or why it leaves it. */
export type LinkDestination = { inside: string } | { outside: 'absolute' | 'climbs out' | 'loops' };

const MAX_HOPS = 40;

/**
 * Follows a symbolic link at `path` (vault-relative) to `target` the way the kernel would, but over
 * a tree described by `linkAt` (the target of the symbolic link at a vault-relative path, if there
 * is one). Lexical normalisation alone is not enough: after `a -> b/c`, the target `a/../..` climbs
 * out of the tree although its text does not.
 */
export function followLink(path: string, target: string, linkAt: (path: string) => string | undefined): LinkDestination {
  if (target.startsWith('/')) return { outside: 'absolute' };
  const resolved = path.split('/').slice(0, -1);
  const pending = target.split('/');
  let hops = 0;
  while (pending.length) {
    const part = pending.shift()!;
    if (part === '' || part === '.') continue;
    if (part === '..') {
      if (!resolved.length) return { outside: 'climbs out' };
      resolved.pop();
      continue;
    }
    resolved.push(part);
    const next = linkAt(resolved.join('/'));
    if (next === undefined) continue;
    if (++hops > MAX_HOPS) return { outside: 'loops' };
    if (next.startsWith('/')) return { outside: 'absolute' };
    resolved.pop();
    pending.unshift(...next.split('/'));
  }
  return { inside: resolved.join('/') };
}

/** Why a link was left out or refused, in words. */
export function describeOutside(target: string, why: 'absolute' | 'climbs out' | 'loops'): string {
  if (why === 'absolute') return `it is a symbolic link to the absolute path ${target}`;
  if (why === 'loops') return `it is a symbolic link to ${target}, which loops`;
  return `it is a symbolic link to ${target}, which leads outside the folder`;
}
