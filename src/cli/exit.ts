import { printable } from '../core/text.js';
import type { Io } from './io.js';

/** Exit statuses, as docker and gh use them. */
export const EXIT = { ok: 0, failed: 1, usage: 2, interrupted: 130 } as const;

/** One line naming the command, what was wrong and where the usage is. */
export function usageError(io: Io, words: readonly string[], message: string): number {
  const name = ['berth', ...words].join(' ');
  io.write(`${name}: ${printable(message.replace(/\.$/, ''))}. Run "${name} --help" for usage.\n`, 'stderr');
  return EXIT.usage;
}
