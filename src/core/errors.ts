/**
 * An error meant for a person: what happened, and what to do about it.
 * Every face prints `message` and `hint` as they are, so neither may ever hold a secret.
 */
export class BerthError extends Error {
  constructor(
    message: string,
    readonly hint?: string,
    readonly code: string = 'BERTH_ERROR',
  ) {
    super(message);
    this.name = 'BerthError';
  }
}

export function describeError(error: unknown): { message: string; hint?: string } {
  if (error instanceof BerthError) return { message: error.message, hint: error.hint };
  if (error instanceof Error) return { message: error.message };
  return { message: String(error) };
}
