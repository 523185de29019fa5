import * as z from 'zod';

/**
 * The vault report as data: the schema is what the table promises every face (MCP's output
 * schema, the CLI's --json), and the types are read off it so the two cannot drift.
 */

export const checkNames = ['brokenLinks', 'orphans', 'ambiguousLinks', 'missingFragments', 'invalidFrontmatter', 'emptyNotes', 'unusedAttachments', 'nameClashes'] as const;
export type CheckName = (typeof checkNames)[number];
export type Universe = 'links' | 'notes' | 'attachments' | 'files';

export const scoreLineSchema = z.object({
  check: z.enum(checkNames),
  label: z.string(),
  count: z.number().describe('How many links, notes or files the check found'),
  outOf: z.number().describe('Out of how many (links, notes, attachments or files)'),
  of: z.enum(['links', 'notes', 'attachments', 'files']),
  weight: z.number(),
  tolerance: z.number(),
  lost: z.number().describe('Points lost, to two decimals (at least 0.01 when the check found anything)'),
  explanation: z.string().describe('One sentence a person can read: what was found and what it cost'),
});
export type ScoreLine = z.infer<typeof scoreLineSchema>;

const linkProblem = {
  source: z.string().describe('The note the link is in, vault-relative with /'),
  line: z.number().describe('1-based'),
  column: z.number().describe('1-based, in UTF-16 code units'),
  length: z.number().describe('Length of the whole link on its line'),
  target: z.string().describe('The destination as written, without the alias'),
  embed: z.boolean(),
};
export const linkProblemSchema = z.object(linkProblem);
export type LinkProblem = z.infer<typeof linkProblemSchema>;

export const ambiguousLinkSchema = z.object({ ...linkProblem, candidates: z.array(z.string()).describe('The files the link could mean') });
export type AmbiguousLink = z.infer<typeof ambiguousLinkSchema>;

export const missingFragmentSchema = z.object({
  ...linkProblem,
  note: z.string().describe('The note the link reaches, which lacks the heading or block'),
  fragment: z.string().describe('The heading path or ^block that is missing'),
});
export type MissingFragment = z.infer<typeof missingFragmentSchema>;

export const frontmatterIssueSchema = z.object({ path: z.string(), line: z.number(), message: z.string() });
export type FrontmatterIssue = z.infer<typeof frontmatterIssueSchema>;

export const nameClashSchema = z.object({ name: z.string().describe('One of the spellings'), paths: z.array(z.string()) });
export type NameClash = z.infer<typeof nameClashSchema>;

export const vaultReportSchema = z.object({
  root: z.string().describe('The vault folder, absolute'),
  notes: z.number(),
  attachments: z.number(),
  links: z.number(),
  brokenLinks: z.array(linkProblemSchema),
  ambiguousLinks: z.array(ambiguousLinkSchema),
  missingFragments: z.array(missingFragmentSchema),
  orphans: z.array(z.string()).describe('Notes no other note links to'),
  unusedAttachments: z.array(z.string()),
  emptyNotes: z.array(z.string()),
  invalidFrontmatter: z.array(frontmatterIssueSchema),
  nameClashes: z.array(nameClashSchema),
  unreadable: z
    .array(z.string())
    .describe("Notes, folders (with a trailing '/') and .gitignore files that are there but could not be read; a note in it counts and links to it resolve"),
  score: z.number().describe('0-100'),
  breakdown: z.array(scoreLineSchema),
  warnings: z.array(z.string()).describe('Sentences a person should see before trusting the score: no notes found, files not read'),
});
export type VaultReport = z.infer<typeof vaultReportSchema>;
