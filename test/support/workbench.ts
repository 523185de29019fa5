import { spawn, type ChildProcess } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ensureCodeServer } from './codeServer.js';
import { run } from './run.js';

export interface CodeServer {
  url: string;
  userDataDir: string;
  stop(): Promise<void>;
}

export const baseSettings = {
  'telemetry.telemetryLevel': 'off',
  'workbench.startupEditor': 'none',
  'workbench.tips.enabled': false,
  'workbench.enableExperiments': false,
  'extensions.autoCheckUpdates': false,
  'extensions.autoUpdate': false,
  'security.workspace.trust.enabled': false,
  'update.mode': 'none',
  'chat.disableAIFeatures': true,
  'workbench.secondarySideBar.defaultVisibility': 'hidden',
};

export function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolvePort(address.port) : reject(new Error('no port'))));
    });
  });
}

export interface StartOptions {
  folder: string;
  settings?: Record<string, unknown>;
  /** A fixed port (npm start); tests take a free one. */
  port?: number;
  /** The .vsix to install; by default BERTH_VSIX, which the test setup packages once per run. */
  vsix?: string;
  /** Keep the profile between runs (npm start); tests use a throwaway one. */
  stateDir?: string;
  env?: NodeJS.ProcessEnv;
  log?: (line: string) => void;
  /** Workspace trust as a person has it: the folder opens untrusted (Restricted Mode) until they trust it. */
  workspaceTrust?: boolean;
}

/** Starts a real VS Code (code-server) on 127.0.0.1 with the packaged Berth extension installed. */
export async function startCodeServer(options: StartOptions): Promise<CodeServer> {
  const vsix = options.vsix ?? process.env.BERTH_VSIX;
  if (!vsix) throw new Error('No packaged extension to install: set BERTH_VSIX to a .vsix, or run the tests through npm test, whose setup packages one.');
  const { node, entry } = await ensureCodeServer();
  const stateDir = options.stateDir ?? (await mkdtemp(join(tmpdir(), 'berth-code-server-')));
  const userDataDir = join(stateDir, 'user-data');
  const extensionsDir = join(stateDir, 'extensions');
  await mkdir(join(userDataDir, 'User'), { recursive: true });
  // Installed as a user installs it, so that the tests drive what a user gets. --force replaces
  // the same version left in a kept profile (npm start).
  await run(node, [entry, '--install-extension', vsix, '--force', '--extensions-dir', extensionsDir, '--user-data-dir', userDataDir], { quiet: true });
  const trust = options.workspaceTrust ? { 'security.workspace.trust.enabled': true } : {};
  await writeFile(join(userDataDir, 'User', 'settings.json'), JSON.stringify({ ...baseSettings, ...trust, ...options.settings }, null, 2));

  const port = options.port ?? (await freePort());
  const child: ChildProcess = spawn(
    node,
    [
      entry,
      '--auth', 'none',
      '--bind-addr', `127.0.0.1:${port}`,
      '--disable-telemetry',
      '--disable-update-check',
      ...(options.workspaceTrust ? [] : ['--disable-workspace-trust']),
      '--disable-getting-started-override',
      '--user-data-dir', userDataDir,
      '--extensions-dir', extensionsDir,
      options.folder,
    ],
    { env: { ...process.env, ...options.env }, stdio: ['ignore', 'pipe', 'pipe'], detached: true },
  );
  let output = '';
  const collect = (chunk: Buffer) => {
    output += chunk.toString();
    options.log?.(chunk.toString());
  };
  child.stdout!.on('data', collect);
  child.stderr!.on('data', collect);
  const exited = new Promise<void>((resolveExit) => child.once('exit', () => resolveExit()));

  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`code-server exited with ${child.exitCode}:\n${output.slice(-3000)}`);
    try {
      const response = await fetch(`${url}/healthz`);
      if (response.ok) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      process.kill(-child.pid!, 'SIGKILL');
      throw new Error(`code-server did not answer on ${url} within 60 s:\n${output.slice(-3000)}`);
    }
    await new Promise((r) => setTimeout(r, 250));
  }

  return {
    url,
    userDataDir,
    async stop() {
      if (child.exitCode === null) {
        process.kill(-child.pid!, 'SIGTERM');
        const timer = setTimeout(() => child.exitCode === null && process.kill(-child.pid!, 'SIGKILL'), 10_000);
        await exited;
        clearTimeout(timer);
      }
      if (!options.stateDir) await rm(stateDir, { recursive: true, force: true });
    },
  };
}
