import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { isAbsolute, join } from 'node:path';
import type Docker from 'dockerode';
import type { ContainerCreateOptions } from 'dockerode';
import { BerthError } from '../../errors.js';
import type { Origin } from '../../operations.js';
import { printable } from '../../text.js';
import { BERTH_VERSION } from '../../version.js';
import { containerOptions } from '../../sessions/hardening.js';
import { containerName, newSessionId, sessionLabels } from '../../sessions/labels.js';
import type { SessionService } from '../../sessions/service.js';
import { buildSpec } from '../../sessions/spec.js';
import type { SessionSpec } from '../../sessions/types.js';
import { invokingUser } from '../../sessions/user.js';
import { CLI_FILES, findCliBundle } from './bundle.js';

/** Where the CLI bundle is mounted inside: a path no image uses for anything else. */
export const CLI_PATH = '/opt/berth';

export interface ContainerMount {
  source: string;
  target: string;
  readOnly: boolean;
}

export interface CliRunRequest {
  /** The CLI's arguments, after `berth`. */
  args: string[];
  /** The only host folders the container sees; the CLI bundle is added read-only. */
  mounts: ContainerMount[];
  workingDir: string;
  origin: Origin;
  signal?: AbortSignal;
  env?: NodeJS.ProcessEnv;
  /** Plain variables for the CLI inside (where its state folder is mounted, say). */
  containerEnv?: Record<string, string>;
}

export interface CliRun {
  exitCode: number;
  stdout: string;
  stderr: string;
  image: string;
  /** The container's id as a session id: its labels make it one for `session list` and the reconciler. */
  id: string;
}

/**
 * Runs Berth's own CLI once in a container made as a shell session is (containerOptions: no
 * capability, read-only root, limits, the person's uid), with no network and only the given
 * mounts instead of a workspace, then removes it. The session service cannot add mounts, so the
 * container is made here; it carries the session labels, so a crash before the removal leaves
 * something `berth session gc` finds and removes.
 */
export async function runCliInContainer(service: SessionService, request: CliRunRequest): Promise<CliRun> {
  const bundle = findCliBundle(request.env);
  const engine = await service.dockerEngine();
  if (!engine.docker) throw new BerthError(engine.down!.message, engine.down!.hint, 'ENGINE_DOWN');
  const docker = engine.docker.docker;
  const settings = service.settings();
  await requireImage(docker, settings.image);

  const spec = buildSpec(
    { workspace: request.workingDir, agent: 'shell', mount: 'ro', network: 'none', detach: true, command: ['node', `${CLI_PATH}/cli.js`, ...request.args] },
    settings,
    { invoker: invokingUser(), secrets: {}, insideContainer: true },
  );
  const id = newSessionId();
  const options = cliContainerOptions(spec, id, {
    mounts: request.mounts,
    workingDir: request.workingDir,
    bundle,
    codeCache: codeCacheOf(request.env ?? process.env),
    ...(request.containerEnv ? { env: request.containerEnv } : {}),
  });

  await (await service.audit()).append({ origin: request.origin, action: 'container-run', session: id, provider: 'docker', detail: { image: settings.image, args: request.args, mounts: request.mounts } });
  const container = await docker.createContainer(options);
  const removeIt = () => container.remove({ force: true, v: true }).catch(() => undefined);
  const onAbort = () => void removeIt();
  request.signal?.addEventListener('abort', onAbort, { once: true });
  try {
    await container.start();
    const { StatusCode } = (await container.wait()) as { StatusCode: number };
    if (request.signal?.aborted) throw new BerthError('Stopped the containerized run: its caller was interrupted.', undefined, 'CANCELLED');
    const { stdout, stderr } = demultiplex((await container.logs({ stdout: true, stderr: true, follow: false })) as unknown as Buffer);
    if (StatusCode === 126 || StatusCode === 127) {
      throw new BerthError(
        `The image ${printable(settings.image)} could not run node (exit ${StatusCode}): ${printable(stderr.trim().split('\n').at(-1) ?? '')}`,
        'Use an image with Node 20 or later on its PATH: the agent image (berth image build) has it; set it with BERTH_IMAGE or berth.sessions.image.',
        'CONTAINER_RUN_FAILED',
      );
    }
    return { exitCode: StatusCode, stdout, stderr, image: settings.image, id };
  } finally {
    request.signal?.removeEventListener('abort', onAbort);
    await removeIt();
  }
}

/**
 * The session's hardened container (containerOptions) with the workspace bind replaced by exactly
 * these mounts and the CLI bundle, read-only; never a network, whatever the settings say for shells.
 */
export function cliContainerOptions(
  spec: SessionSpec,
  id: string,
  given: { mounts: ContainerMount[]; workingDir: string; bundle: string; codeCache?: string | undefined; env?: Record<string, string> },
): ContainerCreateOptions {
  const options = containerOptions(spec, { name: containerName(id), labels: sessionLabels(spec, id, new Date(), BERTH_VERSION) });
  const mounts = [
    ...given.mounts,
    ...CLI_FILES.map((file) => ({ source: join(given.bundle, file), target: `${CLI_PATH}/${file}`, readOnly: true })),
    // Read-only: the container may use what the host compiled, never leave code for the host to run.
    ...(given.codeCache ? [{ source: given.codeCache, target: `${CLI_PATH}/cache/berth/code-cache`, readOnly: true }] : []),
  ];
  return {
    ...options,
    WorkingDir: given.workingDir,
    Env: [...(options.Env ?? []), ...(given.codeCache ? [`XDG_CACHE_HOME=${CLI_PATH}/cache`] : []), ...Object.entries(given.env ?? {}).map(([name, value]) => `${name}=${value}`)],
    HostConfig: {
      ...options.HostConfig,
      // Mounts, not Binds: a vault path may hold a colon or a comma.
      Binds: [],
      Mounts: mounts.map((m) => ({ Type: 'bind' as const, Source: m.source, Target: m.target, ReadOnly: m.readOnly })),
      NetworkMode: 'none',
    },
  };
}

/**
 * The person's CLI code cache (the folder src/cli/codeCache.ts writes), when there is one: a V8
 * cache made by another Node is rejected by V8 and costs nothing but the read.
 */
function codeCacheOf(env: NodeJS.ProcessEnv): string | undefined {
  const base = env.XDG_CACHE_HOME && isAbsolute(env.XDG_CACHE_HOME) ? env.XDG_CACHE_HOME : join(homedir(), '.cache');
  const folder = join(base, 'berth', 'code-cache');
  return existsSync(folder) ? folder : undefined;
}

async function requireImage(docker: Docker, image: string): Promise<void> {
  try {
    await docker.getImage(image).inspect();
  } catch (error) {
    if ((error as { statusCode?: number }).statusCode !== 404) throw error;
    throw new BerthError(
      `The image ${printable(image)} is not on this engine, so the vault operation cannot run in a container.`,
      'Build the agent image with `berth image build`, or set BERTH_IMAGE (berth.sessions.image) to an image with Node 20 or later.',
      'IMAGE_MISSING',
    );
  }
}

/** Docker's log stream for a container without a terminal: frames of an 8-byte header (stream, 0, 0, 0, size) and the bytes. */
export function demultiplex(buffer: Buffer): { stdout: string; stderr: string } {
  const parts: Record<'stdout' | 'stderr', Buffer[]> = { stdout: [], stderr: [] };
  let at = 0;
  while (at + 8 <= buffer.length) {
    const size = buffer.readUInt32BE(at + 4);
    parts[buffer[at] === 2 ? 'stderr' : 'stdout'].push(buffer.subarray(at + 8, at + 8 + size));
    at += 8 + size;
  }
  return { stdout: Buffer.concat(parts.stdout).toString('utf8'), stderr: Buffer.concat(parts.stderr).toString('utf8') };
}
