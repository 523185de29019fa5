import type * as z from 'zod';
import type { InputError } from '../errors.js';
import type { AnyOperation } from '../operations.js';

/**
 * zod's problems worded for a model that sent JSON arguments: each names the argument by its path
 * in the arguments object and says what it must be. Messages the schema's author wrote win, as
 * they do for every face.
 */
export const modelErrorMap: z.core.$ZodErrorMap = (issue) => {
  if (issue.input === undefined && (issue.code === 'invalid_type' || issue.code === 'invalid_value')) return 'is required';
  switch (issue.code) {
    case 'invalid_type':
      return `must be ${issue.expected === 'int' ? 'a whole number' : article(issue.expected)}, not ${kind(issue.input)}`;
    case 'too_small':
      return bound(issue.origin, 'at least', Number(issue.minimum), issue.inclusive !== false);
    case 'too_big':
      return bound(issue.origin, 'at most', Number(issue.maximum), issue.inclusive !== false);
    case 'invalid_value':
      return issue.values.length === 1 ? `must be ${literal(issue.values[0])}` : `must be one of ${issue.values.map(literal).join(', ')}`;
    case 'invalid_format':
      return issue.format === 'regex' && issue.pattern ? `must match ${issue.pattern}` : `must be a valid ${issue.format}`;
    default:
      return undefined;
  }
};

/** One sentence for an InputError: which tool, then each argument and what is wrong with it. */
export function describeInputError(error: InputError, operation: AnyOperation, tool: string): string {
  const shape = operation.input.shape as Record<string, z.ZodType | undefined>;
  const problems = error.issues.map((issue) => {
    const where = issue.path.length ? `"${pathText(issue.path)}"` : 'the arguments';
    // Where an argument is missing, its description says what to put there.
    const about = issue.input === undefined && issue.path.length === 1 ? shape[String(issue.path[0])]?.description : undefined;
    return `${where}: ${issue.message}${about ? ` (${about})` : ''}`;
  });
  return `${tool} was called with arguments its input schema does not allow: ${[...new Set(problems)].join('; ')}.`;
}

function pathText(path: readonly PropertyKey[]): string {
  return path.map((part, i) => (typeof part === 'number' ? `[${part}]` : `${i ? '.' : ''}${String(part)}`)).join('');
}

function bound(origin: string, word: string, limit: number, inclusive: boolean): string {
  if (origin === 'array' || origin === 'set') return `needs ${word} ${limit} item${limit === 1 ? '' : 's'}`;
  if (origin === 'string') return limit === 1 && word === 'at least' ? 'must not be empty' : `must be ${word} ${limit} characters long`;
  if (inclusive) return `must be ${word} ${limit}`;
  return `must be ${word === 'at least' ? 'more' : 'less'} than ${limit}`;
}

const literal = (value: unknown) => (typeof value === 'string' ? JSON.stringify(value) : String(value));

function article(type: string): string {
  return `${/^[aeiou]/.test(type) ? 'an' : 'a'} ${type}`;
}

function kind(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return article(typeof value);
}
