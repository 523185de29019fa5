import type { AnyOperation } from '../core/operations.js';
import { BERTH_VERSION } from '../core/version.js';
import { asCommand, type Command } from './command.js';
import { commandsUnder, type Listing, type Named } from './commands.js';
import { flagFields, placeholder, positionalFields, type Field } from './fields.js';

type Row = readonly [string, string];

/** Flags with no short alias are indented past the `-x, ` of those that have one. */
const option = (flag: string, short?: string) => `${short ? `${short}, ` : '    '}${flag}`;

const GLOBAL_OPTIONS: readonly Row[] = [
  [option('--json'), 'Print the result as JSON (no progress; streamed output is collected into it)'],
  [option('--help', '-h'), 'Show help for berth, a group or a command'],
];

const widthOf = (rows: readonly Row[]) => Math.max(...rows.map(([left]) => left.length));

/** Two columns, the first padded to its widest entry (or `width`), as docker and gh print them. */
function table(rows: readonly Row[], width = widthOf(rows)): string[] {
  return rows.map(([left, right]) => `  ${left.padEnd(width)}   ${right}`.trimEnd());
}

/** `berth --help`: every command, grouped by its first word. */
export function overview(listing: Listing<Named>): string {
  const sections = new Map<string, Named[]>();
  for (const operation of listing.list()) {
    const group = operation.cli.command.length > 1 ? operation.cli.command[0]! : '';
    sections.set(group, [...(sections.get(group) ?? []), operation]);
  }
  const rows = (operations: readonly Named[]) => operations.map((op): Row => [op.cli.command.join(' '), op.title]);
  const options: Row[] = [...GLOBAL_OPTIONS, [option('--version', '-v'), 'Print the version']];
  // One width for every section, so that the titles line up down the page.
  const width = widthOf([...rows(listing.list()), ...options]);
  const lines = [`berth ${BERTH_VERSION}: isolated agent sessions and vault health`, '', 'Usage: berth <command> [options]'];
  for (const [group, operations] of sections) {
    lines.push('', group ? `${group[0]!.toUpperCase()}${group.slice(1)} commands:` : 'Commands:', ...table(rows(operations), width));
  }
  lines.push(
    '',
    'Options:',
    ...table(options, width),
    '',
    'Run "berth <command> --help" for a command\'s options and examples.',
    'Exit status: 0 done, 1 failed, 2 usage error, 130 interrupted.',
  );
  return lines.join('\n');
}

/** `berth session`: the commands of one group. */
export function groupHelp(listing: Listing<Named>, prefix: readonly string[]): string {
  if (prefix.length === 0) return overview(listing);
  const name = `berth ${prefix.join(' ')}`;
  const rows = commandsUnder(listing, prefix).map((op): Row => [op.cli.command.slice(prefix.length).join(' '), op.title]);
  return [`Usage: ${name} <command> [options]`, '', 'Commands:', ...table(rows), '', `Run "${name} <command> --help" for a command's options and examples.`].join('\n');
}

/** `berth session exec --help`: usage, description, arguments, options with their defaults, examples. */
export function commandHelp(described: Command | AnyOperation): string {
  const command = asCommand(described);
  const { fields } = command;
  const positionals = positionalFields(command, fields);
  const flags = flagFields(fields);
  const rest = fields.find((f) => f.rest);

  const usage = [`berth ${command.cli.command.join(' ')}`];
  for (const field of positionals) usage.push(field.required ? placeholder(field) : `[${placeholder(field)}]`);
  for (const field of flags.filter((f) => f.required)) usage.push(`${field.flag} ${valueOf(field)}`);
  usage.push('[options]');
  if (rest) usage.push(rest.required ? `-- ${placeholder(rest)}` : `[-- ${placeholder(rest)}]`);

  const lines = [`Usage: ${usage.join(' ')}`, '', ...wrap(command.description, 80)];
  const argumentRows = [...positionals, ...(rest ? [rest] : [])].map((field): Row => [field.rest ? `-- ${placeholder(field)}` : placeholder(field), explain(field)]);
  if (argumentRows.length) lines.push('', 'Arguments:', ...table(argumentRows));
  const optionRows = flags.map((field): Row => [option(`${field.flag}${field.kind === 'boolean' ? '' : ` ${valueOf(field)}`}`, field.short), explain(field)]);
  lines.push('', 'Options:', ...table([...optionRows, ...GLOBAL_OPTIONS]));
  const examples = (command.cli.examples ?? []).map(splitExample).map(([line, comment]): Row => [`$ ${line}`, comment ? `# ${comment}` : '']);
  if (examples.length) lines.push('', 'Examples:', ...table(examples));
  return lines.join('\n');
}

/** Breaks a paragraph at spaces into lines of at most `width` characters (a longer word keeps its own line). */
function wrap(text: string, width: number): string[] {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(/\s+/).filter(Boolean)) {
    if (line && line.length + 1 + word.length > width) {
      lines.push(line);
      line = word;
    } else {
      line = line ? `${line} ${word}` : word;
    }
  }
  return line ? [...lines, line] : lines;
}

function valueOf(field: Field): string {
  const value = field.choices ? `<${field.choices.join('|')}>` : field.kind === 'number' ? '<n>' : '<value>';
  return field.kind === 'string[]' ? `${value}...` : value;
}

/** The field's description, then its default unless that says nothing (false, empty) or the description already gives one. */
function explain(field: Field): string {
  const parts = [field.description ?? ''];
  if (field.required && !field.positional && !field.rest) parts.push('(required)');
  const shown = defaultText(field.defaultValue);
  if (shown && !/\bdefault\b/i.test(field.description ?? '')) parts.push(`(default: ${shown})`);
  return parts.filter(Boolean).join(' ');
}

function defaultText(value: unknown): string | undefined {
  if (value === undefined || value === false || value === '') return undefined;
  if (Array.isArray(value)) return value.length ? value.join(', ') : undefined;
  return typeof value === 'object' ? JSON.stringify(value) : String(value);
}

/** `berth session exec 3f2a -- git status  # output passes through` -> command, comment. */
function splitExample(example: string): [string, string] {
  const at = example.indexOf('  # ');
  return at === -1 ? [example.trim(), ''] : [example.slice(0, at).trim(), example.slice(at + 4).trim()];
}
