import type * as z from 'zod';
import type { InputError } from '../core/errors.js';
import type { Command } from './command.js';
import { argumentName, type Field } from './fields.js';

type Issue = z.core.$ZodRawIssue;

/**
 * The CLI's words for what is wrong with an input, for `OperationRegistry.invoke`: each problem
 * names the flag or positional as the person typed it. A message the schema's author wrote
 * (`{ error: '...' }`) is kept and prefixed with the field; zod's own wording never reaches the person.
 */
export function inputErrors({ fields }: Command): { errorMap: z.core.$ZodErrorMap; describe(error: InputError, raw: Record<string, unknown>): string } {
  const fieldAt = (path: readonly PropertyKey[] | undefined) => fields.find((f) => f.name === path?.[0]);
  const ours = new Set<string>();
  return {
    errorMap: (issue) => {
      const sentence = describeIssue(issue, fieldAt(issue.path));
      ours.add(sentence);
      return sentence;
    },
    describe(error, raw) {
      const lines = error.issues.map((issue) => {
        if (ours.has(issue.message)) return issue.message;
        const field = fieldAt(issue.path);
        if (!field) return issue.message;
        return `${isMissing(issue.code, raw[field.name]) ? `missing ${subject(field)}` : subject(field)}: ${issue.message}`;
      });
      return [...new Set(lines)].join('; ');
    },
  };
}

/** How the person wrote (or should have written) the field: `<id>`, `--memory-mb`, `<command>` for the words after `--`. */
function subject(field: Field): string {
  return field.rest || field.positional ? argumentName(field) : field.flag;
}

/** Nothing given: no value, or no word at all for a list that needs some. */
function isMissing(code: string | undefined, value: unknown): boolean {
  return value === undefined || (code === 'too_small' && Array.isArray(value) && value.length === 0);
}

const lowerFirst = (text: string) => text.charAt(0).toLowerCase() + text.slice(1);

function describeIssue(issue: Issue, field: Field | undefined): string {
  if (!field) return 'invalid input';
  const who = subject(field);
  if (isMissing(issue.code, issue.input)) return `missing ${who}${field.description ? `: ${lowerFirst(field.description)}` : ''}`;
  switch (issue.code) {
    case 'invalid_type':
      if (issue.expected === 'int') return `${who} must be a whole number`;
      return `${who} must be a ${issue.expected}`;
    case 'too_small':
      return `${who} ${tooSmall(issue.origin, Number(issue.minimum), issue.inclusive !== false)}`;
    case 'too_big':
      return `${who} ${tooBig(issue.origin, Number(issue.maximum), issue.inclusive !== false)}`;
    case 'invalid_value': {
      const values = issue.values.map(String);
      const given = `not "${String(issue.input)}"`;
      return values.length === 1 ? `${who} must be "${values[0]}", ${given}` : `${who} must be one of ${values.join(', ')}, ${given}`;
    }
    case 'invalid_format':
      return issue.format === 'regex' && issue.pattern ? `${who} must match ${issue.pattern}` : `${who} must be a valid ${issue.format}`;
    default:
      return `${who} is not valid`;
  }
}

function tooSmall(origin: string, minimum: number, inclusive: boolean): string {
  if (origin === 'string') return minimum <= 1 ? 'must not be empty' : `must be at least ${minimum} characters`;
  if (origin === 'array' || origin === 'set') return `needs at least ${minimum} values`;
  if (minimum === 0) return inclusive ? 'must not be negative' : 'must be positive';
  return inclusive ? `must be at least ${minimum}` : `must be more than ${minimum}`;
}

function tooBig(origin: string, maximum: number, inclusive: boolean): string {
  if (origin === 'string') return `must be at most ${maximum} characters`;
  if (origin === 'array' || origin === 'set') return `takes at most ${maximum} values`;
  return inclusive ? `must be at most ${maximum}` : `must be less than ${maximum}`;
}
