// `npm run bench`: runs every benchmark in this folder, one after another, each printing its table.
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';

const only = process.argv.slice(2);
const benches = readdirSync(__dirname)
  .filter((file) => file.endsWith('.ts') && !['run.ts', 'table.ts'].includes(file))
  .filter((file) => only.length === 0 || only.some((name) => file.startsWith(name)));
let failed = 0;
for (const file of benches) {
  const result = spawnSync(process.execPath, ['--import', 'tsx', join(__dirname, file)], { stdio: 'inherit' });
  if (result.status !== 0) {
    console.error(`bench ${file} failed with status ${result.status}`);
    failed++;
  }
}
process.exit(failed ? 1 : 0);
