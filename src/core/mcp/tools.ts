import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import type { RequestHandlerExtra } from '@modelcontextprotocol/sdk/shared/protocol.js';
import { CallToolRequestSchema, ErrorCode, McpError, type CallToolResult, type ServerNotification, type ServerRequest } from '@modelcontextprotocol/sdk/types.js';
import { BerthError } from '../errors.js';
import type { AnyOperation, OperationContext, OperationRegistry } from '../operations.js';
import { withConsent } from './consent.js';
import type { McpClient, McpHub } from './hub.js';
import { modelErrorMap } from './inputWording.js';
import { progressNotifier } from './progress.js';
import { redactor, type Redactor } from './redaction.js';
import { failure, McpRefusal, success, type Outcome } from './results.js';
import { scopeOf } from './scopes.js';

type Extra = RequestHandlerExtra<ServerRequest, ServerNotification>;

/** MCP tool names allow no dots: `vault.health` is `vault_health`. */
export const toolName = (operation: Pick<AnyOperation, 'name'>) => operation.name.replace(/\./g, '_');

/** The operations offered as tools: those whose faces include MCP, or that name no faces. */
export function mcpOperations(operations: OperationRegistry): AnyOperation[] {
  return operations.list().filter((operation) => !operation.faces || operation.faces.includes('mcp'));
}

/**
 * Every MCP-face operation as a tool of `mcp`, in one loop: a new operation is a new tool with no
 * code here. McpServer lists them from what registerTool is given; tools/call is answered here,
 * because McpServer's own answer checks the arguments first and words a bad one in its terms,
 * unredacted, before any handler sees it. Here OperationRegistry.invoke checks them (every face
 * runs an operation that way) and each problem is worded for a model.
 */
export function registerTools(mcp: McpServer, hub: McpHub, client: McpClient): void {
  const handlers = new Map<string, (args: unknown, extra: Extra) => Promise<CallToolResult>>();
  for (const operation of mcpOperations(hub.options.operations)) {
    const name = toolName(operation);
    const handler = (args: unknown, extra: Extra) => callTool(hub, client, operation, args, extra);
    mcp.registerTool(name, { title: operation.title, description: operation.description, inputSchema: operation.input, outputSchema: operation.output, annotations: operation.annotations }, handler);
    handlers.set(name, handler);
  }
  mcp.server.setRequestHandler(CallToolRequestSchema, (request, extra) => {
    const handler = handlers.get(request.params.name);
    if (!handler) throw new McpError(ErrorCode.InvalidParams, `There is no tool "${request.params.name}"; tools/list names them.`);
    return handler(request.params.arguments ?? {}, extra);
  });
}

async function callTool(hub: McpHub, client: McpClient, operation: AnyOperation, args: unknown, extra: Extra): Promise<CallToolResult> {
  const started = Date.now();
  const tool = toolName(operation);
  let redact: Redactor;
  try {
    redact = await hub.redactor();
  } catch (error) {
    // Without the secrets nothing may be shown; the engine's own, at least, are kept out of the reason.
    redact = redactor(Object.values(await hub.options.sessions.secrets().catch(() => ({}))));
    return audited(hub, client, tool, started, failure(error, operation, tool, redact, extra.signal), redact);
  }
  const slot = hub.begin(client);
  let outcome: Outcome;
  try {
    if ('busy' in slot) throw new McpRefusal('BUSY', `${tool} did not run: ${slot.busy}.`, 'Try again when a call has finished.');
    const scope = scopeOf(operation);
    if (!client.scopes.has(scope)) {
      throw new McpRefusal(
        'SCOPE_MISSING',
        `${tool} needs the "${scope}" scope, and this client's token has only ${[...client.scopes].map((s) => `"${s}"`).join(', ') || 'none'}.`,
        `Ask the person for a token with the "${scope}" scope.`,
      );
    }
    const input = await withConsent(hub, client, operation, tool, args);
    const warnings: string[] = [];
    const context: OperationContext = {
      origin: 'mcp',
      cwd: hub.options.cwd(),
      roots: hub.options.roots?.() ?? [hub.options.cwd()],
      signal: extra.signal,
      progress: progressNotifier(extra, redact),
      warn: (message) => warnings.push(message),
      owner: client.owner,
    };
    if (operation.name === 'session.start') await client.hold(hub.options.sessions);
    const output = await hub.options.operations.invoke(operation.name, input, context, { inputErrors: modelErrorMap });
    // A follow or a collection that the cancellation ended returns what it had: the call was still cancelled.
    if (extra.signal.aborted) throw new BerthError(`${tool} was cancelled by the client.`, undefined, 'CANCELLED');
    if (operation.name === 'session.start') hub.recordStart(client, (output as { id: string }).id);
    outcome = success(operation, output, warnings, redact);
  } catch (error) {
    outcome = failure(error, operation, tool, redact, extra.signal);
  } finally {
    if ('release' in slot) slot.release();
  }
  return audited(hub, client, tool, started, outcome, redact);
}

/** Every call leaves an audit line, whatever became of it; a log that cannot be written does not fail the call. */
async function audited(hub: McpHub, client: McpClient, tool: string, started: number, outcome: Outcome, redact: Redactor): Promise<CallToolResult> {
  const detail = { client: redact.text(client.name), tool, ok: outcome.ok, ...(outcome.ok ? {} : { code: outcome.code }), ms: Date.now() - started };
  await hub.options.sessions
    .audit()
    .then((log) => log.append({ origin: 'mcp', action: 'mcp-call', detail }))
    .catch(() => undefined);
  return outcome.result;
}
