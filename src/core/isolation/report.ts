import * as z from 'zod';
import { printable } from '../text.js';
import type { IsolationReport } from './check.js';

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
