import { realpath } from 'node:fs/promises';
import { dirname, join, relative, sep } from 'node:path';
import { BerthError } from '../../errors.js';
import { printable } from '../../text.js';
import type { EditSet } from '../edits.js';
import { makeFolders, readState, removeFile, writeAtomically, type FileState } from './files.js';
import { journalPath, removeMadeFolders, writeJournal, type Journal, type JournalFile } from './journal.js';
import { sha256, type RepairPlan } from './plan.js';

export interface ApplyRequest {
  plan: Pick<RepairPlan, 'root' | 'edits' | 'files' | 'contents'>;
  /** Makes and verifies a backup, returning its file; called after the first check and before anything is written. */
  backup(): Promise<string | null>;
  /** A face that applies edits itself (VS Code, as an undoable WorkspaceEdit); the files are written here otherwise. */
  applyEdits?(edits: EditSet): Promise<void>;
  env?: NodeJS.ProcessEnv;
}

const absolute = (root: string, path: string) => join(root, ...path.split('/'));

/**
 * Every planned file as it is now, refusing when any differs from what the plan was made from:
 * edits computed from other text would land in the wrong places, and a note written since must not
 * be overwritten.
 */
async function unchangedSincePlan(plan: ApplyRequest['plan']): Promise<Map<string, FileState | null>> {
  const states = new Map<string, FileState | null>();
  const changed: string[] = [];
  for (const file of plan.files) {
    const state = await readState(absolute(plan.root, file.path));
    states.set(file.path, state);
    if ((state === null ? null : sha256(state.bytes)) !== file.sha256) changed.push(file.path);
  }
  if (changed.length) {
    throw new BerthError(
      `${changed.map(printable).join(', ')} changed since the repair was planned; nothing was written.`,
      'Plan the repair again (berth vault repair shows the new plan) and apply that.',
      'EDIT_CONFLICT',
    );
  }
  return states;
}

/** Writes the plan's files here: new notes (never over a file), edited notes, removed notes. */
async function writePlan(plan: ApplyRequest['plan'], states: Map<string, FileState | null>, done: JournalFile[], folders: string[]): Promise<void> {
  for (const file of plan.files) {
    const path = absolute(plan.root, file.path);
    const { after } = plan.contents.get(file.path)!;
    const before = states.get(file.path)!;
    if (after === null) {
      await removeFile(path);
    } else {
      if (before === null) folders.push(...(await makeFolders(dirname(path))));
      // A new note takes the usual mode of a new file; an edited one keeps its own.
      await writeAtomically(path, Buffer.from(after, 'utf8'), before?.mode ?? 0o644);
    }
    done.push(journalEntry(file.path, before, after === null ? null : sha256(Buffer.from(after, 'utf8'))));
  }
}

function journalEntry(path: string, before: FileState | null, after: string | null): JournalFile {
  return { path, before: before && { base64: before.bytes.toString('base64'), mode: before.mode, mtimeMs: before.mtimeMs }, after };
}

/** Puts back what a failed write had done already, newest first. */
async function rollBack(root: string, done: readonly JournalFile[], folders: readonly string[]): Promise<void> {
  for (const file of [...done].reverse()) {
    const path = absolute(root, file.path);
    if (file.before === null) await removeFile(path).catch(() => undefined);
    else await writeAtomically(path, Buffer.from(file.before.base64, 'base64'), file.before.mode, file.before.mtimeMs).catch(() => undefined);
  }
  await removeMadeFolders(folders);
}

/**
 * Applies a plan: checks that nothing changed since it was made, backs up, checks again (a backup
 * of a large vault takes a while), writes (or lets the face apply the edits), and records in the
 * journal what undo needs: each file's bytes before and a hash of it after.
 */
export async function applyRepair(request: ApplyRequest): Promise<{ backup: string | null; journal: string }> {
  const { plan } = request;
  await unchangedSincePlan(plan);
  const backup = await request.backup();
  const states = await unchangedSincePlan(plan);
  const realRoot = await realpath(plan.root);
  const files: JournalFile[] = [];
  const made: string[] = [];
  if (request.applyEdits) {
    await request.applyEdits(plan.edits);
    // What the face wrote is what undo must find: read it back rather than trust the plan.
    for (const file of plan.files) {
      const now = await readState(absolute(plan.root, file.path));
      files.push(journalEntry(file.path, states.get(file.path)!, now === null ? null : sha256(now.bytes)));
    }
  } else {
    try {
      await writePlan(plan, states, files, made);
    } catch (error) {
      await rollBack(plan.root, files, made);
      throw new BerthError(`The repair could not be written: ${(error as Error).message}. What it had written is put back.`, 'Check the vault’s permissions and free space, then plan and apply again.', 'REPAIR_FAILED');
    }
  }
  const journal: Journal = {
    format: 'berth-repair-journal',
    version: 1,
    vault: realRoot,
    appliedAt: new Date().toISOString(),
    backup,
    files,
    folders: made.map((folder) => relative(plan.root, folder).split(sep).join('/')),
  };
  const path = journalPath(realRoot, request.env);
  await writeJournal(path, journal);
  return { backup, journal: path };
}
