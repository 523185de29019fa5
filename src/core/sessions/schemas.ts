import * as z from 'zod';
import { sessionPolicySchema } from './owner.js';

/**
 * What the session operations return, as schemas: the table's promise to every face (MCP's
 * output schema, the CLI's --json). The types are read off them so the two cannot drift.
 */

export const sessionStateSchema = z.enum(['starting', 'running', 'exited', 'dead', 'paused', 'unknown']);

export const sessionSchema = z.object({
  id: z.string().describe('12 hex digits; commands take any unique prefix'),
  name: z.string().describe('The container name (berth-<id>), or "pid N" for a process session'),
  provider: z.enum(['docker', 'process']),
  isolated: z.boolean().describe('False for a local process session: the agent runs with the user’s own rights'),
  workspace: z.string().describe('The host folder mounted at /workspace'),
  agent: z.string(),
  image: z.string().nullable(),
  created: z.string().describe('ISO 8601'),
  state: sessionStateSchema,
  status: z.string().describe('The engine’s own words, such as "Up 5 minutes"'),
  exitCode: z.number().nullable(),
  oomKilled: z.boolean().nullable(),
  interactive: z.boolean().describe('A terminal to attach to rather than a transcript to read'),
  mount: z.enum(['rw', 'ro']).nullable(),
  network: z.string().nullable(),
  user: z.string().nullable().describe('uid:gid the session runs as'),
  version: z.string().nullable().describe('The Berth version that started it'),
  maxAgeSeconds: z.number().nullable(),
  owner: z.string().nullable().describe('Who started it: window-…, mcp-… or cli-…'),
  policy: sessionPolicySchema.nullable().describe('owner: stops when its owner has been gone for the grace period; completion: runs to its end; detached: outlives its owner. All are bounded by the maximum age'),
  stopsAt: z.string().nullable().describe('ISO 8601: when a session whose owner is gone will be stopped; null while the owner lives or for other policies'),
  egress: z
    .object({
      allow: z.array(z.string()).describe('The hosts its door lets through'),
      door: z.enum(['up', 'down']).nullable().describe('down: the session has no egress at all (degraded) until the door is restarted; null once it ended'),
      refused: z.array(z.object({ host: z.string(), port: z.number(), count: z.number() })).describe('Requests the door refused'),
    })
    .nullable()
    .describe('For network egress sessions: their one way out'),
});

export const sessionHealthSchema = z.object({
  id: z.string(),
  healthy: z.boolean(),
  state: sessionStateSchema,
  detail: z.string(),
});

export const sessionStatsSchema = z.object({
  id: z.string(),
  cpuPercent: z.number().nullable(),
  memoryBytes: z.number().nullable(),
  memoryLimitBytes: z.number().nullable(),
  pids: z.number().nullable(),
});
