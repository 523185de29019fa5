// `npm run bench`: runs every benchmark in this folder, one after another, each printing its table.
// The sessions and CLI benches need a Docker engine; it is set up (and stopped after) as for the tests.
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { ensureDocker } from '../test/support/docker.js';

/** Files that serve the benches rather than being one. */
const HELPERS = ['run.ts', 'table.ts', 'dockerRun.ts'];
const NEEDS_DOCKER = ['sessions.ts', 'cli.ts', 'owners.ts', 'sessionsView.ts', 'mcp.ts', 'egress.ts'];

async function main(): Promise<number> {
  const only = process.argv.slice(2);
  const benches = readdirSync(__dirname)
    .filter((file) => file.endsWith('.ts') && !HELPERS.includes(file))
    .filter((file) => only.length === 0 || only.some((name) => file.startsWith(name)));
  const docker = benches.some((file) => NEEDS_DOCKER.includes(file)) ? await ensureDocker() : undefined;
  let failed = 0;
  try {
    for (const file of benches) {
      const result = spawnSync(process.execPath, ['--import', 'tsx', join(__dirname, file)], { stdio: 'inherit' });
      if (result.status !== 0) {
        console.error(`bench ${file} failed with status ${result.status}`);
        failed++;
      }
    }
  } finally {
    await docker?.stop();
  }
  return failed ? 1 : 0;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(`bench: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  },
);
