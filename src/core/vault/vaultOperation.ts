/* eslint-disable @typescript-eslint/no-require-imports -- the container code (and the Docker client) is required when a run asks for it, not with the catalog */
import * as z from 'zod';
import { isolationReportSchema, formatIsolationReport } from '../isolation/report.js';
import { defineOperation, type OperationContext, type Progress } from '../operations.js';
import type { SessionService } from '../sessions/service.js';
import type * as InContainer from './container/vaultInContainer.js';
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
  /** Where vault operations run when the input does not say (the `berth.vault.runIn` setting). */
  vaultRunIn?: () => 'local' | 'container';
  /** For runs in a container: the face's sessions service (image, limits, user) and engine. */
  sessions?: SessionService;
  dockerHost?: () => string | undefined;
}

/** The input fields that name a vault and what of it to leave out, as every vault operation words them. */
export const vaultDirInput = z.string().optional().describe('The vault folder (default: the current folder)');
export const excludeInput = z.array(z.string()).optional().describe('A glob of vault paths to leave out, such as "Templates/**"; repeatable');

/** The vault folder a call works on: its own `dir`, else the face's folder, else the working folder. */
export const vaultRootOf = (input: { dir?: string | undefined }, deps: Pick<VaultHealthDependencies, 'vaultRoot'>, ctx: OperationContext): string =>
  callerPath(ctx, input.dir ?? deps.vaultRoot?.() ?? '.', 'The vault folder');

/** The exclude globs of a call: its own, else the face's setting. */
export const excludeOf = (input: { exclude?: string[] | undefined }, deps: Pick<VaultHealthDependencies, 'vaultExclude'>): readonly string[] =>
  input.exclude ?? deps.vaultExclude?.() ?? [];

/** Whether this call runs in a container: its own flag first, then the face's setting. */
export const runsInContainer = (inContainer: boolean | undefined, deps: Pick<VaultHealthDependencies, 'vaultRunIn'>) => inContainer ?? deps.vaultRunIn?.() === 'container';

export const inContainerInput = {
  inContainer: z
    .boolean()
    .optional()
    .describe('Run Berth in a hardened container: no network, no capabilities, the vault mounted read-only (default: the berth.vault.runIn setting, else here)'),
  verbose: z.boolean().optional().describe('With --in-container: also check the container’s isolation and print the report'),
};

/** The output field of a run in a container with --verbose. */
export const isolationOutput = { isolation: isolationReportSchema.optional().describe('With inContainer and verbose: the container’s isolation report') };

/** The isolation report above the result, when there is one. */
export const withIsolation = (text: string, output: { isolation?: z.infer<typeof isolationReportSchema> | undefined }) =>
  output.isolation ? `${formatIsolationReport(output.isolation)}\n\n${text}` : text;

/** The report, and when a minimum score was asked for, whether the vault reached it (for CI). */
export const vaultHealthOutputSchema = vaultReportSchema.extend({
  minScore: z.number().nullable(),
  passed: z.boolean().nullable().describe('score >= minScore; null when no minimum was asked for'),
  ...isolationOutput,
});
export type VaultHealthOutput = z.infer<typeof vaultHealthOutputSchema>;

async function freshIndex(root: string, exclude: readonly string[], signal: AbortSignal, onProgress: (update: Progress) => void): Promise<VaultIndex> {
  const index = new VaultIndex(root, { exclude });
  await index.scan({ signal, onProgress });
  return index;
}

/** A vault the face keeps live answers from its index; other globs get a scan of their own. */
async function localReport(
  deps: VaultHealthDependencies,
  root: string,
  ownGlobs: readonly string[] | undefined,
  exclude: readonly string[],
  fresh: boolean,
  signal: AbortSignal,
  progress: (update: Progress) => void,
) {
  const live = ownGlobs ? undefined : deps.vaults.get(root);
  if (live && fresh) await live.rescan({ onProgress: progress, signal });
  const index = live ? await live.ready() : await freshIndex(root, exclude, signal, progress);
  return index.report();
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
      dir: vaultDirInput,
      exclude: excludeInput,
      minScore: z
        .number()
        .int()
        .min(0)
        .max(100)
        .optional()
        .describe('Fail (exit status 1) when the score is below this, 0-100: for CI'),
      fresh: z.boolean().default(false).describe('Scan from scratch even where the extension keeps the vault live'),
      ...inContainerInput,
    }),
    output: vaultHealthOutputSchema,
    annotations: { readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: false },
    cli: {
      command: ['vault', 'health'],
      positional: ['dir'],
      examples: ['berth vault health ~/Notes', 'berth vault health --exclude "Templates/**" --json', 'berth vault health --min-score 80  # in CI: exit status 1 below 80', 'berth vault health ~/Notes --in-container --verbose  # in a locked-down container, with its isolation report'],
    },
    async run(input, ctx) {
      const root = vaultRootOf(input, deps, ctx);
      const exclude = excludeOf(input, deps);
      const progress = (update: Progress) => ctx.progress(update);
      const report = runsInContainer(input.inContainer, deps)
        ? await (require('./container/vaultInContainer.js') as typeof InContainer).healthInContainer(deps, { root, exclude, verbose: input.verbose === true }, ctx)
        : await localReport(deps, root, input.exclude === undefined ? undefined : exclude, exclude, input.fresh, ctx.signal, progress);
      if (input.minScore === undefined) return { ...report, minScore: null, passed: null };
      const passed = report.score >= input.minScore;
      if (!passed) ctx.warn?.(`Vault score ${report.score} is below --min-score ${input.minScore}: failing (exit status 1).`);
      return { ...report, minScore: input.minScore, passed };
    },
    format: (output: VaultHealthOutput) => withIsolation(formatVaultReport(output), output),
    exitCode: (output) => (output.passed === false ? 1 : 0),
  });
}
