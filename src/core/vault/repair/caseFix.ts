import type { IndexedLink } from '../graph.js';
import { destination } from '../linkFixes.js';
import { isNotePath } from '../resolve.js';

/** A markdown destination's segment as the resolver reads it, or undefined when it is not valid percent-encoding. */
function decoded(segment: string, markdown: boolean): string | undefined {
  if (!markdown) return segment;
  try {
    return decodeURIComponent(segment);
  } catch {
    return undefined;
  }
}

/**
 * A resolved link's path spelled with its file's case (`[[target]]` -> `[[Target]]` for Target.md),
 * or undefined when it is already spelled so or differs in more than case. Only the segments the
 * link writes are compared, from the end (a link may name a file by its name alone); `.` and `..`
 * end the comparison. A segment differing in Unicode form too is left as it is: that is not a case
 * fix. Encoded segments stay encoded.
 */
export function caseFixed(link: IndexedLink, written: string, angled: boolean): string | undefined {
  if (link.status !== 'resolved' || !link.target) return undefined;
  const markdown = link.syntax === 'markdown' && !angled;
  const segments = written.split('/');
  const targetSegments = link.target.split('/');
  let changed = false;
  for (let i = segments.length - 1, j = targetSegments.length - 1; i >= 0 && j >= 0; i--, j--) {
    const segment = segments[i]!;
    if (segment === '' || segment === '.' || segment === '..') break;
    const read = decoded(segment, markdown);
    if (read === undefined) return undefined;
    let wanted = targetSegments[j]!;
    // The link's last segment may leave `.md` out (`[[Note]]` for Note.md).
    if (i === segments.length - 1 && isNotePath(wanted) && !isNotePath(read)) wanted = wanted.slice(0, -3);
    if (read === wanted) continue;
    if (read.toLowerCase() !== wanted.toLowerCase()) return undefined;
    segments[i] = !markdown || read === segment ? wanted : destination(wanted);
    changed = true;
  }
  return changed ? segments.join('/') : undefined;
}
