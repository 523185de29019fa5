import * as z from 'zod';

/**
 * Changes to a vault as data: the core plans them, a face applies them (VS Code as an undoable
 * WorkspaceEdit that respects unsaved editors, the CLI by writing files). Positions count like
 * VS Code's and LSP's: 0-based lines, UTF-16 code units within the line.
 */
const position = z.object({ line: z.number().int().nonnegative(), character: z.number().int().nonnegative() });

export const textEditSchema = z.object({
  path: z.string().describe('Vault-relative, with /'),
  range: z.object({ start: position, end: position }),
  newText: z.string(),
});
export type TextEdit = z.infer<typeof textEditSchema>;

export const fileCreateSchema = z.object({
  path: z.string().describe('Vault-relative, with /'),
  content: z.string(),
});
export type FileCreate = z.infer<typeof fileCreateSchema>;

export const fileDeleteSchema = z.object({
  path: z.string().describe('Vault-relative, with /'),
});
export type FileDelete = z.infer<typeof fileDeleteSchema>;

export const editSetSchema = z.object({
  root: z.string().describe('The vault folder the paths are relative to, absolute'),
  textEdits: z.array(textEditSchema),
  creates: z.array(fileCreateSchema),
  // Optional so that the single-link fixes, which never remove a note, keep their shape.
  deletes: z.array(fileDeleteSchema).optional().describe('Files to remove (a repair removing empty notes)'),
});
export type EditSet = z.infer<typeof editSetSchema>;
