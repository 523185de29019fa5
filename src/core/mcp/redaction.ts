import { redact } from '../sessions/secrets.js';

/** Removes secret values from texts and from every string (keys too) of a JSON value. */
export interface Redactor {
  text(text: string): string;
  value<T>(value: T): T;
}

export function redactor(secrets: readonly string[]): Redactor {
  const text = (value: string) => redact(value, secrets);
  // Walked rather than stringified and replaced: a secret holding a quote or a backslash is
  // escaped inside JSON text, where a plain replace would miss it.
  const walk = (value: unknown): unknown => {
    if (typeof value === 'string') return text(value);
    if (Array.isArray(value)) return value.map(walk);
    if (typeof value === 'object' && value !== null) return Object.fromEntries(Object.entries(value).map(([key, inner]) => [text(key), walk(inner)]));
    return value;
  };
  return { text, value: <T>(value: T) => walk(value) as T };
}
