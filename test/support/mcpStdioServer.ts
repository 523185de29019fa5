import { join } from 'node:path';
import { createOperationCatalog } from '../../src/core/catalog.js';
import { serveStdio } from '../../src/core/mcp/stdio.js';
import { SessionService } from '../../src/core/sessions/service.js';
import { settingsFromEnv } from '../../src/core/sessions/settings.js';

/**
 * The MCP server over stdio as a client spawns it, for the stdio test: settings and the key from
 * the environment, the working folder as the server's folder. Exits 0 once the client closes.
 */
const sessions = new SessionService({
  settings: () => settingsFromEnv(process.env),
  secrets: (): Record<string, string> => (process.env.ANTHROPIC_API_KEY ? { ANTHROPIC_API_KEY: process.env.ANTHROPIC_API_KEY } : {}),
});
serveStdio({ operations: createOperationCatalog({ sessions }), sessions, cwd: () => process.cwd(), roots: () => [process.cwd(), join(__dirname, '..', 'fixtures')] }).then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
