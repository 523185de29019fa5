// `npm start` and `npm test` begin here, before any dependency exists: install them when the
// lockfile is newer than node_modules, then hand over to the TypeScript script of the same name.
import { spawnSync } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';

const [task, ...args] = process.argv.slice(2);
if (!['start', 'test'].includes(task)) {
  console.error(`bootstrap: unknown task "${task}" (expected start or test)`);
  process.exit(2);
}

const installed = 'node_modules/.package-lock.json';
if (!existsSync(installed) || statSync('package-lock.json').mtimeMs > statSync(installed).mtimeMs) {
  console.error('[setup] installing npm dependencies (npm ci)…');
  const npm = spawnSync('npm', ['ci', '--no-audit', '--no-fund'], { stdio: 'inherit' });
  if (npm.status !== 0) {
    console.error('[setup] npm ci failed: check that the npm registry is reachable, then run the command again.');
    process.exit(npm.status ?? 1);
  }
}

const result = spawnSync(process.execPath, ['--import', 'tsx', `scripts/${task}.ts`, ...args], { stdio: 'inherit' });
process.exit(result.status ?? 1);
