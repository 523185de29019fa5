import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { BerthError } from '../../errors.js';

/** The two files of Berth's CLI: the entry, and the engine bundle it requires from beside itself. */
export const CLI_FILES = ['cli.js', 'cli-engine.js'] as const;

/**
 * The folder holding Berth's built CLI, to mount into a container. Bundled (dist/cli-engine.js,
 * dist/core.js in the extension) this code lives in that folder; run from source it is the
 * repository's dist/. BERTH_CLI_BUNDLE names another folder.
 */
export function findCliBundle(env: NodeJS.ProcessEnv = process.env): string {
  const candidates = env.BERTH_CLI_BUNDLE ? [resolve(env.BERTH_CLI_BUNDLE)] : [__dirname, resolve(__dirname, '..', '..', '..', '..', 'dist')];
  const found = candidates.find((dir) => CLI_FILES.every((file) => existsSync(join(dir, file))));
  if (found) return found;
  throw new BerthError(
    `Berth's built CLI (${CLI_FILES.join(' and ')}) is not in ${candidates.join(' or ')}, so it cannot run in a container.`,
    'Build it with `node esbuild.mjs` (npm run build), or point BERTH_CLI_BUNDLE at the folder that holds it.',
    'CLI_BUNDLE_MISSING',
  );
}
