import type { ContainerCreateOptions } from 'dockerode';
import { LEASE_PATH, entryCommand } from './entry.js';
import { SOCKET_FOLDER, SOCKET_NAME } from './egress/doorProcess.js';
import { HEARTBEAT_FILE } from './lease.js';
import { leaseIntervalSeconds } from './owner.js';
import { SECRET_DIR } from './secrets.js';
import type { Limits, SessionSpec } from './types.js';
import { userString, type SessionUser } from './user.js';

export const WORKSPACE_PATH = '/workspace';
/**
 * Under the secrets folder, a path no image ships: the engine (runc) gives a tmpfs mounted on a
 * folder the image already has that folder's mode, so a home at /home/berth would be 0755 in any
 * image whose user was made with useradd, whatever mode Berth asks for.
 */
export const HOME_PATH = `${SECRET_DIR}/home`;

/** Where an egress session finds its door's socket. */
export const EGRESS_PATH = `${SECRET_DIR}/egress`;
/** The session's own 127.0.0.1 port that relays to the door. */
export const EGRESS_PROXY_PORT = 3128;

/** What Claude Code (and curl, git, npm, pip) read to send their requests through the door. */
function proxyEnv(): string[] {
  const proxy = `http://127.0.0.1:${EGRESS_PROXY_PORT}`;
  return [`HTTPS_PROXY=${proxy}`, `HTTP_PROXY=${proxy}`, `https_proxy=${proxy}`, `http_proxy=${proxy}`, 'NO_PROXY=localhost,127.0.0.1', 'no_proxy=localhost,127.0.0.1'];
}

export const DEFAULT_LIMITS: Limits = { pids: 512, memoryBytes: 4 * 1024 ** 3, cpus: 2 };

/**
 * Every tmpfs belongs to the session user: /tmp exists in every image and takes the image's mode
 * (0755 root in some), so only ownership keeps it writable there.
 */
function tmpfs(size: string, user: SessionUser, mode: string, extra = ''): string {
  return `rw,nosuid,nodev,size=${size},uid=${user.uid},gid=${user.gid},mode=${mode}${extra}`;
}

/**
 * The container a session is: hardened by default. Each relaxation is a field of the spec that
 * only an explicit setting fills (network, limits, writable root). Never the Docker socket,
 * never privileged, never a capability.
 */
export function containerOptions(
  spec: SessionSpec,
  identity: { name: string; labels: Record<string, string> },
): ContainerCreateOptions {
  const { policy, leaseFolder, graceSeconds } = spec.ownership;
  const watched = policy === 'owner' && leaseFolder !== undefined;
  const door = spec.network === 'egress' ? spec.egress?.folder : undefined;
  if (spec.network === 'egress' && !door) throw new Error('an egress session needs its door folder before its container is made');
  const cmd = entryCommand(spec.command, {
    secrets: Object.keys(spec.secrets).length > 0,
    forwarder: door ? { socket: `${EGRESS_PATH}/${SOCKET_NAME}`, port: EGRESS_PROXY_PORT } : undefined,
    watchdog: watched
      ? { heartbeat: `${LEASE_PATH}/${HEARTBEAT_FILE}`, graceSeconds, intervalSeconds: leaseIntervalSeconds(graceSeconds), killAfterSeconds: spec.stopGraceSeconds }
      : undefined,
  });
  return {
    name: identity.name,
    Image: spec.image,
    Cmd: cmd,
    // Images with an ENTRYPOINT would otherwise wrap our command; the session's argv is exact.
    Entrypoint: [],
    User: userString(spec.user),
    WorkingDir: WORKSPACE_PATH,
    Env: [`HOME=${HOME_PATH}`, ...(door ? proxyEnv() : []), ...Object.entries(spec.env).map(([k, v]) => `${k}=${v}`)],
    Labels: identity.labels,
    Tty: spec.interactive,
    OpenStdin: spec.interactive,
    AttachStdin: false,
    AttachStdout: false,
    AttachStderr: false,
    HostConfig: {
      Binds: [
        `${spec.workspace}:${WORKSPACE_PATH}:${spec.mount}`,
        ...(watched ? [`${leaseFolder}:${LEASE_PATH}:ro`] : []),
        // Only the socket's folder: the door's record (what it allows, what it saw) stays outside.
        ...(door ? [`${door}/${SOCKET_FOLDER}:${EGRESS_PATH}:ro`] : []),
      ],
      CapDrop: ['ALL'],
      SecurityOpt: ['no-new-privileges:true'],
      Privileged: false,
      ReadonlyRootfs: !spec.writableRoot,
      GroupAdd: spec.user.groups.filter((gid) => gid !== spec.user.gid).map(String),
      Tmpfs: {
        '/tmp': tmpfs('512m', spec.user, '1777'),
        [SECRET_DIR]: tmpfs('1m', spec.user, '0700', ',noexec'),
        [HOME_PATH]: tmpfs('512m', spec.user, '0700'),
      },
      // The engine's default keeps every byte a session prints: 1 GB of output was 1.7 GB on disk.
      LogConfig: { Type: 'json-file', Config: { 'max-size': spec.logs.maxSize, 'max-file': String(spec.logs.maxFiles) } },
      PidsLimit: spec.limits.pids,
      Memory: spec.limits.memoryBytes,
      // Equal to Memory: no swap, so a memory hog meets the OOM killer instead of thrashing the host.
      MemorySwap: spec.limits.memoryBytes,
      NanoCpus: Math.round(spec.limits.cpus * 1e9),
      // egress is no network at all: the door's socket is the only way out.
      NetworkMode: spec.network === 'egress' ? 'none' : spec.network,
      // tini as PID 1: signals reach the agent (graceful stop) and zombies are reaped.
      Init: true,
      IpcMode: 'private',
      RestartPolicy: { Name: 'no' },
    },
  };
}
