import { BerthError } from '../errors.js';
import { SHELL, agentCommand } from './agent/commands.js';
import { chooseUser, defaultNetwork } from './hardening.js';
import type { SessionSettings } from './settings.js';
import type { MountMode, NetworkMode, SessionSpec } from './types.js';

/** What a face asks for; everything else comes from the settings. */
export interface SessionRequest {
  workspace: string;
  image?: string;
  agent?: string;
  prompt?: string;
  network?: NetworkMode;
  mount?: MountMode;
  /** K=V words, as typed. */
  env?: string[];
  command?: string[];
  pidsLimit?: number;
  memoryMb?: number;
  cpus?: number;
  maxAgeSeconds?: number;
}

const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

export function parseEnv(words: readonly string[]): Record<string, string> {
  const env: Record<string, string> = {};
  for (const word of words) {
    const eq = word.indexOf('=');
    const name = eq === -1 ? word : word.slice(0, eq);
    if (eq === -1 || !ENV_NAME.test(name)) {
      throw new BerthError(`--env takes NAME=VALUE, not "${name}${eq === -1 ? '' : '=…'}".`, 'For example --env DEBUG=1.', 'ENV_INVALID');
    }
    env[name] = word.slice(eq + 1);
  }
  return env;
}

/** Turns a request into the full spec; pure, so the defaults and relaxations are unit-tested. */
export function buildSpec(
  request: SessionRequest,
  settings: SessionSettings,
  context: { owner: { uid: number; gid: number }; secrets: Record<string, string>; insideContainer: boolean },
): SessionSpec {
  const agent = request.agent ?? 'claude';
  const { command, interactive } = agentCommand({
    agent,
    prompt: request.prompt,
    command: request.command,
    templates: settings.agents,
    insideContainer: context.insideContainer,
  });
  const positive = (value: number | undefined, what: string) => {
    if (value !== undefined && !(value > 0)) throw new BerthError(`${what} must be a positive number.`, undefined, 'LIMIT_INVALID');
    return value;
  };
  return {
    workspace: request.workspace,
    mount: request.mount ?? 'rw',
    image: request.image ?? settings.image,
    agent,
    command,
    interactive,
    ...(request.prompt !== undefined ? { prompt: request.prompt } : {}),
    env: parseEnv(request.env ?? []),
    // Shells get no secrets: they need no API, and what they do not hold they cannot leak.
    secrets: agent === SHELL ? {} : context.secrets,
    network: request.network ?? defaultNetwork(agent),
    limits: {
      pids: positive(request.pidsLimit, '--pids-limit') ?? settings.limits.pids,
      memoryBytes: (positive(request.memoryMb, '--memory-mb') ?? settings.limits.memoryBytes / 1024 ** 2) * 1024 ** 2,
      cpus: positive(request.cpus, '--cpus') ?? settings.limits.cpus,
    },
    user: chooseUser(context.owner, settings.user),
    writableRoot: settings.writableRoot,
    maxAgeSeconds: request.maxAgeSeconds ?? settings.maxAgeSeconds,
    startTimeoutMs: settings.startTimeoutMs,
  };
}
