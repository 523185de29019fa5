import * as z from 'zod';

/**
 * A Berth backup is a gzip-compressed tar: the vault's entries under `vault/`, then this manifest.
 * The manifest comes last because it holds the hash of every file, known only once each is read;
 * a reader that finds it missing knows the archive is incomplete.
 */
export const MANIFEST_NAME = 'berth-manifest.json';
export const VAULT_PREFIX = 'vault/';

/** The largest manifest a reader accepts: about a million entries, far beyond any vault. */
export const MAX_MANIFEST_BYTES = 256 * 1024 * 1024;

const path = z.string().min(1).describe('Vault-relative, with "/" separators');
/** Permission bits only: a backup never carries set-user-ID, set-group-ID or sticky bits. */
const mode = z.number().int().min(0).max(0o777);
/** Milliseconds since the epoch with the file system's fraction, as fs.Stats.mtimeMs gives it. */
const mtime = z.number().nonnegative();

export const manifestEntrySchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('file'), path, size: z.number().int().nonnegative(), mode, mtime, sha256: z.string().regex(/^[0-9a-f]{64}$/) }),
  z.object({ type: z.literal('directory'), path, mode, mtime }),
  z.object({ type: z.literal('symlink'), path, target: z.string().min(1), mtime }),
]);
export type ManifestEntry = z.infer<typeof manifestEntrySchema>;

export const manifestSchema = z.object({
  format: z.literal('berth-backup'),
  formatVersion: z.literal(1),
  berthVersion: z.string(),
  createdAt: z.iso.datetime(),
  vault: z.object({ name: z.string(), path: z.string(), score: z.number().int().min(0).max(100) }),
  entries: z.array(manifestEntrySchema),
});
export type Manifest = z.infer<typeof manifestSchema>;

/** The name an entry has in the archive: folders end with "/", as tar writes them. */
export const archiveName = (entry: Pick<ManifestEntry, 'path' | 'type'>) => `${VAULT_PREFIX}${entry.path}${entry.type === 'directory' ? '/' : ''}`;

/** Counts for a summary line. */
export function tally(entries: readonly ManifestEntry[]): { files: number; folders: number; links: number; bytes: number } {
  const counts = { files: 0, folders: 0, links: 0, bytes: 0 };
  for (const entry of entries) {
    if (entry.type === 'file') {
      counts.files++;
      counts.bytes += entry.size;
    } else if (entry.type === 'directory') counts.folders++;
    else counts.links++;
  }
  return counts;
}

export const megabytes = (bytes: number) => `${(bytes / 1e6).toFixed(bytes < 1e7 ? 1 : 0)} MB`;
