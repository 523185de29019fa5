import { spawn } from 'node:child_process';
import { mkdirSync, openSync } from 'node:fs';
import { chmod, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { probeEngine } from '../../src/core/sessions/docker/engine.js';
import { cachePath } from './cache.js';
import { ensureDebianPackages } from './debian.js';

export interface DockerHandle {
  version: string;
  /** Stops the engine if this setup started it; a no-op for an engine that was already running. */
  stop(): Promise<void>;
}

/**
 * Makes sure a Docker engine answers. As root, a missing engine is installed (docker.io) and
 * started without the default bridge, so nothing here ever takes a private-range address.
 */
export async function ensureDocker(): Promise<DockerHandle> {
  const status = await probeEngine();
  if (status.reachable) return { version: status.version, stop: async () => undefined };
  if (process.env.DOCKER_HOST) {
    throw new Error(`The integration tests need a Docker engine. ${status.error} ${status.fix}`);
  }
  if (process.getuid?.() !== 0) {
    throw new Error(
      `The integration tests need a Docker engine and none answers (${status.error}). Start Docker, or run the tests as root so that the setup can install and start one.`,
    );
  }
  await ensureDebianPackages(['docker.io'], 'the integration tests (a real Docker engine)');
  mkdirSync(cachePath(), { recursive: true });
  const log = openSync(cachePath('dockerd.log'), 'a');
  process.stderr.write('[setup] starting dockerd --bridge=none…\n');
  const dockerd = spawn('dockerd', ['--bridge=none', '--iptables=false', '--ip-masq=false'], {
    detached: true,
    stdio: ['ignore', log, log],
  });
  const exited = new Promise<number | null>((resolve) => dockerd.once('exit', resolve));
  const deadline = Date.now() + 60_000;
  for (;;) {
    const probe = await probeEngine({}, 1000);
    if (probe.reachable) {
      return {
        version: probe.version,
        stop: async () => {
          dockerd.kill('SIGTERM');
          await Promise.race([exited, new Promise((r) => setTimeout(r, 20_000))]);
        },
      };
    }
    if (dockerd.exitCode !== null || Date.now() > deadline) {
      dockerd.kill('SIGKILL');
      throw new Error(`dockerd did not come up within 60 s; see ${cachePath('dockerd.log')}.`);
    }
    await new Promise((r) => setTimeout(r, 250));
  }
}

/**
 * A second engine of the tests' own, with userns-remap, on a socket and data root in a scratch
 * folder: what a machine whose administrator turned remapping on looks like. Root only.
 */
export async function startRemappedEngine(): Promise<{ host: string; stop(): Promise<void> }> {
  if (process.getuid?.() !== 0) throw new Error('The userns-remap test starts a second dockerd and needs root.');
  const root = await mkdtemp(join(tmpdir(), 'berth-remap-'));
  // The remapped root must be able to reach its own folder in the data root.
  await chmod(root, 0o755);
  const host = `unix://${join(root, 'docker.sock')}`;
  const log = openSync(join(root, 'dockerd.log'), 'a');
  const dockerd = spawn(
    'dockerd',
    ['--userns-remap=default', '--bridge=none', '--iptables=false', '--ip-masq=false', '-H', host, '--data-root', join(root, 'data'), '--exec-root', join(root, 'exec'), '--pidfile', join(root, 'dockerd.pid')],
    { detached: true, stdio: ['ignore', log, log] },
  );
  const exited = new Promise<void>((resolve) => dockerd.once('exit', () => resolve()));
  const stop = async () => {
    dockerd.kill('SIGTERM');
    await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 20_000))]);
    if (dockerd.exitCode === null) dockerd.kill('SIGKILL');
    await rm(root, { recursive: true, force: true }).catch(() => undefined);
  };
  const deadline = Date.now() + 60_000;
  while (!(await probeEngine({ explicitHost: host }, 1000)).reachable) {
    if (dockerd.exitCode !== null || Date.now() > deadline) {
      await stop();
      throw new Error(`The userns-remap dockerd did not come up within 60 s (exit ${dockerd.exitCode}).`);
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  return { host, stop };
}
