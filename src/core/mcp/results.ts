import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { asBerthError, InputError } from '../errors.js';
import type { AnyOperation } from '../operations.js';
import { describeInputError } from './inputWording.js';
import type { Redactor } from './redaction.js';

/**
 * A call the MCP face turns away before the operation runs: a scope the token lacks, a person
 * who said no, a limit reached. Its codes are this face's own; the operation never sees them.
 */
export class McpRefusal extends Error {
  constructor(
    readonly code: 'SCOPE_MISSING' | 'DENIED' | 'BUSY',
    message: string,
    readonly hint: string,
  ) {
    super(message);
    this.name = 'McpRefusal';
  }
}

/** What a call ended with, for the result and the audit line. */
export type Outcome = { ok: true; result: CallToolResult } | { ok: false; code: string; result: CallToolResult };

export function success(operation: AnyOperation, output: unknown, warnings: readonly string[], redact: Redactor): Outcome {
  const safe = redact.value(output);
  const rendered = redact.text(operation.format(safe));
  const text = [rendered || JSON.stringify(safe), ...warnings.map((warning) => `Warning: ${redact.text(warning)}`)].join('\n');
  const structured = typeof safe === 'object' && safe !== null && !Array.isArray(safe) ? { structuredContent: safe as Record<string, unknown> } : {};
  return { ok: true, result: { content: [{ type: 'text', text }], ...structured } };
}

/** One line, `CODE: message hint`, that a model can act on; an input problem names each argument. */
export function failure(error: unknown, operation: AnyOperation, tool: string, redact: Redactor, signal: AbortSignal): Outcome {
  const { code, message, hint } = describe(error, operation, tool, signal);
  const text = redact.text(`${code}: ${message}${hint ? ` ${hint}` : ''}`.replace(/\s*\n\s*/g, ' '));
  return { ok: false, code, result: { content: [{ type: 'text', text }], isError: true } };
}

function describe(error: unknown, operation: AnyOperation, tool: string, signal: AbortSignal): { code: string; message: string; hint?: string } {
  if (error instanceof McpRefusal) return { code: error.code, message: error.message, hint: error.hint };
  if (error instanceof InputError) return { code: error.code, message: describeInputError(error, operation, tool), hint: 'Call it again with the arguments its inputSchema describes.' };
  // An operation stopped by the client's cancellation may end with any error; what happened is the cancellation.
  if (signal.aborted) return { code: 'CANCELLED', message: `${tool} was cancelled by the client.` };
  const berth = asBerthError(error);
  return { code: berth.code, message: berth.message, ...(berth.hint ? { hint: berth.hint } : {}) };
}
