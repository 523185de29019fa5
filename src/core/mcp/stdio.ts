import type { Readable, Writable } from 'node:stream';
import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';
import { McpClient, McpHub, type McpServerOptions } from './hub.js';
import { SCOPES } from './scopes.js';

/**
 * The same tools and resources over stdio, for a client that spawns Berth itself: that client owns
 * the process (and could run anything as the user already), so it gets every scope and no token.
 * Resolves when the client closes the stream (or the transport fails), after every call and
 * follow of the session has been stopped.
 */
export async function serveStdio(options: McpServerOptions, streams: { input: Readable; output: Writable } = { input: process.stdin, output: process.stdout }): Promise<void> {
  const hub = new McpHub(options);
  const mcp = hub.open(new McpClient(new Set(SCOPES)));
  const closed = new Promise<void>((resolve) => {
    const { onclose } = mcp.server;
    mcp.server.onclose = () => {
      onclose?.();
      resolve();
    };
  });
  // The SDK's stdio transport does not notice the end of its input; the client going away is that end.
  const end = () => void mcp.close().catch(() => undefined);
  streams.input.once('end', end);
  streams.input.once('close', end);
  await mcp.connect(new StdioServerTransport(streams.input, streams.output));
  try {
    await closed;
  } finally {
    streams.input.off('end', end);
    streams.input.off('close', end);
  }
}
