import { BerthError } from '../errors.js';
import { CLAUDE, SHELL, agentCommand } from './agent/commands.js';
import { parseAllowList } from './egress/allowlist.js';
import { leaseFolder } from './lease.js';
import { detachedCliOwner, policyFor, type SessionOwner } from './owner.js';
import type { SessionSettings } from './settings.js';
import type { MountMode, NetworkMode, SessionSpec } from './types.js';
import { chooseSessionUser, type SessionUser } from './user.js';

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
  /** Outlive the owner (bounded by the maximum age). */
  detach?: boolean;
  /** Hosts this egress session may reach beyond the settings' list. */
  allow?: string[];
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
  context: { invoker: SessionUser; secrets: Record<string, string>; insideContainer: boolean; owner?: SessionOwner },
): SessionSpec {
  const agent = request.agent ?? 'claude';
  if (agent === SHELL && request.prompt !== undefined) {
    throw new BerthError('A shell session takes no prompt.', 'Give its command after -- (berth session start --agent shell -- make test), or leave out --agent shell to give the prompt to Claude Code.', 'PROMPT_UNUSED');
  }
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
  const network = request.network ?? (agent === SHELL ? settings.shellNetwork : settings.agentNetwork);
  const runsClaude = command[0] === CLAUDE;
  if (request.allow?.length && network !== 'egress') {
    throw new BerthError(`--allow opens the egress door, and this session's network is ${network}.`, 'Use --network egress (the default for agents), or leave out --allow.', 'INPUT_INVALID');
  }
  const allow = [...new Set([...settings.egressAllow, ...(request.allow ?? [])])];
  if (network === 'egress') parseAllowList(allow);
  if (runsClaude && context.insideContainer && network === 'none') {
    throw new BerthError(
      'Claude Code needs the network to reach the Anthropic API, and --network none leaves the session without one.',
      'Pass --network egress (the default for agents: only the API gets through), or bridge or host.',
      'NETWORK_NONE_FOR_AGENT',
    );
  }
  const user = chooseSessionUser(context.invoker, settings.user);
  // A start that names no owner is a CLI that does not stay: its session is detached.
  const owner = context.owner ?? detachedCliOwner(context.invoker.uid);
  const policy = policyFor({ agent, interactive }, owner, request.detach ?? false);
  // Shells get none of the agents' environment, as they get none of their secrets.
  const env = { ...(agent === SHELL ? {} : settings.agentEnv), ...parseEnv(request.env ?? []) };
  // Claude Code refuses to skip its permission prompts as root unless told that it is sandboxed;
  // it is: the container, stripped of every capability, is the sandbox.
  if (runsClaude && context.insideContainer && user.uid === 0) env.IS_SANDBOX ??= '1';
  return {
    workspace: request.workspace,
    mount: request.mount ?? settings.mount,
    image: request.image ?? settings.image,
    agent,
    command,
    interactive,
    ...(request.prompt !== undefined ? { prompt: request.prompt } : {}),
    env,
    // Shells get no secrets: they need no API, and what they do not hold they cannot leak.
    secrets: agent === SHELL ? {} : context.secrets,
    secretNames: Object.keys(context.secrets),
    network,
    ...(network === 'egress' ? { egress: { allow } } : {}),
    limits: {
      pids: positive(request.pidsLimit, '--pids-limit') ?? settings.limits.pids,
      memoryBytes: (positive(request.memoryMb, '--memory-mb') ?? settings.limits.memoryBytes / 1024 ** 2) * 1024 ** 2,
      cpus: positive(request.cpus, '--cpus') ?? settings.limits.cpus,
    },
    user,
    logs: { maxSize: settings.logMaxSize, maxFiles: settings.logMaxFiles },
    writableRoot: settings.writableRoot,
    maxAgeSeconds: request.maxAgeSeconds ?? settings.maxAgeSeconds,
    startTimeoutMs: settings.startTimeoutMs,
    stopGraceSeconds: settings.stopGraceSeconds,
    ownership: {
      owner: owner.id,
      policy,
      graceSeconds: settings.leaseGraceSeconds,
      ...(policy === 'owner' ? { leaseFolder: leaseFolder(settings.leasesDir, owner.id) } : {}),
    },
  };
}
