/* eslint-disable @typescript-eslint/no-require-imports -- the engine and its cache are required when a command runs, not with the entry */
import { join } from 'node:path';
import type { Area } from '../core/catalog.js';
import type * as CodeCache from './codeCache.js';
import type * as Engine from './engine.js';

// esbuild.mjs sets it for dist/cli.js: the file, beside it, of the engine bundle. From source (tsx) it is not set.
declare const BERTH_ENGINE_BUNDLE: string | undefined;

/**
 * The half of the CLI that runs operations (the catalog, zod, the Docker client, the vault engine),
 * which help and usage errors never need. In dist/ it is a bundle of its own, required through the
 * code cache, one cache per part of the catalog.
 */
export function loadEngine(area: Area | undefined): typeof Engine {
  if (typeof BERTH_ENGINE_BUNDLE === 'undefined') return require('./engine.js') as typeof Engine;
  const { requireCached } = require('./codeCache.js') as typeof CodeCache;
  return requireCached(join(__dirname, BERTH_ENGINE_BUNDLE), area ?? 'catalog') as typeof Engine;
}
