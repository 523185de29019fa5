import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import type { DockerOptions } from 'dockerode';
import { BerthError } from '../../errors.js';

export const DEFAULT_SOCKET = '/var/run/docker.sock';

/** Where the engine address came from, so doctor can tell the user which knob to turn. */
export type EndpointSource = 'setting' | 'DOCKER_HOST' | 'context' | 'default';

export interface DockerEndpoint {
  /** The address as a URL-ish string, e.g. unix:///var/run/docker.sock or tcp://127.0.0.1:2375. */
  host: string;
  source: EndpointSource;
  /** The Docker context name when source is 'context'. */
  context?: string;
  options: DockerOptions;
}

export interface EndpointInputs {
  /** An explicit address from a setting or flag; wins over everything else. */
  explicitHost?: string;
  env?: NodeJS.ProcessEnv;
  /** Folder holding config.json and contexts/ (defaults to $DOCKER_CONFIG or ~/.docker). */
  dockerConfigDir?: string;
}

/**
 * Resolves the engine address the way the docker CLI does: DOCKER_HOST, then DOCKER_CONTEXT,
 * then the config's currentContext, then the local socket. A setting overrides all of them.
 */
export function resolveDockerEndpoint(inputs: EndpointInputs = {}): DockerEndpoint {
  const env = inputs.env ?? process.env;
  if (inputs.explicitHost?.trim()) return fromHost(inputs.explicitHost.trim(), 'setting', env);
  if (env.DOCKER_HOST?.trim()) return fromHost(env.DOCKER_HOST.trim(), 'DOCKER_HOST', env);

  const configDir = inputs.dockerConfigDir ?? env.DOCKER_CONFIG ?? join(homedir(), '.docker');
  const contextName = env.DOCKER_CONTEXT?.trim() || readCurrentContext(configDir);
  if (contextName && contextName !== 'default') {
    const host = readContextHost(configDir, contextName);
    return { ...fromHost(host, 'context', env), context: contextName };
  }
  return fromHost(`unix://${DEFAULT_SOCKET}`, 'default', env);
}

function readCurrentContext(configDir: string): string | undefined {
  try {
    const config = JSON.parse(readFileSync(join(configDir, 'config.json'), 'utf8')) as { currentContext?: unknown };
    return typeof config.currentContext === 'string' ? config.currentContext : undefined;
  } catch {
    return undefined;
  }
}

function readContextHost(configDir: string, name: string): string {
  const digest = createHash('sha256').update(name).digest('hex');
  const metaPath = join(configDir, 'contexts', 'meta', digest, 'meta.json');
  let meta: { Endpoints?: { docker?: { Host?: unknown } } };
  try {
    meta = JSON.parse(readFileSync(metaPath, 'utf8'));
  } catch {
    throw new BerthError(
      `Docker context "${name}" is selected but its description could not be read.`,
      'Run `docker context ls` to see the contexts, then `docker context use default` or set DOCKER_HOST.',
      'DOCKER_CONTEXT_UNREADABLE',
    );
  }
  const host = meta.Endpoints?.docker?.Host;
  if (typeof host !== 'string' || !host) {
    throw new BerthError(
      `Docker context "${name}" has no Docker endpoint.`,
      'Run `docker context inspect` to check it, or select another with `docker context use`.',
      'DOCKER_CONTEXT_INVALID',
    );
  }
  return host;
}

function fromHost(host: string, source: EndpointSource, env: NodeJS.ProcessEnv): DockerEndpoint {
  if (host.startsWith('unix://')) {
    return { host, source, options: { socketPath: host.slice('unix://'.length) } };
  }
  if (host.startsWith('/')) return { host: `unix://${host}`, source, options: { socketPath: host } };
  if (host.startsWith('npipe://')) return { host, source, options: { socketPath: host.slice('npipe:'.length) } };

  let url: URL;
  try {
    url = new URL(host);
  } catch {
    throw invalidHost(host, source);
  }
  const tls = Boolean(env.DOCKER_TLS_VERIFY) || url.protocol === 'https:';
  switch (url.protocol) {
    case 'tcp:':
    case 'http:':
    case 'https:': {
      const options: DockerOptions = {
        host: url.hostname,
        port: url.port || (tls ? 2376 : 2375),
        protocol: tls ? 'https' : 'http',
      };
      if (tls && env.DOCKER_CERT_PATH) {
        const certs = env.DOCKER_CERT_PATH;
        options.ca = readFileSync(join(certs, 'ca.pem'));
        options.cert = readFileSync(join(certs, 'cert.pem'));
        options.key = readFileSync(join(certs, 'key.pem'));
      }
      return { host, source, options };
    }
    case 'ssh:':
      return {
        host,
        source,
        options: { protocol: 'ssh', host: url.hostname, port: url.port || 22, username: url.username || undefined },
      };
    default:
      throw invalidHost(host, source);
  }
}

function invalidHost(host: string, source: EndpointSource): BerthError {
  const where = source === 'setting' ? 'the berth.docker.host setting' : source === 'DOCKER_HOST' ? 'DOCKER_HOST' : 'the Docker context';
  return new BerthError(
    `The Docker address "${host}" from ${where} is not one Berth understands.`,
    'Use unix:///path/to/docker.sock, tcp://HOST:PORT or ssh://USER@HOST.',
    'DOCKER_HOST_INVALID',
  );
}
