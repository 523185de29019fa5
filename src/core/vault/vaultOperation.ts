import { resolve } from 'node:path';
import { z } from 'zod';
import { defineOperation } from '../operations.js';
import { formatVaultReport, type VaultReport } from './health.js';
import { VaultIndex } from './index.js';

export interface VaultHealthDependencies {
  /** The vault folder when the input names none (the open workspace folder); else the current folder. */
  vaultRoot?: () => string | undefined;
  /** Exclude globs when the input gives none (the `berth.vault.exclude` setting). */
  vaultExclude?: () => readonly string[];
}

export function createVaultHealthOperation(deps: VaultHealthDependencies = {}) {
  return defineOperation({
    name: 'vault.health',
    title: 'Scan a vault and report its health',
    description:
      'Scans a markdown vault (Obsidian or Foam) with Obsidian link rules and reports broken, ambiguous and heading/block links, ' +
      'orphan notes, unused attachments, empty notes, invalid frontmatter and names differing only by case, with a 0-100 score.',
    input: z.object({
      dir: z.string().optional().describe('The vault folder (default: the current folder)'),
      exclude: z
        .array(z.string())
        .optional()
        .describe('A glob of vault paths to leave out, such as "Templates/**"; repeatable'),
    }),
    annotations: { readOnly: true, destructive: false },
    cli: { command: ['vault', 'scan'], positional: ['dir'] },
    async run(input, ctx): Promise<VaultReport> {
      const root = resolve(input.dir ?? deps.vaultRoot?.() ?? process.cwd());
      const index = new VaultIndex(root, { exclude: input.exclude ?? deps.vaultExclude?.() ?? [] });
      return index.scan({ signal: ctx.signal, onProgress: (update) => ctx.progress(update) });
    },
    format: formatVaultReport,
  });
}
