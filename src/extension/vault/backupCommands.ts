import * as vscode from 'vscode';
import type { OperationCommand } from '../commands/operationCommands.js';

/** What the commands show of an operation's result. */
interface BackupOutput {
  file: string;
  files: number;
  vault: { path: string; score: number };
  createdAt: string;
}

/** A backup file: the one the command was given (the Explorer's context menu), or one the person picks. */
async function backupFile(arg: unknown, verb: string): Promise<string | undefined> {
  if (arg instanceof vscode.Uri) return arg.fsPath;
  const [picked] = (await vscode.window.showOpenDialog({ canSelectMany: false, openLabel: verb, title: `Berth: ${verb} Backup`, filters: { 'Berth backups': ['gz'] } })) ?? [];
  return picked?.fsPath;
}

/**
 * Back Up Vault, Verify Backup… and Restore Backup…: the vault operations, with file pickers where
 * they need a file. A target folder that is not empty is restored into only after a modal yes.
 */
export function backupCommands(vaultFolder: vscode.WorkspaceFolder | undefined): OperationCommand[] {
  return [
    {
      command: 'berth.vault.backup',
      operation: 'vault.backup',
      presentation: { kind: 'notification', title: 'backing up the vault' },
      input() {
        if (vaultFolder) return { dir: vaultFolder.uri.fsPath };
        void vscode.window.showWarningMessage('Berth: open a folder of markdown notes to back it up as a vault.');
        return undefined;
      },
      done(output) {
        const { file, files } = output as BackupOutput;
        void vscode.window.showInformationMessage(`Berth: backed up ${files} files to ${file}.`, 'Reveal Backup').then((choice) => {
          if (choice) void vscode.commands.executeCommand('revealFileInOS', vscode.Uri.file(file));
        });
      },
    },
    {
      command: 'berth.vault.verify',
      operation: 'vault.verify',
      presentation: { kind: 'notification', title: 'verifying the backup' },
      async input(arg) {
        const file = await backupFile(arg, 'Verify');
        return file ? { file } : undefined;
      },
      done(output) {
        const { file, files, createdAt } = output as BackupOutput;
        void vscode.window.showInformationMessage(`Berth: ${file} is intact: ${files} files, every hash checked (made ${createdAt}).`);
      },
    },
    {
      command: 'berth.vault.restore',
      operation: 'vault.restore',
      presentation: { kind: 'notification', title: 'restoring the backup' },
      async input(arg) {
        const file = await backupFile(arg, 'Restore');
        if (!file) return undefined;
        const [to] = (await vscode.window.showOpenDialog({ canSelectFiles: false, canSelectFolders: true, canSelectMany: false, openLabel: 'Restore Here', title: 'Berth: Restore Backup Into' })) ?? [];
        if (!to) return undefined;
        const present = await vscode.workspace.fs.readDirectory(to).then(
          (entries) => entries.length > 0,
          () => false,
        );
        if (!present) return { file, to: to.fsPath };
        const answer = await vscode.window.showWarningMessage(
          `${to.fsPath} is not empty. Restore over it?`,
          { modal: true, detail: 'Files of the backup replace those at the same paths; other files stay.' },
          'Restore Over It',
        );
        return answer ? { file, to: to.fsPath, force: true } : undefined;
      },
      done(output) {
        const { files } = output as BackupOutput;
        const { to } = output as { to: string };
        void vscode.window.showInformationMessage(`Berth: restored ${files} files into ${to}, read back and verified.`, 'Open Folder').then((choice) => {
          if (choice) void vscode.commands.executeCommand('vscode.openFolder', vscode.Uri.file(to), { forceNewWindow: true });
        });
      },
    },
  ];
}
