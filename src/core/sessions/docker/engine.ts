import type Docker from 'dockerode';
import * as z from 'zod';
import { describeError } from '../../errors.js';
import { resolveDockerEndpoint, type DockerEndpoint, type EndpointInputs } from './endpoint.js';

export const engineStatusSchema = z.discriminatedUnion('reachable', [
  z.object({
    reachable: z.literal(true),
    host: z.string(),
    source: z.enum(['setting', 'DOCKER_HOST', 'context', 'default']).describe('Where the address came from'),
    context: z.string().optional(),
    version: z.string(),
    apiVersion: z.string(),
    os: z.string(),
    arch: z.string(),
  }),
  z.object({
    reachable: z.literal(false),
    host: z.string().optional(),
    source: z.enum(['setting', 'DOCKER_HOST', 'context', 'default']).optional(),
    refused: z.boolean().describe('An engine is there but refuses this user (the socket’s permissions): not a missing engine'),
    error: z.string(),
    fix: z.string(),
  }),
]);
export type EngineStatus = z.infer<typeof engineStatusSchema>;

export function connectDocker(inputs: EndpointInputs = {}): { docker: Docker; endpoint: DockerEndpoint } {
  const endpoint = resolveDockerEndpoint(inputs);
  // Required by the first connection, not with this module: dockerode is the heaviest part of the sessions code, and nothing before a connection needs it.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const Dockerode = require('dockerode') as typeof Docker;
  return { docker: new Dockerode(endpoint.options), endpoint };
}

/** Asks the engine for its version, bounded in time so a dead TCP endpoint cannot hang a caller. */
export async function probeEngine(inputs: EndpointInputs = {}, timeoutMs = 3000): Promise<EngineStatus> {
  let endpoint: DockerEndpoint;
  let docker: Docker;
  try {
    ({ docker, endpoint } = connectDocker(inputs));
  } catch (error) {
    const { message, hint } = describeError(error);
    return { reachable: false, refused: false, error: message, fix: hint ?? 'Check DOCKER_HOST and your Docker context.' };
  }
  try {
    const version = await withTimeout(docker.version(), timeoutMs);
    return {
      reachable: true,
      host: endpoint.host,
      source: endpoint.source,
      ...(endpoint.context ? { context: endpoint.context } : {}),
      version: version.Version,
      apiVersion: version.ApiVersion,
      os: version.Os,
      arch: version.Arch,
    };
  } catch (error) {
    return {
      reachable: false,
      host: endpoint.host,
      source: endpoint.source,
      refused: errorCode(error) === 'EACCES' || errorCode(error) === 'EPERM',
      error: explainConnectionError(error, endpoint, timeoutMs),
      fix: fixFor(error, endpoint),
    };
  }
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(Object.assign(new Error('timeout'), { code: 'ETIMEDOUT' })), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

function errorCode(error: unknown): string | undefined {
  return typeof error === 'object' && error !== null && 'code' in error ? String((error as { code: unknown }).code) : undefined;
}

function explainConnectionError(error: unknown, endpoint: DockerEndpoint, timeoutMs: number): string {
  switch (errorCode(error)) {
    case 'ENOENT':
      return `No Docker engine at ${endpoint.host}: the socket does not exist.`;
    case 'ECONNREFUSED':
      return `No Docker engine at ${endpoint.host}: the connection was refused.`;
    case 'EACCES':
      return `Permission denied on ${endpoint.host}.`;
    case 'ETIMEDOUT':
      return `The Docker engine at ${endpoint.host} did not answer within ${timeoutMs / 1000} s.`;
    default:
      return `The Docker engine at ${endpoint.host} could not be reached: ${describeError(error).message}`;
  }
}

function fixFor(error: unknown, endpoint: DockerEndpoint): string {
  if (errorCode(error) === 'EACCES') {
    return 'Add your user to the "docker" group (sudo usermod -aG docker $USER, then log in again), or point DOCKER_HOST at an engine you may use.';
  }
  if (endpoint.source === 'default') {
    return 'Start Docker (Docker Desktop, or `sudo systemctl start docker`), or set DOCKER_HOST to a running engine.';
  }
  const knob = endpoint.source === 'setting' ? 'the berth.docker.host setting' : endpoint.source === 'DOCKER_HOST' ? 'DOCKER_HOST' : 'your Docker context';
  return `Start the engine at ${endpoint.host}, or change ${knob} to one that is running.`;
}
