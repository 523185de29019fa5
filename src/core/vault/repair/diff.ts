import { createTwoFilesPatch, FILE_HEADERS_ONLY } from 'diff';
import type { RepairPlan } from './plan.js';

/**
 * The plan as one unified diff, file by file in path order, with git's a/ and b/ prefixes and
 * /dev/null for a file created or removed, so that a person reads it as they read any patch.
 */
export function planDiff(plan: Pick<RepairPlan, 'contents'>): string {
  return [...plan.contents.keys()]
    .sort()
    .map((path) => {
      const { before, after } = plan.contents.get(path)!;
      return createTwoFilesPatch(before === null ? '/dev/null' : `a/${path}`, after === null ? '/dev/null' : `b/${path}`, before ?? '', after ?? '', undefined, undefined, {
        headerOptions: FILE_HEADERS_ONLY,
      });
    })
    .join('');
}
