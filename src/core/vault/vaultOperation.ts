import { z } from 'zod';
import { defineOperation, type Progress } from '../operations.js';
import { callerPath } from '../paths.js';
import { formatVaultReport } from './health.js';
import { VaultIndex } from './index.js';
import type { Vaults } from './live.js';
import { vaultReportSchema } from './reportSchema.js';

export interface VaultHealthDependencies {
  /** The vaults a face keeps live; a scan of one of them reads its live index. */
  vaults: Vaults;
  /** The vault folder when the input names none (the open workspace folder); else the working folder. */
  vaultRoot?: () => string | undefined;
  /** Exclude globs when the input gives none (the `berth.vault.exclude` setting). */
  vaultExclude?: () => readonly string[];
}

/** The report, and when a minimum score was asked for, whether the vault reached it (for CI). */
export const vaultHealthOutputSchema = vaultReportSchema.extend({
  minScore: z.number().nullable(),
  passed: z.boolean().nullable().describe('score >= minScore; null when no minimum was asked for'),
});
export type VaultHealthOutput = z.infer<typeof vaultHealthOutputSchema>;

async function freshIndex(root: string, exclude: readonly string[], signal: AbortSignal, onProgress: (update: Progress) => void): Promise<VaultIndex> {
  const index = new VaultIndex(root, { exclude });
  await index.scan({ signal, onProgress });
  return index;
}

export function createVaultHealthOperation(deps: VaultHealthDependencies) {
  return defineOperation({
    name: 'vault.health',
    title: 'Scan a vault and report its health',
    description:
      'Scans a markdown vault (Obsidian or Foam) with Obsidian link rules and reports broken, ambiguous and heading/block links, ' +
      'orphan notes, unused attachments, empty notes, invalid frontmatter, names differing only by case and files it could not read, ' +
      'with a 0-100 score.',
    input: z.object({
      dir: z.string().optional().describe('The vault folder (default: the current folder)'),
      exclude: z
        .array(z.string())
        .optional()
        .describe('A glob of vault paths to leave out, such as "Templates/**"; repeatable'),
      minScore: z
        .number()
        .int()
        .min(0)
        .max(100)
        .optional()
        .describe('Fail (exit status 1) when the score is below this, 0-100: for CI'),
      fresh: z.boolean().default(false).describe('Scan from scratch even where the extension keeps the vault live'),
    }),
    output: vaultHealthOutputSchema,
    annotations: { readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: false },
    cli: {
      command: ['vault', 'health'],
      positional: ['dir'],
      examples: ['berth vault health ~/Notes', 'berth vault health --exclude "Templates/**" --json', 'berth vault health --min-score 80  # in CI: exit status 1 below 80'],
    },
    async run(input, ctx) {
      const root = callerPath(ctx, input.dir ?? deps.vaultRoot?.() ?? '.', 'The vault folder');
      const exclude = input.exclude ?? deps.vaultExclude?.() ?? [];
      const progress = (update: Progress) => ctx.progress(update);
      // A vault the face keeps live answers from its index; other globs get a scan of their own.
      const live = input.exclude ? undefined : deps.vaults.get(root);
      if (live && input.fresh) await live.rescan({ onProgress: progress, signal: ctx.signal });
      const index = live ? await live.ready() : await freshIndex(root, exclude, ctx.signal, progress);
      const report = index.report();
      if (input.minScore === undefined) return { ...report, minScore: null, passed: null };
      const passed = report.score >= input.minScore;
      if (!passed) ctx.warn?.(`Vault score ${report.score} is below --min-score ${input.minScore}: failing (exit status 1).`);
      return { ...report, minScore: input.minScore, passed };
    },
    format: (output: VaultHealthOutput) => formatVaultReport(output),
    exitCode: (output) => (output.passed === false ? 1 : 0),
  });
}
