/**
 * Every error code an operation can end with, by what a face should make of it. A face maps a
 * kind, not a code: the CLI to its exit status, VS Code to a notification and its action, MCP to
 * a tool error.
 */
const CODES = {
  /** The request itself is wrong: fix the input and ask again (CLI exit status 2). */
  input: [
    'INPUT_INVALID',
    'ENV_INVALID',
    'LIMIT_INVALID',
    'PROMPT_MISSING',
    'PROMPT_UNUSED',
    'PROMPT_LOOKS_LIKE_OPTION',
    'NETWORK_NONE_FOR_AGENT',
    'AGENT_UNKNOWN',
    'AGENT_TEMPLATE_EMPTY',
    'COMMAND_MISSING',
    'SESSION_ID_MISSING',
    'SESSION_AMBIGUOUS',
    'WORKSPACE_MISSING',
    'VAULT_NOT_FOUND',
    'NOTE_NOT_FOUND',
    'LINK_NOT_FOUND',
    'NO_TERMINAL',
    'OUTSIDE_ROOTS',
    'NOT_A_TERMINAL',
    'TTY_UNAVAILABLE',
    'BACKUP_NOT_FOUND',
    'TARGET_NOT_EMPTY',
  ],
  /** A setting or variable is wrong: fix it where it is set. */
  setting: ['SETTING_INVALID', 'DOCKER_HOST_INVALID', 'DOCKER_CONTEXT_UNREADABLE', 'DOCKER_CONTEXT_INVALID'],
  /** The Docker engine is missing or refuses this user: doctor explains. */
  engine: ['ENGINE_DOWN', 'ENGINE_REFUSED'],
  /** Something the person must provide first (a key, an image). */
  missing: ['API_KEY_MISSING', 'IMAGE_MISSING', 'IMAGE_CONTEXT_MISSING', 'CLAUDE_BINARY_MISSING', 'CLI_BUNDLE_MISSING'],
  /** A destructive step that needs the person's yes, which nobody could give. */
  consent: ['CONSENT_REQUIRED'],
  /** The operation was stopped by its caller. */
  cancelled: ['CANCELLED'],
  /** The work was tried and did not succeed. */
  failure: [
    'SESSION_NOT_FOUND',
    'SESSION_NOT_RUNNING',
    'SESSION_NOT_INTERACTIVE',
    'SESSION_CLAIMED_TWICE',
    'PROCESS_NOT_INTERACTIVE',
    'START_TIMEOUT',
    'START_FAILED',
    'START_REFUSED',
    'SESSION_CAP_REACHED',
    'EGRESS_UNSUPPORTED',
    'LEASE_MISSING',
    'COMMAND_NOT_FOUND',
    'SECRETS_HANDOFF_FAILED',
    'NETWORK_MISSING',
    'WORKSPACE_MOUNT_FAILED',
    'WAIT_TIMEOUT',
    'EXEC_TIMEOUT',
    'EXEC_NO_EXIT_CODE',
    'AUDIT_FAILED',
    'IMAGE_BUILD_FAILED',
    'VAULT_UNREADABLE',
    'EDIT_CONFLICT',
    'NO_FIX',
    'VAULT_CHANGED',
    'BACKUP_DAMAGED',
    'RESTORE_REFUSED',
    'RESTORE_FAILED',
    'REPAIR_FAILED',
    'REPAIR_NOT_FOUND',
    'CONTAINER_RUN_FAILED',
    'INTERNAL',
  ],
} as const;

export type ErrorKind = keyof typeof CODES;
export type ErrorCode = (typeof CODES)[ErrorKind][number];

const KIND_OF = new Map<string, ErrorKind>(Object.entries(CODES).flatMap(([kind, codes]) => codes.map((code) => [code, kind as ErrorKind])));

export function errorKind(code: ErrorCode): ErrorKind {
  return KIND_OF.get(code)!;
}

/**
 * An error meant for a person: what happened, and what to do about it.
 * Every face prints `message` and `hint` as they are, so neither may ever hold a secret.
 */
export class BerthError extends Error {
  constructor(
    message: string,
    readonly hint: string | undefined,
    readonly code: ErrorCode,
  ) {
    super(message);
    this.name = 'BerthError';
  }

  get kind(): ErrorKind {
    return errorKind(this.code);
  }
}

/** Input that does not fit an operation's schema, with the schema's own account of each problem. */
export class InputError extends BerthError {
  constructor(
    message: string,
    /** zod's issues, each with its path and the input it was about, for a face to put in its own words. */
    readonly issues: readonly { code?: string; path: readonly PropertyKey[]; message: string; input?: unknown; [key: string]: unknown }[],
  ) {
    super(message, undefined, 'INPUT_INVALID');
    this.name = 'InputError';
  }
}

/** Any thrown value as a BerthError: what a face shows; an unexpected error keeps its message under INTERNAL. */
export function asBerthError(error: unknown): BerthError {
  if (error instanceof BerthError) return error;
  return new BerthError(error instanceof Error ? error.message : String(error), undefined, 'INTERNAL');
}

export function describeError(error: unknown): { message: string; hint?: string } {
  if (error instanceof BerthError) return { message: error.message, ...(error.hint ? { hint: error.hint } : {}) };
  if (error instanceof Error) return { message: error.message };
  return { message: String(error) };
}
