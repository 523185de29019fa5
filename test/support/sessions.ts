import { spawn } from 'node:child_process';
import { chown, mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { connectDocker } from '../../src/core/sessions/docker/engine.js';
import { LABEL } from '../../src/core/sessions/labels.js';
import type { SessionOwner } from '../../src/core/sessions/owner.js';
import { SessionService } from '../../src/core/sessions/service.js';
import type { SessionSettings } from '../../src/core/sessions/settings.js';

export const REPO = join(__dirname, '..', '..');

/**
 * A scratch world for one integration test: a workspace folder (owned by `owner` so the
 * uid mapping is visible), its own audit log and process records, and a cleanup that removes
 * every container labelled with that workspace, whatever the test did.
 */
export async function sessionSandbox(options: { owner?: number; settings?: Partial<SessionSettings>; secrets?: Record<string, string>; sessionOwner?: SessionOwner } = {}) {
  const root = await mkdtemp(join(tmpdir(), 'berth-it-'));
  const workspace = join(root, 'workspace');
  const state = join(root, 'state');
  await mkdir(workspace);
  if (options.owner !== undefined) await chown(workspace, options.owner, options.owner);
  const auditLog = join(state, 'audit.jsonl');
  // The same folders as the CLI children get through XDG_STATE_HOME below.
  const settings: Partial<SessionSettings> = {
    auditLog,
    processStateDir: join(state, 'berth', 'process-sessions'),
    leasesDir: join(state, 'berth', 'leases'),
    startsDir: join(state, 'berth', 'starts'),
    egressDir: join(state, 'berth', 'egress'),
    archiveDir: join(state, 'berth', 'ended-sessions'),
    // Test files run side by side and all start as the same person: caps would count each other's sessions.
    maxSessionsPerOwner: 1000,
    maxSessions: 1000,
    ...options.settings,
  };
  const service = new SessionService({
    settings: () => settings,
    secrets: () => options.secrets ?? {},
    // Egress doors run the CLI from source, as the CLI children of these tests do.
    door: { command: cliCommand() },
    ...(options.sessionOwner ? { owner: options.sessionOwner } : {}),
  });
  const { docker } = connectDocker();
  return {
    root,
    workspace,
    auditLog,
    settings,
    service,
    docker,
    /** Environment for CLI child processes that share this sandbox. */
    env: {
      ...process.env,
      BERTH_AUDIT_LOG: auditLog,
      XDG_STATE_HOME: state,
      BERTH_MAX_SESSIONS_PER_OWNER: String(settings.maxSessionsPerOwner),
      BERTH_MAX_SESSIONS: String(settings.maxSessions),
      ...(options.secrets ?? {}),
    } as NodeJS.ProcessEnv,
    async containers() {
      return docker.listContainers({ all: true, filters: { label: [`${LABEL.workspace}=${workspace}`] } });
    },
    async cleanup() {
      const containers = await docker.listContainers({ all: true, filters: { label: [`${LABEL.workspace}=${workspace}`] } });
      await Promise.all(containers.map((info) => docker.getContainer(info.Id).remove({ force: true }).catch(() => undefined)));
      await rm(root, { recursive: true, force: true });
    },
  };
}

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Another account on this host, for the tests that check what one person's session shows another. */
export interface HostAccount {
  uid: number;
  gid: number;
  /** Supplementary groups, such as docker's. */
  groups?: number[];
}

/** The argv that runs `command` as `account`, through util-linux's setpriv (no account needs to exist). */
export function asAccount(account: HostAccount, command: string[]): string[] {
  const groups = account.groups?.length ? `--groups=${account.groups.join(',')}` : '--clear-groups';
  return ['setpriv', `--reuid=${account.uid}`, `--regid=${account.gid}`, groups, '--', ...command];
}

/** The argv that runs the CLI from source: tsx by path, since `--import tsx` would look for the package from the child's working folder. */
export function cliCommand(): string[] {
  return [process.execPath, '--import', pathToFileURL(join(REPO, 'node_modules', 'tsx', 'dist', 'loader.mjs')).href, join(REPO, 'src', 'cli', 'main.ts')];
}

/** Runs the CLI from source in a child process, bounded in time; `as` runs it as another account. */
export function cli(
  args: string[],
  options: { env?: NodeJS.ProcessEnv; cwd?: string; timeoutMs?: number; stdin?: string; as?: HostAccount } = {},
): Promise<CliResult> & { pid?: number; kill(signal?: NodeJS.Signals): void } {
  const argv = [...cliCommand(), ...args];
  const [file, ...rest] = options.as ? asAccount(options.as, argv) : argv;
  const child = spawn(file!, rest, {
    cwd: options.cwd ?? REPO,
    env: options.env ?? process.env,
    stdio: [options.stdin === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'],
  });
  if (options.stdin !== undefined) child.stdin!.end(options.stdin);
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 60_000);
  const done = new Promise<CliResult>((resolve) => {
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
  return Object.assign(done, { pid: child.pid, kill: (signal: NodeJS.Signals = 'SIGTERM') => child.kill(signal) });
}

/** Polls until `check` is true, at most `timeoutMs`. */
export async function eventually(check: () => Promise<boolean> | boolean, timeoutMs = 10_000, what = 'condition'): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check()) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`Timed out after ${timeoutMs} ms waiting for ${what}`);
}
