import * as z from 'zod';
import { BerthError } from '../errors.js';
import { defineOperation, type OperationRegistry } from '../operations.js';
import { SessionKeeper } from '../sessions/keeper.js';
import type { SessionService } from '../sessions/service.js';
import { printable } from '../text.js';
import { startHttpServer } from './http.js';
import { SCOPES } from './scopes.js';
import { serveStdio } from './stdio.js';
import { createToken, DEFAULT_TOKEN_NAME, revokeToken, rotateToken, type TokenStore } from './tokens.js';

export interface McpOperationDependencies {
  /** The whole table, which the server serves (built when the server starts). */
  operations(): OperationRegistry;
  sessions: SessionService;
  tokens: TokenStore;
}

const tokenOutput = z.object({
  name: z.string(),
  token: z.string().describe('The secret a client sends as Authorization: Bearer …'),
  scopes: z.array(z.enum(SCOPES)),
});

/**
 * The MCP server as operations, so the CLI and the palette reach it like everything else. They
 * are no MCP tools themselves: a client neither starts another server nor reads tokens.
 */
export function createMcpOperations(deps: McpOperationDependencies) {
  const serve = defineOperation({
    name: 'mcp.serve',
    title: 'Serve Berth to other agents over MCP',
    description:
      'Serves every Berth operation as an MCP tool: Streamable HTTP on 127.0.0.1 with a bearer token (berth mcp token), or over stdio for a client that starts Berth itself. Runs until interrupted (Ctrl-C) or, over stdio, until the client closes.',
    input: z.object({
      port: z.number().int().min(0).max(65535).default(0).describe('The port on 127.0.0.1; 0 picks a free one'),
      stdio: z.boolean().default(false).describe('Serve one client over standard input and output instead, with no token'),
    }),
    output: z.object({ url: z.string().nullable().describe('null over stdio') }),
    annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: false, openWorldHint: true },
    faces: ['cli'],
    cli: {
      command: ['mcp', 'serve'],
      examples: [
        'berth mcp serve --port 7319  # then: claude mcp add --transport http berth http://127.0.0.1:7319/mcp --header "Authorization: Bearer $(berth mcp token)"',
        'claude mcp add berth -- berth mcp serve --stdio  # the client starts Berth itself; no token',
      ],
    },
    async run(input, ctx) {
      const options = { operations: deps.operations(), sessions: deps.sessions, cwd: () => ctx.cwd };
      // While it serves, the policies of its clients' sessions are applied from here too.
      const keeper = new SessionKeeper(deps.sessions, 'mcp');
      void keeper.start().catch(() => undefined);
      try {
        if (input.stdio) {
          await serveStdio(options);
          return { url: null };
        }
        const server = await startHttpServer({ ...options, tokens: deps.tokens, port: input.port });
        ctx.warn?.(`Serving MCP at ${server.url}; clients send "Authorization: Bearer <token>" (berth mcp token prints it). Ctrl-C stops.`);
        await new Promise<void>((resolve) => (ctx.signal.aborted ? resolve() : ctx.signal.addEventListener('abort', () => resolve(), { once: true })));
        await server.close();
        return { url: server.url };
      } finally {
        keeper.dispose();
      }
    },
    // Over stdio the protocol owns standard output: nothing of Berth's may follow it there.
    format: () => '',
  });

  const token = defineOperation({
    name: 'mcp.token',
    title: 'Show, rotate or make an MCP client token',
    description:
      'Prints an MCP token (the default one, made on first use, with the read and sessions scopes). --rotate replaces its secret, so that clients holding the old one are refused; --scopes makes a new token for one client (read, sessions, exec); --revoke removes one.',
    input: z.object({
      name: z.string().default(DEFAULT_TOKEN_NAME).describe('Which token (default: the default token)'),
      rotate: z.boolean().default(false).describe('Give the token a new secret; the old one stops working at once'),
      scopes: z.array(z.enum(SCOPES)).optional().describe('Make a new token with these scopes (repeatable): read, sessions, exec'),
      revoke: z.boolean().default(false).describe('Remove the token; clients holding it are refused'),
    }),
    output: tokenOutput.nullable().describe('null after --revoke'),
    annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: false, openWorldHint: false },
    faces: ['cli', 'command'],
    cli: {
      command: ['mcp', 'token'],
      examples: ['berth mcp token', 'berth mcp token --name cursor --scopes read --scopes sessions', 'berth mcp token --rotate'],
    },
    async run(input) {
      if ([input.rotate, input.scopes !== undefined, input.revoke].filter(Boolean).length > 1) {
        throw new BerthError('--rotate, --scopes and --revoke each do something else; give one of them.', 'Run them one after another.', 'INPUT_INVALID');
      }
      if (input.revoke) {
        await revokeToken(deps.tokens, input.name);
        return null;
      }
      const made = input.scopes
        ? await createToken(deps.tokens, input.name, input.scopes)
        : input.rotate
          ? await rotateToken(deps.tokens, input.name)
          : (await deps.tokens.list()).find((candidate) => candidate.name === input.name);
      if (!made) throw new BerthError(`There is no MCP token named "${printable(input.name)}".`, 'Make one with --scopes, or run berth mcp token for the default one.', 'INPUT_INVALID');
      return { name: made.name, token: made.secret, scopes: made.scopes };
    },
    // The secret alone, so that "$(berth mcp token)" is the header's value; --json has the scopes.
    format: (output) => (output ? output.token : 'Revoked.'),
  });

  return [serve, token];
}
