import { constants } from 'node:fs';
import { BerthError } from '../errors.js';

/** Who a session runs as inside its container. */
export interface SessionUser {
  uid: number;
  gid: number;
  /** Supplementary groups, so that a workspace the person may write through a group stays writable. */
  groups: number[];
}

/** The person who asked for the session: the process running Berth (CLI, extension host, MCP server). */
export function invokingUser(): SessionUser {
  return { uid: process.getuid?.() ?? 0, gid: process.getgid?.() ?? 0, groups: process.getgroups?.() ?? [] };
}

/**
 * The session runs as the person who started it, never as the workspace's owner or a fixed uid:
 * a uid that belongs to another host account would let that account read the agent's environment
 * (the API key, through /proc/PID/environ), browse its files through /proc/PID/root and signal it.
 * For a person who is root that means uid 0, stripped of every capability: it can write what root
 * owns in the workspace (owner permission bits) and nothing more, no other account can read or
 * signal it, and what it writes belongs to root, as the rest of that workspace does.
 * `override` (BERTH_SESSION_USER) is `uid:gid`.
 */
export function chooseSessionUser(invoker: SessionUser, override?: string): SessionUser {
  if (!override) return invoker;
  const match = /^(\d+):(\d+)$/.exec(override.trim());
  if (!match) throw new BerthError(`BERTH_SESSION_USER must be uid:gid, such as 1000:1000, not "${override}".`, 'Set it to numbers, or unset it to run sessions as yourself.', 'SETTING_INVALID');
  return { uid: Number(match[1]), gid: Number(match[2]), groups: [] };
}

export const userString = (user: SessionUser) => `${user.uid}:${user.gid}`;

/**
 * Whether `user` may write a folder with this owner and mode, by the permission bits alone (the
 * session holds no capability that would override them). An ACL is not read here, so a folder an
 * ACL opens is reported as not writable: the warning that follows says what to check.
 */
export function canWrite(user: SessionUser, folder: { uid: number; gid: number; mode: number }): boolean {
  if (folder.uid === user.uid) return (folder.mode & constants.S_IWUSR) !== 0 && (folder.mode & constants.S_IXUSR) !== 0;
  if (folder.gid === user.gid || user.groups.includes(folder.gid)) return (folder.mode & constants.S_IWGRP) !== 0 && (folder.mode & constants.S_IXGRP) !== 0;
  return (folder.mode & constants.S_IWOTH) !== 0 && (folder.mode & constants.S_IXOTH) !== 0;
}
