import * as z from 'zod';
import { defineOperation } from '../operations.js';
import type { SessionService } from '../sessions/service.js';
import { checkIsolation } from './check.js';
import { formatIsolationReport, isolationReportSchema } from './report.js';

const userInput = z
  .string()
  .trim()
  .regex(/^(root|\d+:\d+)$/, 'give root or uid:gid, such as 1000:1000')
  .transform((user) => (user === 'root' ? '0:0' : user));

export function createIsolationOperation(service: SessionService) {
  return defineOperation({
    name: 'isolation.check',
    title: 'Check session isolation',
    description:
      'Starts a hardened shell session (as session start would, with the relaxations given), runs probes inside it and removes it: ' +
      'its own PID namespace, a user other than root, no capabilities, a read-only root filesystem, no host file beyond its mount, ' +
      'no network interface but loopback, and process and memory limits in force. Each row says what was tried and what was seen; ' +
      'any failed row fails the check (exit status 1).',
    input: z.object({
      image: z.string().min(1).optional().describe('Image to probe (default: the sessions’ image, BERTH_IMAGE, else berth/agent:latest)'),
      network: z.enum(['none', 'bridge', 'host']).optional().describe('Network of the probed session (default: none, as for shells)'),
      user: userInput.optional().describe('root or uid:gid to run as instead of the sessions’ user (you, or BERTH_SESSION_USER)'),
    }),
    output: isolationReportSchema,
    annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: true, openWorldHint: true },
    cli: {
      command: ['isolation', 'check'],
      examples: [
        'berth isolation check',
        'berth isolation check --image berth/agent:latest --json',
        'berth isolation check --network host  # a relaxed session: the network row fails, exit status 1',
      ],
    },
    async run(input, ctx) {
      return checkIsolation(service, {
        origin: ctx.origin,
        signal: ctx.signal,
        progress: (message) => ctx.progress({ message }),
        ...(ctx.warn ? { warn: ctx.warn } : {}),
        ...(input.image ? { image: input.image } : {}),
        ...(input.network ? { network: input.network } : {}),
        ...(input.user ? { user: input.user } : {}),
      });
    },
    format: formatIsolationReport,
    exitCode: (report) => (report.passed ? 0 : 1),
  });
}
