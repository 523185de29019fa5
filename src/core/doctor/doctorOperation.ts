import * as z from 'zod';
import { defineOperation } from '../operations.js';
import { engineStatusSchema, probeEngine } from '../sessions/docker/engine.js';
import { BERTH_VERSION } from '../version.js';

export const doctorReportSchema = z.object({ berth: z.string(), node: z.string(), platform: z.string(), engine: engineStatusSchema });
export type DoctorReport = z.infer<typeof doctorReportSchema>;

export interface DoctorDependencies {
  /** An explicit engine address (the berth.docker.host setting); empty means the usual resolution. */
  dockerHost?: () => string | undefined;
}

export function createDoctorOperation(deps: DoctorDependencies = {}) {
  return defineOperation({
    name: 'doctor',
    title: 'Check the setup: versions and the Docker engine',
    description:
      'Reports the Berth and Node versions and whether a Docker engine is reachable (version, API version), and if not, what to do.',
    input: z.object({}),
    output: doctorReportSchema,
    annotations: { readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: true },
    cli: { command: ['doctor'], examples: ['berth doctor', 'DOCKER_HOST=tcp://127.0.0.1:2375 berth doctor --json'] },
    async run(_input, ctx): Promise<DoctorReport> {
      ctx.progress({ message: 'Contacting the Docker engine…' });
      const engine = await probeEngine({ explicitHost: deps.dockerHost?.() });
      return { berth: BERTH_VERSION, node: process.version, platform: `${process.platform} ${process.arch}`, engine };
    },
    format: formatDoctorReport,
    exitCode: (report) => (report.engine.reachable ? 0 : 1),
  });
}

export function formatDoctorReport(report: DoctorReport): string {
  const { engine } = report;
  if (!engine.reachable) return `${engine.error} ${engine.fix}`;
  const rows: [string, string][] = [
    ['Berth', report.berth],
    ['Node', report.node],
    ['Platform', report.platform],
    ['Docker', `Engine ${engine.version}, API ${engine.apiVersion} (${engine.os}/${engine.arch})`],
    ['Endpoint', `${engine.host} (${engine.context ? `context ${engine.context}` : engine.source})`],
  ];
  const width = Math.max(...rows.map(([k]) => k.length));
  return rows.map(([k, v]) => `${k.padEnd(width)}  ${v}`).join('\n');
}
