import { createHash } from 'node:crypto';
import { mkdir, readFile, rmdir, unlink } from 'node:fs/promises';
import { basename, join } from 'node:path';
import * as z from 'zod';
import { BerthError } from '../../errors.js';
import { stateDir } from '../../sessions/audit.js';
import { printable } from '../../text.js';
import { writeAtomically } from './files.js';

/** What undo needs of one file: its bytes, mode and time before the repair, and a hash of it right after. */
const journalFileSchema = z.object({
  path: z.string(),
  /** Null for a file the repair created. */
  before: z.object({ base64: z.string(), mode: z.number().int(), mtimeMs: z.number() }).nullable(),
  /** SHA-256 of the file right after the repair; null for a file it removed. */
  after: z.string().nullable(),
});
export type JournalFile = z.infer<typeof journalFileSchema>;

export const journalSchema = z.object({
  format: z.literal('berth-repair-journal'),
  version: z.literal(1),
  /** The vault's real path, so that a journal is never applied to another folder. */
  vault: z.string(),
  appliedAt: z.string(),
  /** The verified backup made before the repair. */
  backup: z.string().nullable(),
  files: z.array(journalFileSchema),
  /** Folders the repair made for new notes, outermost first. */
  folders: z.array(z.string()),
});
export type Journal = z.infer<typeof journalSchema>;

/**
 * One journal per vault, holding its last applied repair: `repairs/NAME-HASH.json` in the state
 * folder (the hash of the vault's real path keeps two vaults of one name apart).
 */
export function journalPath(realRoot: string, env?: NodeJS.ProcessEnv): string {
  const id = createHash('sha256').update(realRoot).digest('hex').slice(0, 8);
  return join(stateDir(env), 'repairs', `${basename(realRoot) || 'vault'}-${id}.json`);
}

export async function writeJournal(path: string, journal: Journal): Promise<void> {
  await mkdir(join(path, '..'), { recursive: true, mode: 0o700 });
  await writeAtomically(path, Buffer.from(`${JSON.stringify(journal)}\n`), 0o600);
}

export async function readJournal(path: string, vault: string): Promise<Journal> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    throw new BerthError(
      `There is no applied repair of ${printable(vault)} to undo.`,
      'Berth keeps the last repair applied with "berth vault repair --apply" (or Repair Vault… in VS Code) until it is undone; restore a backup to go further back.',
      'REPAIR_NOT_FOUND',
    );
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    parsed = undefined;
  }
  const journal = journalSchema.safeParse(parsed);
  if (!journal.success) {
    throw new BerthError(`The repair journal ${printable(path)} is damaged.`, `Nothing was changed. Restore the backup made before the repair instead (berth vault restore FILE --to ${printable(vault)} --force).`, 'REPAIR_NOT_FOUND');
  }
  if (journal.data.vault !== vault) {
    throw new BerthError(`The repair journal ${printable(path)} belongs to ${printable(journal.data.vault)}, not ${printable(vault)}.`, 'Run undo on the vault that was repaired.', 'REPAIR_NOT_FOUND');
  }
  return journal.data;
}

export async function removeJournal(path: string): Promise<void> {
  await unlink(path).catch(() => undefined);
}

/** Removes folders a repair made, innermost first, where they are empty again; a folder that holds something stays. */
export async function removeMadeFolders(folders: readonly string[]): Promise<void> {
  for (const folder of [...folders].reverse()) await rmdir(folder).catch(() => undefined);
}
