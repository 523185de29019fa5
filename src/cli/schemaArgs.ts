import { parseArgs, type ParseArgsConfig } from 'node:util';
import { z } from 'zod';
import type { AnyOperation } from '../core/operations.js';

export class UsageError extends Error {}

type FieldKind = 'boolean' | 'string' | 'number' | 'string[]';

interface Field {
  name: string;
  flag: string;
  kind: FieldKind;
  description?: string;
  required: boolean;
}

const kebab = (name: string) => name.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);

function unwrap(schema: z.ZodType): { inner: z.ZodType; required: boolean } {
  let current = schema;
  let required = true;
  for (;;) {
    if (current instanceof z.ZodOptional || current instanceof z.ZodDefault) {
      required = false;
      current = current.unwrap() as z.ZodType;
    } else if (current instanceof z.ZodNullable) {
      current = current.unwrap() as z.ZodType;
    } else {
      return { inner: current, required };
    }
  }
}

function kindOf(schema: z.ZodType): FieldKind {
  if (schema instanceof z.ZodBoolean) return 'boolean';
  if (schema instanceof z.ZodNumber) return 'number';
  if (schema instanceof z.ZodArray) return 'string[]';
  return 'string';
}

export function fieldsOf(operation: AnyOperation): Field[] {
  const shape = operation.input.shape as Record<string, z.ZodType>;
  return Object.entries(shape).map(([name, schema]) => {
    const { inner, required } = unwrap(schema);
    return { name, flag: kebab(name), kind: kindOf(inner), description: schema.description ?? inner.description, required };
  });
}

/**
 * Turns argv words into the operation's raw input. Flags are derived from the input schema,
 * so a new operation gets its CLI for free; the schema then validates the values.
 */
export function argsToInput(operation: AnyOperation, words: string[]): Record<string, unknown> {
  const dashDash = words.indexOf('--');
  const head = dashDash === -1 ? words : words.slice(0, dashDash);
  const tail = dashDash === -1 ? undefined : words.slice(dashDash + 1);
  const fields = fieldsOf(operation);
  const options: NonNullable<ParseArgsConfig['options']> = {};
  for (const field of fields) {
    options[field.flag] = { type: field.kind === 'boolean' ? 'boolean' : 'string', multiple: field.kind === 'string[]' };
  }
  let parsed: ReturnType<typeof parseArgs>;
  try {
    parsed = parseArgs({ args: head, options, allowPositionals: true, strict: true });
  } catch (error) {
    throw new UsageError((error as Error).message.split('. ')[0]!);
  }
  const input: Record<string, unknown> = {};
  for (const field of fields) {
    const value = parsed.values[field.flag];
    if (value === undefined) continue;
    if (field.kind === 'number') {
      const number = Number(value);
      if (!Number.isFinite(number)) throw new UsageError(`--${field.flag} takes a number, not "${String(value)}"`);
      input[field.name] = number;
    } else {
      input[field.name] = value;
    }
  }
  const positional = operation.cli.positional ?? [];
  if (parsed.positionals.length > positional.length) {
    throw new UsageError(`unexpected argument "${parsed.positionals[positional.length]}"`);
  }
  parsed.positionals.forEach((word, i) => {
    input[positional[i]!] = word;
  });
  if (tail !== undefined) {
    if (!operation.cli.rest) throw new UsageError(`"berth ${operation.cli.command.join(' ')}" takes no command after --`);
    input[operation.cli.rest] = tail;
  }
  return input;
}

export function usageOf(operation: AnyOperation): string {
  const fields = fieldsOf(operation);
  const positional = operation.cli.positional ?? [];
  const words = [`berth ${operation.cli.command.join(' ')}`];
  for (const name of positional) {
    const field = fields.find((f) => f.name === name);
    words.push(field?.required ? `<${kebab(name)}>` : `[${kebab(name)}]`);
  }
  const flags = fields.filter((f) => !positional.includes(f.name) && f.name !== operation.cli.rest);
  for (const field of flags) {
    const value = field.kind === 'boolean' ? '' : ` <${field.kind === 'number' ? 'n' : 'value'}>`;
    words.push(`[--${field.flag}${value}]${field.kind === 'string[]' ? '...' : ''}`);
  }
  words.push('[--json]');
  if (operation.cli.rest) words.push('[-- CMD...]');
  const lines = [words.join(' '), '', operation.description];
  const described = fields.filter((f) => f.description);
  if (described.length) {
    lines.push('');
    for (const field of described) lines.push(`  --${field.flag.padEnd(14)} ${field.description}`);
  }
  return lines.join('\n');
}
