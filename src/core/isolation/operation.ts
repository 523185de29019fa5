import { z } from 'zod';
import { defineOperation } from '../operations.js';
import type { SessionService } from '../sessions/service.js';
import { printable } from '../text.js';
import { checkIsolation, type IsolationReport } from './check.js';

export const isolationRowSchema = z.object({
  id: z.enum(['pid', 'uid', 'capabilities', 'rootfs', 'hostPaths', 'network', 'pidsLimit', 'memoryLimit']),
  check: z.string(),
  tried: z.string().describe('What the probe did inside the session'),
  observed: z.string().describe('What it found'),
  passed: z.boolean(),
});

export const isolationReportSchema = z.object({
  image: z.string(),
  network: z.string(),
  user: z.string().describe('uid:gid the session ran as'),
  provider: z.enum(['docker', 'process']),
  isolated: z.boolean().describe('false when no engine answered and the probes ran in a local process'),
  passed: z.boolean().describe('Every row passed'),
  rows: z.array(isolationRowSchema),
  seconds: z.number(),
});

const userInput = z
  .string()
  .trim()
  .regex(/^(root|\d+:\d+)$/, 'give root or uid:gid, such as 1000:1000')
  .transform((user) => (user === 'root' ? '0:0' : user));

/** The report as a table a person reads top to bottom: each row what was tried, what happened, and the verdict. */
export function formatIsolationReport(report: IsolationReport): string {
  const rows = [['CHECK', 'RESULT', 'TRIED', 'OBSERVED'], ...report.rows.map((row) => [row.check, row.passed ? 'passed' : 'FAILED', row.tried, row.observed].map(printable))];
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((row) => row[i]!.length)));
  const table = rows.map((row) => row.map((cell, i) => (i === row.length - 1 ? cell : cell.padEnd(widths[i]!))).join('  ')).join('\n');
  const failed = report.rows.filter((row) => !row.passed);
  const about = `Session: ${printable(report.image)}, network ${report.network}, user ${report.user}${report.isolated ? '' : ', NOT ISOLATED: a local process'} (${report.seconds.toFixed(1)} s)`;
  const verdict = failed.length ? `${failed.length} of ${report.rows.length} checks FAILED: ${failed.map((row) => row.check).join(', ')}.` : `All ${report.rows.length} checks passed.`;
  return [about, table, verdict].join('\n');
}

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
