import type { Command } from './command.js';
import { argumentName, flagFields, positionalFields, type Field } from './fields.js';
import { closest } from './suggest.js';

/** A mistake in how the command was typed (exit status 2), as opposed to a failure while running it. */
export class UsageError extends Error {}

/** Berth's own flags; any command may take them. */
const GLOBAL_FLAGS = ['--json', '--help', '-h'];

export interface CommandLine {
  /** Command words, positionals and the command's flags: everything before `--` but Berth's own flags. */
  words: string[];
  /** The words after `--`, untouched. */
  tail?: string[];
  json: boolean;
  help: boolean;
}

/**
 * Separates Berth's own flags from the command's. Everything after the first `--` belongs to the
 * command run in the session (`-- grep --help` must reach grep), so only the words before it are
 * looked at.
 */
export function splitCommandLine(argv: readonly string[]): CommandLine {
  const dashDash = argv.indexOf('--');
  let head = dashDash === -1 ? [...argv] : argv.slice(0, dashDash);
  const helpWord = head[0] === 'help';
  if (helpWord) head = head.slice(1);
  return {
    words: head.filter((word) => !GLOBAL_FLAGS.includes(word)),
    ...(dashDash === -1 ? {} : { tail: argv.slice(dashDash + 1) }),
    json: head.includes('--json'),
    help: helpWord || head.includes('--help') || head.includes('-h'),
  };
}

/** `-5` and `-0.5` are values (a number flag's, to be judged by the schema), not flags. */
const NEGATIVE_NUMBER = /^-(\d+\.?\d*|\.\d+)$/;

function unknownFlag(flag: string, known: readonly string[]): UsageError {
  const suggestion = closest(flag, known);
  return new UsageError(`unknown flag ${flag}${suggestion ? ` (did you mean ${suggestion}?)` : ''}`);
}

/**
 * Turns the words after the command into the operation's raw input. Flags, positionals and their
 * kinds come from the input schema, so a new operation gets its command line for free; the schema
 * then validates the values.
 */
export function argsToInput(command: Command, words: readonly string[], tail?: readonly string[]): Record<string, unknown> {
  const { fields } = command;
  const flags = flagFields(fields);
  const input: Record<string, unknown> = {};
  const positionals: string[] = [];

  for (let i = 0; i < words.length; i++) {
    const word = words[i]!;
    if (!word.startsWith('-') || word === '-') {
      positionals.push(word);
    } else if (word.startsWith('--')) {
      const equals = word.indexOf('=');
      const flag = equals === -1 ? word : word.slice(0, equals);
      const field = flags.find((f) => f.flag === flag);
      if (!field) {
        const positional = fields.find((f) => f.positional && f.flag === flag);
        if (positional) throw new UsageError(`give ${argumentName(positional)} without ${flag}`);
        throw unknownFlag(flag, [...flags.map((f) => f.flag), ...GLOBAL_FLAGS]);
      }
      if (field.kind === 'boolean') {
        input[field.name] = equals === -1 ? true : booleanValue(flag, word.slice(equals + 1));
        continue;
      }
      let value: string;
      if (equals !== -1) {
        value = word.slice(equals + 1);
      } else {
        const next = words[i + 1];
        // A word that looks like a flag is more likely a forgotten value than a value that starts with a dash.
        if (next === undefined || (next.startsWith('-') && !NEGATIVE_NUMBER.test(next))) {
          const literal = next !== undefined && field.kind !== 'number';
          throw new UsageError(`${flag} needs a value${literal ? ` (write ${flag}=${next} if that is the value)` : ''}`);
        }
        value = next;
        i++;
      }
      assign(input, field, value, flag);
    } else {
      for (const letter of word.slice(1)) {
        const field = flags.find((f) => f.short === `-${letter}`);
        // Any letter is one edit from any other, so a guess would be noise.
        if (!field) throw new UsageError(`unknown flag -${letter}`);
        input[field.name] = true;
      }
    }
  }

  const slots = positionalFields(command, fields);
  const last = slots.at(-1);
  positionals.forEach((word, i) => {
    const slot = slots[i] ?? (last?.kind === 'string[]' ? last : undefined);
    if (!slot) throw new UsageError(`unexpected argument "${word}"${command.cli.rest ? ' (put the command after --)' : ''}`);
    assign(input, slot, word, argumentName(slot));
  });

  if (tail !== undefined) {
    const rest = fields.find((f) => f.rest);
    if (!rest) throw new UsageError('this command takes nothing after --');
    input[rest.name] = [...tail];
  }
  return input;
}

function booleanValue(flag: string, value: string): boolean {
  if (value === 'true' || value === 'false') return value === 'true';
  throw new UsageError(`${flag} is true or false, not "${value}"`);
}

function assign(input: Record<string, unknown>, field: Field, value: string, subject: string): void {
  if (field.kind === 'number') {
    const number = Number(value);
    if (value.trim() === '' || !Number.isFinite(number)) throw new UsageError(`${subject} takes a number, not "${value}"`);
    input[field.name] = number;
  } else if (field.kind === 'string[]') {
    input[field.name] = [...((input[field.name] as string[] | undefined) ?? []), value];
  } else {
    input[field.name] = value;
  }
}
