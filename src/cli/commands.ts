import { UsageError } from './args.js';
import { closest } from './suggest.js';

/** What finding a command needs of a command or an operation: its title and its words. */
export interface Named {
  title: string;
  cli: { command: readonly string[] };
}

/** The commands the CLI offers: its command table, or a registry of operations (tests). */
export interface Listing<T extends Named> {
  list(): readonly T[];
}

export type Found<T extends Named> =
  | { kind: 'operation'; operation: T; rest: string[] }
  /** `berth`, `berth session`: the commands under `prefix`; `next` is the word that matched none of them. */
  | { kind: 'group'; prefix: string[]; next?: string };

/** The command whose words are the longest prefix of `words`. */
function match<T extends Named>(listing: Listing<T>, words: readonly string[]): { operation: T; rest: string[] } | undefined {
  let best: T | undefined;
  for (const candidate of listing.list()) {
    const command = candidate.cli.command;
    if (command.length > words.length || !command.every((word, i) => words[i] === word)) continue;
    if (!best || command.length > best.cli.command.length) best = candidate;
  }
  return best && { operation: best, rest: words.slice(best.cli.command.length) };
}

/** Finds the operation the words name, or else the deepest group of commands they reach. */
export function findCommand<T extends Named>(listing: Listing<T>, words: readonly string[]): Found<T> {
  const found = match(listing, words);
  if (found) return { kind: 'operation', ...found };
  let depth = 0;
  while (depth < words.length && isGroup(listing, words.slice(0, depth + 1))) depth++;
  const next = words[depth];
  return { kind: 'group', prefix: words.slice(0, depth), ...(next === undefined ? {} : { next }) };
}

/** The commands whose words start with `prefix` and go on after it. */
export function commandsUnder<T extends Named>(listing: Listing<T>, prefix: readonly string[]): T[] {
  return listing.list().filter(({ cli }) => cli.command.length > prefix.length && prefix.every((word, i) => cli.command[i] === word));
}

const isGroup = (listing: Listing<Named>, prefix: readonly string[]) => commandsUnder(listing, prefix).length > 0;

/** What to say about a word that names no command under `prefix`, with the likely one meant. */
export function unknownCommand(listing: Listing<Named>, prefix: readonly string[], word: string): UsageError {
  if (word.startsWith('-')) return new UsageError(`unknown flag ${word}`);
  const siblings = new Set(commandsUnder(listing, prefix).map(({ cli }) => cli.command[prefix.length]!));
  let suggestion = closest(word, siblings);
  if (!suggestion && prefix.length === 0) {
    // `berth list`: the word is a command of one group.
    const owners = listing.list().filter(({ cli }) => cli.command.length > 1 && cli.command.at(-1) === word);
    if (owners.length === 1) suggestion = owners[0]!.cli.command.join(' ');
  }
  return new UsageError(`unknown command "${word}"${suggestion ? ` (did you mean "${suggestion}"?)` : ''}`);
}
