import * as vscode from 'vscode';
import type { OperationCommand } from '../commands/operationCommands.js';
import type { BerthCore } from '../coreLoader.js';
import { showRepairDiff } from './repairDiff.js';
import { toWorkspaceEdit } from './workspaceEdit.js';

/** What a person chose for a plan: the stubs and whether empty notes go. */
interface Choices {
  stub: string[];
  removeEmpty: boolean;
}

/** What Apply hands to the applying command: the choices and the digest of the plan the person saw. */
interface Approved extends Choices {
  expect: string;
  files: string[];
}

const choicesOf = (arg: unknown): Choices => {
  const given = (arg ?? {}) as Partial<Choices>;
  return { stub: Array.isArray(given.stub) ? given.stub.filter((item) => typeof item === 'string') : [], removeEmpty: given.removeEmpty === true };
};

const uriIn = (folder: vscode.WorkspaceFolder, path: string) => vscode.Uri.joinPath(folder.uri, ...path.split('/'));

/** The open documents among `paths` with unsaved changes: a repair planned from the disk must not land in them. */
function unsaved(folder: vscode.WorkspaceFolder, paths: readonly string[] | undefined): string[] {
  const dirty = vscode.workspace.textDocuments.filter((document) => document.isDirty);
  if (paths === undefined) return dirty.filter((document) => document.uri.fsPath.startsWith(folder.uri.fsPath)).map((document) => vscode.workspace.asRelativePath(document.uri, false));
  return paths.filter((path) => dirty.some((document) => document.uri.fsPath === uriIn(folder, path).fsPath));
}

async function refuseUnsaved(names: string[], what: string): Promise<boolean> {
  if (names.length === 0) return false;
  await vscode.window.showWarningMessage(`Berth: ${names.join(', ')} ${names.length === 1 ? 'has' : 'have'} unsaved changes.`, {
    modal: true,
    detail: `${what} works on the files on disk. Save or revert ${names.length === 1 ? 'it' : 'them'} first; nothing was changed.`,
  });
  return true;
}

/** Broken links the plan left alone and empty notes: what the person may pick to stub or remove. */
async function pickChoices(plan: BerthCore.RepairOutput, current: Choices): Promise<Choices | undefined> {
  type Item = vscode.QuickPickItem & { stub?: string; removeEmpty?: boolean };
  const targets = [...new Set(plan.leftAlone.filter((item) => item.target !== undefined && item.line !== undefined).map((item) => item.target!))];
  const items: Item[] = [
    ...[...new Set([...current.stub, ...targets])].map((target) => ({ label: `Create note "${target}"`, description: 'for the broken links to it', stub: target, picked: current.stub.includes(target) })),
    ...(plan.emptyNotes.length || current.removeEmpty
      ? [{ label: 'Remove empty notes', description: 'those nothing links to', detail: plan.emptyNotes.join(', '), removeEmpty: true, picked: current.removeEmpty }]
      : []),
  ];
  if (items.length === 0) {
    void vscode.window.showInformationMessage('Berth: the plan leaves no broken link or empty note to choose.');
    return undefined;
  }
  const picked = await vscode.window.showQuickPick(items, { canPickMany: true, title: 'Berth: Repair Vault — notes to create and empty notes to remove (none by default)' });
  if (!picked) return undefined;
  return { stub: picked.flatMap((item) => (item.stub ? [item.stub] : [])), removeEmpty: picked.some((item) => item.removeEmpty) };
}

/**
 * The face's way of applying a repair: one WorkspaceEdit, so that each edited note can be undone
 * in its editor, then the edited notes saved, since the journal and `vault.undo` read the disk.
 * Only notes without unsaved changes get here (checked before the operation ran).
 */
async function applyAsWorkspaceEdit(edits: BerthCore.EditSet): Promise<void> {
  const root = vscode.Uri.file(edits.root);
  const edited = [...new Set(edits.textEdits.map((edit) => edit.path))].map((path) => ({ path, uri: vscode.Uri.joinPath(root, ...path.split('/')) }));
  const openDocument = (uri: vscode.Uri) => vscode.workspace.textDocuments.find((open) => open.uri.toString() === uri.toString());
  // Checked again here: a note may have been typed into while the backup ran.
  const typed = edited.filter(({ uri }) => openDocument(uri)?.isDirty).map(({ path }) => path);
  if (typed.length) throw new Error(`${typed.join(', ')} got unsaved changes while the vault was backed up; nothing was changed. Save or revert, then repair again.`);
  if (!(await vscode.workspace.applyEdit(toWorkspaceEdit(edits)))) {
    throw new Error('VS Code did not apply the repair (a file may have changed or be read-only). The backup made first is intact; plan the repair again.');
  }
  for (const { path, uri } of edited) {
    const document = openDocument(uri);
    if (document?.isDirty && !(await document.save())) throw new Error(`VS Code could not save ${path} after repairing it.`);
  }
}

/**
 * Repair Vault… plans (nothing written), opens the plan in a diff view, and only after a modal
 * Apply runs the operation again with apply and the digest of the plan shown: a vault that changed
 * meanwhile is refused rather than repaired differently. Undo Last Repair runs `vault.undo`.
 */
export function repairCommands(vaultFolder: vscode.WorkspaceFolder | undefined): OperationCommand[] {
  const needFolder = () => {
    void vscode.window.showWarningMessage('Berth: open a folder of markdown notes to repair it as a vault.');
    return undefined;
  };
  return [
    {
      command: 'berth.vault.repair',
      operation: 'vault.repair',
      presentation: { kind: 'notification', title: 'planning the repair' },
      input(arg) {
        if (!vaultFolder) return needFolder();
        return { dir: vaultFolder.uri.fsPath, ...choicesOf(arg) };
      },
      done(output, { core, input }) {
        // Not awaited: the progress notification ends while the person reads the plan.
        void review(output as BerthCore.RepairOutput, core, choicesOf(input));
      },
    },
    {
      command: 'berth.vault.repair.apply',
      operation: 'vault.repair',
      presentation: { kind: 'notification', title: 'repairing the vault' },
      async input(arg) {
        if (!vaultFolder) return needFolder();
        const approved = arg as Partial<Approved> | undefined;
        // Only Repair Vault… hands over a reviewed plan; run alone, this command starts there.
        if (typeof approved?.expect !== 'string') return void (await vscode.commands.executeCommand('berth.vault.repair'));
        if (await refuseUnsaved(unsaved(vaultFolder, approved.files ?? []), 'The repair')) return undefined;
        return { dir: vaultFolder.uri.fsPath, ...choicesOf(approved), expect: approved.expect, apply: true };
      },
      applyEdits: applyAsWorkspaceEdit,
      done(output) {
        const { score, applied } = output as BerthCore.RepairOutput;
        if (!applied) return;
        void vscode.window.showInformationMessage(`Berth: vault repaired, score ${score} → ${applied.scoreAfter}. Backed up first to ${applied.backup ?? 'nowhere'}.`, 'Undo Last Repair').then((choice) => {
          if (choice) void vscode.commands.executeCommand('berth.vault.undo');
        });
      },
    },
    {
      command: 'berth.vault.undo',
      operation: 'vault.undo',
      presentation: { kind: 'notification', title: 'undoing the last repair' },
      async input() {
        if (!vaultFolder) return needFolder();
        if (await refuseUnsaved(unsaved(vaultFolder, undefined), 'Undo Last Repair')) return undefined;
        return { dir: vaultFolder.uri.fsPath };
      },
      done(output) {
        const { restored, removed, recreated, score } = output as { restored: string[]; removed: string[]; recreated: string[]; score: number };
        void vscode.window.showInformationMessage(`Berth: last repair undone: ${restored.length + recreated.length} file(s) put back, ${removed.length} created note(s) removed. Score ${score}.`);
      },
    },
  ];
}

/** Shows the plan (a diff view, then a modal question) and applies it, or plans again with other choices, as the person says. */
async function review(plan: BerthCore.RepairOutput, core: typeof BerthCore, choices: Choices): Promise<void> {
  const left = plan.leftAlone.length ? ` ${plan.leftAlone.length} left alone (see the log).` : '';
  if (plan.changes.length === 0) {
    const choice = await vscode.window.showInformationMessage(`Berth: nothing to repair.${left}`, ...(plan.leftAlone.length || plan.emptyNotes.length ? ['Choose Notes to Create or Remove…'] : []));
    if (choice) await choose(plan, choices);
    return;
  }
  await showRepairDiff(plan, core);
  const summary = plan.changes.map((change) => `${change.kind} ${change.path}${change.line ? `:${change.line}` : ''}${change.to ? ` → ${change.to}` : ''}`);
  const answer = await vscode.window.showInformationMessage(
    `Berth: apply ${plan.changes.length} change${plan.changes.length === 1 ? '' : 's'} to the vault?`,
    {
      modal: true,
      detail: `${summary.slice(0, 12).join('\n')}${summary.length > 12 ? `\n… and ${summary.length - 12} more` : ''}\n\nThe vault is backed up first; each note can be undone in its editor, or all with Undo Last Repair.${left}`,
    },
    'Apply',
    'Choose Notes to Create or Remove…',
  );
  if (answer === 'Apply') {
    const approved: Approved = { ...choices, expect: plan.digest, files: plan.files.map((file) => file.path) };
    await vscode.commands.executeCommand('berth.vault.repair.apply', approved);
  } else if (answer) await choose(plan, choices);
}

/** Lets the person pick stubs and empty notes, then plans again with them. */
async function choose(plan: BerthCore.RepairOutput, current: Choices): Promise<void> {
  const choices = await pickChoices(plan, current);
  if (choices) await vscode.commands.executeCommand('berth.vault.repair', choices);
}
