import type * as z from 'zod';
import type { AnyOperation } from '../core/operations.js';

export type FieldKind = 'boolean' | 'string' | 'number' | 'string[]';

/** One input field of an operation as the command line spells it. */
export interface Field {
  name: string;
  /** `--memory-mb` for memoryMb. */
  flag: string;
  kind: FieldKind;
  /** Filled from positional words (`<id>`), not from a flag. */
  positional: boolean;
  /** Filled from the words after `--`. */
  rest: boolean;
  /** A one-letter alias (`-i`). */
  short?: string;
  /** The allowed values of an enum field. */
  choices?: readonly string[];
  description?: string;
  required: boolean;
  /** The schema's `.default()`, when it has one. */
  defaultValue?: unknown;
}

export const kebab = (name: string) => name.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);

// Schemas are told apart by their definition's type, not with instanceof, so that this module needs
// only zod's types: dist/cli.js includes it (to describe a registry given to runCli) and no zod.
function unwrap(schema: z.ZodType): { inner: z.ZodType; required: boolean; defaultValue?: unknown } {
  let current = schema;
  let required = true;
  let defaultValue: unknown;
  for (;;) {
    const type = current.def.type;
    if (type === 'default') {
      required = false;
      defaultValue ??= (current as z.ZodDefault).def.defaultValue;
    } else if (type === 'optional') {
      required = false;
    } else if (type !== 'nullable') {
      return { inner: current, required, ...(defaultValue === undefined ? {} : { defaultValue }) };
    }
    current = (current as z.ZodDefault | z.ZodOptional | z.ZodNullable).unwrap() as z.ZodType;
  }
}

const KINDS: Partial<Record<z.ZodType['def']['type'], FieldKind>> = { boolean: 'boolean', number: 'number', array: 'string[]' };

/** The command-line fields of an operation, read off its input schema. */
export function schemaFields(operation: AnyOperation): Field[] {
  const shape = operation.input.shape as Record<string, z.ZodType>;
  const positional = operation.cli.positional ?? [];
  return Object.entries(shape).map(([name, schema]) => {
    const { inner, required, defaultValue } = unwrap(schema);
    const description = schema.description ?? inner.description;
    const kind = KINDS[inner.def.type] ?? 'string';
    const short = operation.cli.short?.[name];
    if (short && kind !== 'boolean') throw new Error(`${operation.name}: -${short} must stand for a boolean flag, and ${name} is not one`);
    return {
      name,
      flag: `--${kebab(name)}`,
      kind,
      positional: positional.includes(name),
      rest: operation.cli.rest === name,
      ...(short ? { short: `-${short}` } : {}),
      ...(inner.def.type === 'enum' ? { choices: (inner as z.ZodEnum).options.map(String) } : {}),
      ...(description ? { description } : {}),
      required,
      ...(defaultValue === undefined ? {} : { defaultValue }),
    };
  });
}

/** Fields given with `--flag` (not positional, not the words after `--`). */
export const flagFields = (fields: readonly Field[]) => fields.filter((field) => !field.positional && !field.rest);

/** Positional fields in the order the operation lists them. */
export function positionalFields(operation: Pick<AnyOperation, 'name' | 'cli'>, fields: readonly Field[]): Field[] {
  const names = operation.cli.positional ?? [];
  return names.map((name, i) => {
    const field = fields.find((f) => f.name === name);
    if (!field) throw new Error(`${operation.name}: positional "${name}" is not an input field`);
    if (field.kind === 'string[]' && i < names.length - 1) throw new Error(`${operation.name}: only the last positional may take several words`);
    return field;
  });
}

/** How a positional or the command after `--` is named in usage and in errors: `<id>`. */
export const argumentName = (field: Field) => `<${kebab(field.name)}>`;

/** ... and in a usage line, where one that takes several words is `<id>...`. */
export const placeholder = (field: Field) => `${argumentName(field)}${field.kind === 'string[]' ? '...' : ''}`;
