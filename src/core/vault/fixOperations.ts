import { readFile } from 'node:fs/promises';
import * as z from 'zod';
import { defineOperation, type OperationContext } from '../operations.js';
import { callerPath } from '../paths.js';
import { printable } from '../text.js';
import { editSetSchema } from './edits.js';
import type { VaultIndex } from './index.js';
import { brokenLinkAt, planCreate, planRetarget } from './linkFixes.js';
import { vaultDirInput, vaultRootOf } from './vaultOperation.js';
import type { Vaults } from './live.js';

export interface VaultFixDependencies {
  vaults: Vaults;
  /** The vault folder when the input names none (the open workspace folder); else the working folder. */
  vaultRoot?: () => string | undefined;
  vaultExclude?: () => readonly string[];
}

const linkInput = z.object({
  note: z.string().min(1).describe('The note that holds the link (relative to the working folder, or absolute)'),
  line: z.number().int().positive().describe('1-based line where the link starts, as the report lists it'),
  column: z.number().int().positive().describe('1-based column where the link starts, as the report lists it'),
  dir: vaultDirInput,
  text: z.string().optional().describe('The note’s current text where it differs from the file (an unsaved editor)'),
});

/** The index the fix reads (the live one where a face keeps it), the link and the note's text. */
async function brokenLink(deps: VaultFixDependencies, input: z.infer<typeof linkInput>, ctx: OperationContext) {
  const root = vaultRootOf(input, deps, ctx);
  const index: VaultIndex = await deps.vaults.index(root, { exclude: deps.vaultExclude?.() ?? [], signal: ctx.signal, onProgress: (update) => ctx.progress(update) });
  const note = index.relativePath(callerPath(ctx, input.note, 'The note')) ?? input.note;
  const link = brokenLinkAt(index, note, input.line, input.column);
  const text = input.text ?? (await readFile(index.absolutePath(note), 'utf8'));
  return { index, link, text };
}

/** Planning a fix changes nothing: the face applies the edits it returns (VS Code as an undoable edit). */
const planning = { readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: false } as const;

export function createVaultFixOperations(deps: VaultFixDependencies) {
  const retarget = defineOperation({
    name: 'vault.link.retarget',
    title: 'Point a broken link at the closest note',
    description:
      'Plans the fix of a broken link whose target is a likely typo: the existing note whose name is closest (never a guess past a third of the name), ' +
      'written as a wikilink name or a markdown path relative to the note. Returns the edit; nothing is written.',
    input: linkInput,
    output: z.object({ edits: editSetSchema, newTarget: z.string().describe('What the link will name') }),
    annotations: planning,
    cli: {
      command: ['vault', 'link', 'retarget'],
      positional: ['note'],
      examples: ['berth vault link retarget Ideas.md --line 5 --column 66  # prints the edit'],
    },
    async run(input, ctx) {
      const { index, link, text } = await brokenLink(deps, input, ctx);
      return planRetarget(index, link, text);
    },
    format: ({ edits, newTarget }) =>
      edits.textEdits.map((edit) => `${printable(edit.path)}:${edit.range.start.line + 1}:${edit.range.start.character + 1}  → ${printable(newTarget)}`).join('\n'),
  });

  const create = defineOperation({
    name: 'vault.note.create',
    title: 'Create the note a broken link names',
    description:
      'Plans a new note for a broken link: at the vault root for a wikilink, beside the linking note for a markdown link, with a heading of its name. ' +
      'Returns the file to create; nothing is written.',
    input: linkInput,
    output: z.object({ edits: editSetSchema, path: z.string().describe('The new note, vault-relative') }),
    annotations: planning,
    cli: {
      command: ['vault', 'note', 'create'],
      positional: ['note'],
      examples: ['berth vault note create Ideas.md --line 5 --column 66  # prints the note it would create'],
    },
    async run(input, ctx) {
      const { index, link } = await brokenLink(deps, input, ctx);
      return planCreate(index, link);
    },
    format: ({ path }) => `Create ${printable(path)}`,
  });

  return [retarget, create];
}
