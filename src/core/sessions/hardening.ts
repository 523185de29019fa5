import type { ContainerCreateOptions } from 'dockerode';
import { SECRET_DIR, entryCommand } from './secrets.js';
import type { Limits, SessionSpec } from './types.js';

export const WORKSPACE_PATH = '/workspace';
export const HOME_PATH = '/home/berth';
/** Who runs the session when the workspace belongs to root: never root itself. */
export const FALLBACK_USER = '1000:1000';

export const DEFAULT_LIMITS: Limits = { pids: 512, memoryBytes: 4 * 1024 ** 3, cpus: 2 };

/** The workspace owner's uid:gid, so that files the agent writes are the user's; root owners get the fallback. */
export function chooseUser(owner: { uid: number; gid: number }, override?: string): string {
  if (override) return override;
  return owner.uid === 0 ? FALLBACK_USER : `${owner.uid}:${owner.gid}`;
}

function tmpfs(size: string, user?: string, mode?: string): string {
  const [uid, gid] = (user ?? '').split(':');
  const owner = user ? `,uid=${uid},gid=${gid ?? uid}` : '';
  return `rw,nosuid,nodev,size=${size}${owner}${mode ? `,mode=${mode}` : ''}`;
}

/**
 * The container a session is: hardened by default. Each relaxation is a field of the spec that
 * only an explicit setting fills (network, limits, writable root). Never the Docker socket,
 * never privileged, never a capability.
 */
export function containerOptions(
  spec: SessionSpec,
  identity: { name: string; labels: Record<string, string>; user: string },
): ContainerCreateOptions {
  const hasSecrets = Object.keys(spec.secrets).length > 0;
  const cmd = hasSecrets ? entryCommand(spec.command) : spec.command;
  return {
    name: identity.name,
    Image: spec.image,
    Cmd: cmd,
    // Images with an ENTRYPOINT would otherwise wrap our command; the session's argv is exact.
    Entrypoint: [],
    User: identity.user,
    WorkingDir: WORKSPACE_PATH,
    Env: [`HOME=${HOME_PATH}`, ...Object.entries(spec.env).map(([k, v]) => `${k}=${v}`)],
    Labels: identity.labels,
    Tty: spec.interactive,
    OpenStdin: spec.interactive,
    AttachStdin: false,
    AttachStdout: false,
    AttachStderr: false,
    HostConfig: {
      Binds: [`${spec.workspace}:${WORKSPACE_PATH}:${spec.mount}`],
      CapDrop: ['ALL'],
      SecurityOpt: ['no-new-privileges:true'],
      Privileged: false,
      ReadonlyRootfs: !spec.writableRoot,
      Tmpfs: {
        '/tmp': tmpfs('512m', undefined, '1777'),
        [HOME_PATH]: tmpfs('512m', identity.user, '0700'),
        [SECRET_DIR]: tmpfs('1m', identity.user, '0700') + ',noexec',
      },
      PidsLimit: spec.limits.pids,
      Memory: spec.limits.memoryBytes,
      // Equal to Memory: no swap, so a memory hog meets the OOM killer instead of thrashing the host.
      MemorySwap: spec.limits.memoryBytes,
      NanoCpus: Math.round(spec.limits.cpus * 1e9),
      NetworkMode: spec.network,
      // tini as PID 1: signals reach the agent (graceful stop) and zombies are reaped.
      Init: true,
      IpcMode: 'private',
      RestartPolicy: { Name: 'no' },
    },
  };
}

/** The network an agent gets when none is asked for: none for shells, the API's for agents. */
export function defaultNetwork(agent: string): 'none' | 'bridge' {
  return agent === 'shell' ? 'none' : 'bridge';
}
