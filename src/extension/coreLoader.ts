import type * as BerthCore from '../core/index.js';

export type { BerthCore };

let loaded: typeof BerthCore | undefined;

/**
 * The core (dockerode, zod, the vault engine) is a bundle of its own, required on first use
 * rather than at activation: it is megabytes of JavaScript that activation does not need.
 */
export function loadCore(): typeof BerthCore {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  loaded ??= require('./core.js') as typeof BerthCore;
  return loaded;
}
