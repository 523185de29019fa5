import { realpath } from 'node:fs/promises';
import { join } from 'node:path';
import { BerthError } from '../../errors.js';
import { printable } from '../../text.js';
import { readState, removeFile, writeAtomically } from './files.js';
import { journalPath, readJournal, removeJournal, removeMadeFolders } from './journal.js';
import { sha256 } from './plan.js';

export interface UndoResult {
  /** Files given back their bytes, mode and time from before the repair. */
  restored: string[];
  /** Files the repair had created, removed again. */
  removed: string[];
  /** Files the repair had removed, made again. */
  recreated: string[];
  appliedAt: string;
  backup: string | null;
}

/**
 * Puts back the vault as it was before its last applied repair, byte for byte, from the journal.
 * Every file must still be as the repair left it: undoing over a later edit would lose that edit,
 * so a change anywhere refuses the whole undo, naming the files, before anything is written.
 */
export async function undoRepair(root: string, env?: NodeJS.ProcessEnv): Promise<UndoResult> {
  const realRoot = await realpath(root).catch(() => {
    throw new BerthError(`The vault folder ${printable(root)} does not exist.`, 'Name the folder that was repaired.', 'VAULT_NOT_FOUND');
  });
  const path = journalPath(realRoot, env);
  const journal = await readJournal(path, realRoot);
  const at = (file: string) => join(realRoot, ...file.split('/'));

  const changed: string[] = [];
  for (const file of journal.files) {
    const now = await readState(at(file.path));
    if ((now === null ? null : sha256(now.bytes)) !== file.after) changed.push(`${file.path} (${file.after === null ? 'made again' : now === null ? 'removed' : 'edited'})`);
  }
  if (changed.length) {
    const backup = journal.backup ? ` The backup made before the repair is ${printable(journal.backup)}.` : '';
    throw new BerthError(
      `Undo refused: ${changed.map(printable).join(', ')} changed since the repair of ${journal.appliedAt}, and undoing would lose those changes. Nothing was written.`,
      `Put those files back as the repair left them, or take what you need from the backup.${backup}`,
      'VAULT_CHANGED',
    );
  }

  const result: UndoResult = { restored: [], removed: [], recreated: [], appliedAt: journal.appliedAt, backup: journal.backup };
  for (const file of journal.files) {
    if (file.before === null) {
      await removeFile(at(file.path));
      result.removed.push(file.path);
      continue;
    }
    await writeAtomically(at(file.path), Buffer.from(file.before.base64, 'base64'), file.before.mode, file.before.mtimeMs);
    (file.after === null ? result.recreated : result.restored).push(file.path);
  }
  await removeMadeFolders(journal.folders.map(at));
  await removeJournal(path);
  return result;
}
