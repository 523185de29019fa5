import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One scripted answer: plain text, or a tool call the agent will really execute. */
export type ScriptedTurn = { text: string } | { tool: string; input: Record<string, unknown> };

export interface RecordedRequest {
  path: string;
  apiKey?: string;
  body: { stream?: boolean; tools?: unknown[]; messages?: { role: string; content: unknown }[] };
}

export interface MessagesApiStandIn {
  url: string;
  requests: RecordedRequest[];
  close(): Promise<void>;
}

type Block = { type: 'text'; text: string } | { type: 'tool_use'; id: string; name: string; input: Record<string, unknown> };

function sse(event: string, data: unknown): string {
  return `event: ${event}\ndata: ${JSON.stringify(data)}\n\n`;
}

function streamed(id: string, model: string, block: Block): string {
  const stopReason = block.type === 'tool_use' ? 'tool_use' : 'end_turn';
  const start = block.type === 'tool_use' ? { ...block, input: {} } : { type: 'text', text: '' };
  const delta = block.type === 'tool_use' ? { type: 'input_json_delta', partial_json: JSON.stringify(block.input) } : { type: 'text_delta', text: block.text };
  return [
    sse('message_start', {
      type: 'message_start',
      message: { id, type: 'message', role: 'assistant', model, content: [], stop_reason: null, stop_sequence: null, usage: { input_tokens: 12, output_tokens: 1 } },
    }),
    sse('content_block_start', { type: 'content_block_start', index: 0, content_block: start }),
    sse('content_block_delta', { type: 'content_block_delta', index: 0, delta }),
    sse('content_block_stop', { type: 'content_block_stop', index: 0 }),
    sse('message_delta', { type: 'message_delta', delta: { stop_reason: stopReason, stop_sequence: null }, usage: { output_tokens: 24 } }),
    sse('message_stop', { type: 'message_stop' }),
  ].join('');
}

async function readBody(request: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

const hasToolResult = (body: RecordedRequest['body']) =>
  JSON.stringify(body.messages?.at(-1)?.content ?? '').includes('"tool_result"');

/**
 * A stand-in for the Anthropic Messages API on 127.0.0.1, scripted: a request that offers tools
 * and carries no tool result yet gets the next scripted turn; one answering a tool call gets the
 * turn after it; side requests without tools (titles, quota checks) get a short text. Claude
 * Code then runs its real agent loop, tools included, against it.
 */
export async function startMessagesApi(script: ScriptedTurn[]): Promise<MessagesApiStandIn> {
  const requests: RecordedRequest[] = [];
  let turn = 0;
  let counter = 0;
  const server: Server = createServer(async (request, response) => {
    const raw = await readBody(request);
    const path = request.url ?? '';
    if (request.method !== 'POST' || !path.startsWith('/v1/messages')) {
      response.writeHead(404, { 'content-type': 'application/json' }).end(JSON.stringify({ type: 'error', error: { type: 'not_found_error', message: 'not here' } }));
      return;
    }
    let body: RecordedRequest['body'] = {};
    try {
      body = JSON.parse(raw) as RecordedRequest['body'];
    } catch {
      // recorded as empty
    }
    const apiKey = request.headers['x-api-key'];
    requests.push({ path, body, ...(typeof apiKey === 'string' ? { apiKey } : {}) });
    if (path.startsWith('/v1/messages/count_tokens')) {
      response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ input_tokens: 12 }));
      return;
    }
    const main = Array.isArray(body.tools) && body.tools.length > 0;
    let scripted: ScriptedTurn = { text: 'ok' };
    if (main) {
      if (hasToolResult(body) || turn === 0) scripted = script[Math.min(turn++, script.length - 1)] ?? { text: 'done' };
      else scripted = script[Math.min(turn - 1, script.length - 1)] ?? { text: 'done' };
    }
    const id = `msg_${++counter}`;
    const block: Block = 'tool' in scripted ? { type: 'tool_use', id: `toolu_${counter}`, name: scripted.tool, input: scripted.input } : { type: 'text', text: scripted.text };
    const model = 'claude-sonnet-4-5';
    if (body.stream) {
      response.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
      response.end(streamed(id, model, block));
    } else {
      response.writeHead(200, { 'content-type': 'application/json' });
      response.end(
        JSON.stringify({
          id,
          type: 'message',
          role: 'assistant',
          model,
          content: [block],
          stop_reason: block.type === 'tool_use' ? 'tool_use' : 'end_turn',
          stop_sequence: null,
          usage: { input_tokens: 12, output_tokens: 24 },
        }),
      );
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
