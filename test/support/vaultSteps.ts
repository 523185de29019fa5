// Runs a VaultIndex through steps given as JSON, for tests that must run as another user (root
// reads files whatever their mode). Usage: node --import tsx test/support/vaultSteps.ts ROOT STEPS
// where STEPS is a JSON array of ["scan"], ["update", path], ["remove", path], ["rename", from, to],
// ["chmod", path, octal mode] and ["move", from, to] (on disk only). After each index step it
// prints one JSON line: the step, the index's report and a fresh scan's report.
import { chmod, rename } from 'node:fs/promises';
import { join } from 'node:path';
import { VaultIndex } from '../../src/core/vault/index.js';

type Step = ['scan'] | ['update' | 'remove', string] | ['rename' | 'move', string, string] | ['chmod', string, string];

async function main(): Promise<void> {
  const [root, json] = process.argv.slice(2);
  if (!root || !json) throw new Error('usage: vaultSteps.ts ROOT STEPS_JSON');
  const index = new VaultIndex(root);
  for (const step of JSON.parse(json) as Step[]) {
    switch (step[0]) {
      case 'chmod':
        await chmod(join(root, step[1]), Number.parseInt(step[2], 8));
        continue;
      case 'move':
        await rename(join(root, step[1]), join(root, step[2]));
        continue;
      case 'scan':
        await index.scan();
        break;
      case 'update':
        await index.update(step[1]);
        break;
      case 'remove':
        await index.remove(step[1]);
        break;
      case 'rename':
        await index.rename(step[1], step[2]);
        break;
    }
    const fresh = await new VaultIndex(root).scan();
    process.stdout.write(`${JSON.stringify({ step, report: index.report(), fresh })}\n`);
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.stack : String(error)}\n`);
  process.exit(1);
});
