/* eslint-disable @typescript-eslint/no-require-imports -- the repair code (diff, git, the backup's tar) is required when a repair runs, not with the catalog */
import * as z from 'zod';
import { BerthError } from '../errors.js';
import { defineOperation, type OperationContext } from '../operations.js';
import { printable } from '../text.js';
import type * as Backup from './backup/backup.js';
import type * as Verify from './backup/verify.js';
import { editSetSchema } from './edits.js';
import { VaultIndex } from './index.js';
import type * as Apply from './repair/apply.js';
import type * as Diff from './repair/diff.js';
import type * as Plan from './repair/plan.js';
import type * as Renames from './repair/renames.js';
import type * as Undo from './repair/undo.js';
import type * as InContainer from './container/vaultInContainer.js';
import type { SessionService } from '../sessions/service.js';
import { excludeInput, excludeOf, inContainerInput, isolationOutput, runsInContainer, vaultDirInput, vaultRootOf, withIsolation } from './vaultOperation.js';

export interface VaultRepairDependencies {
  /** The vault folder when the input names none (the open workspace folder); else the working folder. */
  vaultRoot?: () => string | undefined;
  vaultExclude?: () => readonly string[];
  /** Where the state folder is (XDG_STATE_HOME) for backups and the journal; the process's environment when absent. */
  env?: NodeJS.ProcessEnv;
  vaultRunIn?: () => 'local' | 'container';
  sessions?: SessionService;
  dockerHost?: () => string | undefined;
}

const place = { line: z.number().int().optional(), column: z.number().int().optional() };

export const repairOutputSchema = z.object({
  root: z.string().describe('The vault folder, absolute'),
  score: z.number().int().describe('The vault’s score when the plan was made'),
  edits: editSetSchema.describe('The plan as edits: what a face applies'),
  changes: z
    .array(
      z.object({
        kind: z.enum(['retarget', 'case', 'stub', 'remove']),
        path: z.string().describe('The file edited, created or removed'),
        ...place,
        from: z.string().optional().describe('The link’s path as written before'),
        to: z.string().optional().describe('… and after'),
        why: z.string(),
      }),
    )
    .describe('What each edit does and why'),
  leftAlone: z
    .array(z.object({ path: z.string(), ...place, target: z.string().optional(), why: z.string() }))
    .describe('Problems the plan does not touch, and why (a guess it will not make)'),
  emptyNotes: z.array(z.string()).describe('Empty notes kept because removeEmpty was not asked for'),
  files: z.array(z.object({ path: z.string(), sha256: z.string().nullable().describe('Null: must not exist yet') })).describe('Each file the plan touches, as it was when planned'),
  digest: z.string().describe('SHA-256 of the edits and files: pass it as `expect` to apply exactly this plan'),
  diff: z.string().describe('The plan as a unified diff'),
  renames: z.object({
    source: z.enum(['git', 'none']),
    count: z.number().int(),
    why: z.string().optional().describe('Why git’s history was not used'),
  }),
  applied: z
    .object({
      backup: z.string().nullable().describe('The verified backup made first'),
      journal: z.string().describe('What undo reads'),
      scoreAfter: z.number().int(),
    })
    .nullable()
    .describe('Null for a plan (a dry run)'),
});
export type RepairOutput = z.infer<typeof repairOutputSchema>;

async function scan(root: string, exclude: readonly string[], ctx: OperationContext): Promise<VaultIndex> {
  const index = new VaultIndex(root, { exclude });
  await index.scan({ signal: ctx.signal, onProgress: (update) => ctx.progress(update) });
  return index;
}

/** Makes a backup the way `vault.backup` does (the state folder's backups, retention), then verifies it. */
async function verifiedBackup(root: string, score: number, env: NodeJS.ProcessEnv | undefined, ctx: OperationContext): Promise<string> {
  const { backupVault } = require('./backup/backup.js') as typeof Backup;
  const { openArchive, verifyArchive } = require('./backup/verify.js') as typeof Verify;
  ctx.progress({ message: 'Backing up the vault' });
  const made = await backupVault({
    root,
    exclude: [],
    keepDotFolders: true,
    keep: 10,
    score: async () => score,
    signal: ctx.signal,
    progress: (update) => ctx.progress(update),
    ...(env ? { env } : {}),
  });
  ctx.progress({ message: 'Verifying the backup' });
  const archive = await openArchive(made.file);
  try {
    await verifyArchive(archive, made.file, { signal: ctx.signal });
  } finally {
    await archive.close();
  }
  return made.file;
}

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

export function formatRepair(o: RepairOutput): string {
  const lines = [`Repair of ${printable(o.root)} (score ${o.score})${o.applied || o.changes.length === 0 ? '' : ': a plan, nothing written (--apply applies it)'}`];
  lines.push(o.renames.source === 'git' ? `  Renames from git's history: ${o.renames.count}` : `  Renames: not from git (${printable(o.renames.why ?? '')}); names and aliases only`);
  if (o.changes.length === 0) lines.push('', 'Nothing to repair.');
  else lines.push('', `${plural(o.changes.length, 'change')}:`);
  for (const change of o.changes) {
    const where = change.line === undefined ? printable(change.path) : `${printable(change.path)}:${change.line}:${change.column}`;
    const what = change.kind === 'stub' ? '  (new note)' : change.kind === 'remove' ? '' : `  ${printable(change.from ?? '')} → ${printable(change.to ?? '')}`;
    lines.push(`  ${change.kind.padEnd(8)}  ${where}${what}`, `            ${printable(change.why)}`);
  }
  if (o.leftAlone.length) lines.push('', `Left alone (${o.leftAlone.length}):`);
  for (const item of o.leftAlone) {
    const where = item.line === undefined ? printable(item.path) : `${printable(item.path)}:${item.line}:${item.column}`;
    lines.push(`  ${where}${item.target === undefined ? '' : `  ${printable(item.target)}`}`, `            ${printable(item.why)}`);
  }
  if (o.emptyNotes.length) lines.push('', `${plural(o.emptyNotes.length, 'empty note')} kept (${o.emptyNotes.map(printable).join(', ')}): --remove-empty removes those nothing links to.`);
  if (o.diff) lines.push('', o.diff.trimEnd());
  if (o.applied) {
    lines.push('', `Applied. Score ${o.score} → ${o.applied.scoreAfter}.`);
    if (o.applied.backup) lines.push(`  Backed up first (verified): ${printable(o.applied.backup)}`);
    lines.push(`  Undo with: berth vault undo ${printable(o.root)}`);
  }
  return lines.join('\n');
}

export function createVaultRepairOperations(deps: VaultRepairDependencies) {
  const repair = defineOperation({
    name: 'vault.repair',
    title: 'Plan (and apply) a repair of a vault',
    description:
      'Plans a repair of a markdown vault as edits and a unified diff: broken links whose target was renamed are pointed at its new name ' +
      '(from git’s rename history when the vault is in a git repository, else the nearest note name or alias within a third of the name’s length; ' +
      'a tie or nothing that close is left alone and reported), links that differ from their note only in case are spelled as the note is, ' +
      'notes are created only for the link targets given in `stub`, and empty notes nothing links to are removed only with `removeEmpty`. ' +
      'A dry run unless `apply` is true: then it backs the vault up and verifies the backup, refuses if a planned file changed since planning, ' +
      'writes each file atomically, rescans and records a journal that `vault.undo` reads.',
    input: z.object({
      dir: vaultDirInput,
      apply: z.boolean().default(false).describe('Back up, then apply the plan (default: only show it)'),
      stub: z.array(z.string().min(1)).default([]).describe('A broken link’s target to create a note for, as the plan lists it; repeatable'),
      removeEmpty: z.boolean().default(false).describe('Remove empty notes that nothing links to'),
      exclude: excludeInput,
      expect: z
        .string()
        .regex(/^[0-9a-f]{64}$/, 'a plan’s digest: 64 hex digits')
        .optional()
        .describe('Apply only if the plan’s digest is this one (the plan a person reviewed)'),
      ...inContainerInput,
    }),
    output: repairOutputSchema.extend(isolationOutput),
    annotations: { readOnlyHint: false, destructiveHint: true, idempotentHint: false, openWorldHint: false },
    cli: {
      command: ['vault', 'repair'],
      positional: ['dir'],
      examples: [
        'berth vault repair ~/Notes  # the plan and its diff; nothing is written',
        'berth vault repair ~/Notes --stub "Reading List" --remove-empty',
        'berth vault repair ~/Notes --apply  # backs up, applies, prints the score before and after',
        'berth vault repair ~/Notes --apply --in-container  # in a container without network: the vault writable only for this',
      ],
    },
    async run(input, ctx) {
      const root = vaultRootOf(input, deps, ctx);
      const exclude = excludeOf(input, deps);
      if (runsInContainer(input.inContainer, deps)) {
        const { repairInContainer } = require('./container/vaultInContainer.js') as typeof InContainer;
        return repairInContainer(
          deps,
          { root, apply: input.apply, stub: input.stub, removeEmpty: input.removeEmpty, exclude, expect: input.expect, verbose: input.verbose === true },
          ctx,
        );
      }
      const { planRepair, sha256 } = require('./repair/plan.js') as typeof Plan;
      const { planDiff } = require('./repair/diff.js') as typeof Diff;
      const { gitRenames } = require('./repair/renames.js') as typeof Renames;
      // A fresh scan, never a face's live index: the edits' places must be those of the files on disk.
      const index = await scan(root, exclude, ctx);
      ctx.progress({ message: 'Reading git’s rename history' });
      const history = await gitRenames(index.root, ctx.signal);
      ctx.progress({ message: 'Planning' });
      const plan = await planRepair(index, history, { stubs: input.stub, removeEmpty: input.removeEmpty });
      const digest = sha256(JSON.stringify({ edits: plan.edits, files: plan.files }));
      const score = index.report().score;
      const output: RepairOutput = {
        root: index.root,
        score,
        edits: plan.edits,
        changes: plan.changes,
        leftAlone: plan.leftAlone,
        emptyNotes: plan.emptyNotes,
        files: plan.files,
        digest,
        diff: planDiff(plan),
        renames: history.source === 'git' ? { source: 'git', count: history.renames.length } : { source: 'none', count: 0, why: history.why },
        applied: null,
      };
      if (input.expect !== undefined && input.expect !== digest) {
        throw new BerthError('The vault changed since the plan you reviewed: this plan differs from it, so nothing was written.', 'Look at the new plan (run the repair without apply) and apply that.', 'EDIT_CONFLICT');
      }
      if (!input.apply || plan.files.length === 0) return output;
      const { applyRepair } = require('./repair/apply.js') as typeof Apply;
      const applied = await applyRepair({
        plan,
        backup: () => verifiedBackup(index.root, score, deps.env, ctx),
        ...(ctx.applyEdits ? { applyEdits: ctx.applyEdits } : {}),
        ...(deps.env ? { env: deps.env } : {}),
      });
      ctx.progress({ message: 'Rescanning' });
      const after = (await scan(root, exclude, ctx)).report().score;
      return { ...output, applied: { ...applied, scoreAfter: after } };
    },
    format: (output) => withIsolation(formatRepair(output), output),
  });

  const undo = defineOperation({
    name: 'vault.undo',
    title: 'Undo the last applied repair of a vault',
    description:
      'Puts back every file the last applied `vault.repair` changed, created or removed, byte for byte with its mode and time, from the journal it recorded. ' +
      'Refuses, naming the files and writing nothing, if any of them changed since the repair.',
    input: z.object({
      dir: vaultDirInput,
    }),
    output: z.object({
      root: z.string(),
      restored: z.array(z.string()).describe('Files given back their content from before the repair'),
      removed: z.array(z.string()).describe('Notes the repair had created, removed'),
      recreated: z.array(z.string()).describe('Notes the repair had removed, made again'),
      appliedAt: z.string().describe('When the undone repair was applied'),
      backup: z.string().nullable().describe('The backup made before it'),
      score: z.number().int().describe('The vault’s score now'),
    }),
    annotations: { readOnlyHint: false, destructiveHint: true, idempotentHint: false, openWorldHint: false },
    cli: {
      command: ['vault', 'undo'],
      positional: ['dir'],
      examples: ['berth vault undo ~/Notes  # refuses, naming them, if files changed since the repair'],
    },
    async run(input, ctx) {
      const root = vaultRootOf(input, deps, ctx);
      const { undoRepair } = require('./repair/undo.js') as typeof Undo;
      const result = await undoRepair(root, deps.env);
      const index = await scan(root, deps.vaultExclude?.() ?? [], ctx);
      return { root: index.root, ...result, score: index.report().score };
    },
    format: (o) => {
      const parts = [
        o.restored.length ? `restored ${o.restored.map(printable).join(', ')}` : '',
        o.removed.length ? `removed ${o.removed.map(printable).join(', ')}` : '',
        o.recreated.length ? `recreated ${o.recreated.map(printable).join(', ')}` : '',
      ].filter(Boolean);
      return `Undid the repair of ${o.appliedAt} in ${printable(o.root)}: ${parts.join('; ') || 'nothing to put back'}. Score ${o.score}.`;
    },
  });

  return [repair, undo];
}
