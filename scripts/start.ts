// `npm start`: package Berth, make sure the pieces are there, and open it in a real VS Code
// (code-server on 127.0.0.1) on a copy of the demo vault. Runs until Ctrl-C.
import { existsSync } from 'node:fs';
import { cp } from 'node:fs/promises';
import { resolve } from 'node:path';
import { cachePath } from '../test/support/cache.js';
import { ensureDocker, type DockerHandle } from '../test/support/docker.js';
import { packageExtension } from '../test/support/vsix.js';
import { freePort, startCodeServer } from '../test/support/workbench.js';

const DEFAULT_PORT = 3917;

async function portFree(port: number): Promise<boolean> {
  try {
    await fetch(`http://127.0.0.1:${port}/`);
    return false;
  } catch {
    return true;
  }
}

async function main(): Promise<void> {
  // The same package a user installs (npm run package), not the development build.
  console.log('[start] packaging Berth…');
  const vsix = cachePath('berth.vsix');
  await packageExtension(vsix);

  let docker: DockerHandle | undefined;
  try {
    docker = await ensureDocker();
    console.log(`[start] Docker engine ${docker.version} answers; sessions will run in containers.`);
  } catch (error) {
    console.log(`[start] ${(error as Error).message}\n[start] Continuing: Berth will show that no engine is reachable.`);
  }

  const vault = cachePath('demo-vault');
  if (!existsSync(vault)) await cp(resolve(__dirname, '..', 'test', 'fixtures', 'demo-vault'), vault, { recursive: true });

  const requested = Number(process.env.BERTH_PORT ?? DEFAULT_PORT);
  const port = (await portFree(requested)) ? requested : await freePort();
  const server = await startCodeServer({ folder: vault, port, vsix, stateDir: cachePath('code-server-profile') });
  console.log(`\nBerth is open in VS Code at ${server.url}/?folder=${encodeURIComponent(vault)}`);
  console.log(`Demo vault: ${vault} (your edits stay there; delete it to start over)`);
  console.log('Press Ctrl-C to stop.\n');

  let stopping = false;
  const stop = async () => {
    if (stopping) return;
    stopping = true;
    console.log('\n[start] stopping…');
    await server.stop();
    await docker?.stop();
    process.exit(0);
  };
  process.on('SIGINT', () => void stop());
  process.on('SIGTERM', () => void stop());
}

main().catch((error: unknown) => {
  console.error(`[start] ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
