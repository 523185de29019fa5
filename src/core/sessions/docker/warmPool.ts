import { createHash } from 'node:crypto';
import type Docker from 'dockerode';
import type { ContainerCreateOptions } from 'dockerode';
import { containerOptions } from '../hardening.js';
import { LABEL, POOL_NAME_PREFIX, containerName, newSessionId, poolContainerName, sessionLabels } from '../labels.js';
import type { SessionSpec } from '../types.js';
import { isConflict, isNotFound } from './errors.js';

/** Labels that differ between two otherwise identical sessions, so they stay out of the pool key. */
const IDENTITY_LABELS: string[] = [LABEL.session, LABEL.created, LABEL.pool];

function canonical(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(canonical);
  if (value && typeof value === 'object') {
    return Object.fromEntries(
      Object.keys(value)
        .sort()
        .map((key) => [key, canonical((value as Record<string, unknown>)[key])]),
    );
  }
  return value;
}

/** Two create requests that hash alike would make interchangeable containers. */
export function poolKey(options: ContainerCreateOptions): string {
  const labels = Object.fromEntries(Object.entries(options.Labels ?? {}).filter(([key]) => !IDENTITY_LABELS.includes(key)));
  const { name: _name, ...rest } = options;
  return createHash('sha256')
    .update(JSON.stringify(canonical({ ...rest, Labels: labels })))
    .digest('hex')
    .slice(0, 16);
}

/**
 * Ready, running containers for one spec (typically a shell session on the open workspace),
 * kept in the engine under a `berth-pool-<id>` name. Claiming renames one to `berth-<id>`:
 * the engine refuses a second rename to the same name, so two claimers never get the same
 * container, and a claim needs no create or start, only a list and a rename.
 */
export class WarmPool {
  constructor(
    private readonly docker: Docker,
    private readonly spec: SessionSpec,
    readonly size: number,
    private readonly version: string,
  ) {}

  private options(id: string): ContainerCreateOptions {
    const labels = sessionLabels(this.spec, id, new Date(), this.version);
    const options = containerOptions(this.spec, { name: poolContainerName(id), labels });
    options.Labels = { ...labels, [LABEL.pool]: poolKey(options) };
    return options;
  }

  get key(): string {
    return poolKey(this.options('key'));
  }

  private async ready(key: string): Promise<Docker.ContainerInfo[]> {
    const containers = await this.docker.listContainers({ filters: { label: [`${LABEL.pool}=${key}`], status: ['running'] } });
    return containers.filter((info) => (info.Names?.[0] ?? '').startsWith(`/${POOL_NAME_PREFIX}`));
  }

  /** Creates and starts containers until `size` are ready; returns how many it made. */
  async fill(): Promise<number> {
    const missing = this.size - (await this.ready(this.key)).length;
    const made = await Promise.all(
      Array.from({ length: Math.max(0, missing) }, async () => {
        const container = await this.docker.createContainer(this.options(newSessionId()));
        try {
          await container.start();
        } catch (error) {
          await container.remove({ force: true }).catch(() => undefined);
          throw error;
        }
      }),
    );
    return made.length;
  }

  /** A ready container for this create request, now a session; undefined when none fits. */
  async claim(options: ContainerCreateOptions): Promise<{ id: string; name: string; created: string } | undefined> {
    const key = poolKey(options);
    if (key !== this.key) return undefined;
    for (const info of await this.ready(key)) {
      const id = info.Labels[LABEL.session];
      if (!id) continue;
      try {
        await this.docker.getContainer(info.Id).rename({ name: containerName(id) });
        return { id, name: containerName(id), created: info.Labels[LABEL.created] ?? new Date().toISOString() };
      } catch (error) {
        if (isConflict(error) || isNotFound(error)) continue; // another claimer was first
        throw error;
      }
    }
    return undefined;
  }

  /** Removes the pool's unclaimed containers (on dispose or when its configuration changes). */
  async drain(): Promise<void> {
    const containers = await this.docker.listContainers({ all: true, filters: { label: [`${LABEL.pool}=${this.key}`] } });
    await Promise.all(
      containers
        .filter((info) => (info.Names?.[0] ?? '').startsWith(`/${POOL_NAME_PREFIX}`))
        .map((info) => this.docker.getContainer(info.Id).remove({ force: true }).catch(() => undefined)),
    );
  }
}
