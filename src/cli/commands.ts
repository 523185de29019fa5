import type { AnyOperation, OperationRegistry } from '../core/operations.js';
import { UsageError } from './args.js';
import { closest } from './suggest.js';

export type Found =
  | { kind: 'operation'; operation: AnyOperation; rest: string[] }
  /** `berth`, `berth session`: the commands under `prefix`; `next` is the word that matched none of them. */
  | { kind: 'group'; prefix: string[]; next?: string };

/** Finds the operation the words name, or else the deepest group of commands they reach. */
export function findCommand(registry: OperationRegistry, words: readonly string[]): Found {
  const match = registry.matchCli(words);
  if (match) return { kind: 'operation', ...match };
  let depth = 0;
  while (depth < words.length && isGroup(registry, words.slice(0, depth + 1))) depth++;
  const next = words[depth];
  return { kind: 'group', prefix: words.slice(0, depth), ...(next === undefined ? {} : { next }) };
}

/** The operations whose command starts with `prefix` and goes on after it. */
export function commandsUnder(registry: OperationRegistry, prefix: readonly string[]): AnyOperation[] {
  return registry.list().filter(({ cli }) => cli.command.length > prefix.length && prefix.every((word, i) => cli.command[i] === word));
}

const isGroup = (registry: OperationRegistry, prefix: readonly string[]) => commandsUnder(registry, prefix).length > 0;

/** What to say about a word that names no command under `prefix`, with the likely one meant. */
export function unknownCommand(registry: OperationRegistry, prefix: readonly string[], word: string): UsageError {
  if (word.startsWith('-')) return new UsageError(`unknown flag ${word}`);
  const siblings = new Set(commandsUnder(registry, prefix).map(({ cli }) => cli.command[prefix.length]!));
  let suggestion = closest(word, siblings);
  if (!suggestion && prefix.length === 0) {
    // `berth list`: the word is a command of one group.
    const owners = registry.list().filter(({ cli }) => cli.command.length > 1 && cli.command.at(-1) === word);
    if (owners.length === 1) suggestion = owners[0]!.cli.command.join(' ');
  }
  return new UsageError(`unknown command "${word}"${suggestion ? ` (did you mean "${suggestion}"?)` : ''}`);
}
