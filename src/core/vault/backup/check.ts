import { manifestSchema, VAULT_PREFIX, type Manifest, type ManifestEntry } from './format.js';
import type { ArchiveContents, ArchiveEntry } from './reader.js';

/** One thing wrong with a backup, and the vault path it is about when there is one. */
export interface Problem {
  path?: string;
  problem: string;
}

const TAR_TYPE: Record<ManifestEntry['type'], string> = { file: 'File', directory: 'Directory', symlink: 'SymbolicLink' };

/** The vault path of an archive name, for messages: "Notes/Plan.md", not "vault/Notes/Plan.md/". */
export function vaultPath(name: string): string {
  const bare = name.startsWith('after ') ? name.slice(6) : name;
  const path = bare.startsWith(VAULT_PREFIX) ? bare.slice(VAULT_PREFIX.length).replace(/\/$/, '') : bare;
  return name.startsWith('after ') ? `after ${path}` : path;
}

export function parseManifest(text: string): Manifest | string {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return 'its manifest is damaged (not JSON)';
  }
  const parsed = manifestSchema.safeParse(json);
  return parsed.success ? parsed.data : `its manifest is damaged or not a Berth manifest (${parsed.error.issues[0]?.path.join('.') || 'top'}: ${parsed.error.issues[0]?.message})`;
}

/** Whole seconds, as a tar header keeps times. */
const seconds = (ms: number) => Math.floor(ms / 1000);

/** What differs between one entry and its manifest record. */
function differences(entry: ArchiveEntry, record: ManifestEntry): string[] {
  if (entry.type !== TAR_TYPE[record.type]) return [`it is a ${entry.type} in the archive and a ${record.type} in the manifest`];
  const found: string[] = [];
  if (record.type === 'file') {
    if (entry.size !== record.size) found.push(`its size is ${entry.size} bytes in the archive and ${record.size} in the manifest`);
    else if (entry.sha256 !== undefined && entry.sha256 !== record.sha256) found.push('its content does not match its SHA-256 in the manifest');
  }
  if (record.type === 'symlink' && entry.linkpath !== record.target) found.push(`it links to ${entry.linkpath} in the archive and to ${record.target} in the manifest`);
  if (record.type !== 'symlink' && (entry.mode & 0o777) !== record.mode) found.push(`its mode is ${(entry.mode & 0o777).toString(8)} in the archive and ${record.mode.toString(8)} in the manifest`);
  if (entry.mtime && seconds(entry.mtime.getTime()) !== seconds(record.mtime)) found.push('its modification time differs between the archive and the manifest');
  return found;
}

/**
 * Everything that keeps the archive from being the backup its manifest describes: damage found
 * while reading, entries the manifest does not know or knows otherwise (type, size, mode, time,
 * link target, SHA-256), and records with no entry. Files are named by their vault path.
 */
export function checkContents(contents: ArchiveContents): { manifest?: Manifest; problems: Problem[] } {
  const problems: Problem[] = [];
  const { damage } = contents;
  // Damage inside an entry comes first, as the cause; damage to the whole (a CRC) last, after the files it explains.
  if (damage?.near) problems.push({ path: vaultPath(damage.near), problem: damage.problem });
  const whole = () => {
    if (damage && !damage.near) problems.push({ problem: damage.problem });
  };
  if (contents.manifest === undefined) {
    whole();
    problems.push({ problem: contents.manifestProblem ?? 'its manifest could not be read' });
    return { problems };
  }
  const manifest = parseManifest(contents.manifest);
  if (typeof manifest === 'string') {
    problems.push({ problem: manifest });
    whole();
    return { problems };
  }
  // By vault path: a long name's pax record drops the trailing "/" a folder's header has.
  const records = new Map(manifest.entries.map((record) => [record.path, record]));
  // Damage in the compressed data travels: deflate copies earlier bytes forward, so one flipped
  // byte can also change a path in the manifest. An entry whose content the manifest knows under
  // another path was not damaged itself; the entries whose content nobody knows come first.
  const byContent = new Map(manifest.entries.flatMap((record) => (record.type === 'file' ? [[record.sha256, record] as const] : [])));
  const secondary: Problem[] = [];
  const seen = new Set<string>();
  // Damage found first is the cause; the differences it leads to after it would only repeat it.
  const hashed = !damage ? contents.entries : contents.entries.filter((entry) => entry.sha256 !== undefined || entry.type !== 'File');
  for (const entry of hashed) {
    const path = vaultPath(entry.path);
    const record = entry.path.startsWith(VAULT_PREFIX) ? records.get(path) : undefined;
    const twin = !record && entry.sha256 !== undefined ? byContent.get(entry.sha256) : undefined;
    if (twin) secondary.push({ path, problem: `the manifest holds its content under another path (${twin.path}), so the damage reached the manifest` });
    else if (!record) problems.push({ path, problem: 'it is in the archive but not in its manifest' });
    else if (seen.has(path)) problems.push({ path, problem: 'it appears twice in the archive' });
    else for (const problem of differences(entry, record)) problems.push({ path, problem });
    seen.add(path);
  }
  if (!damage) {
    for (const [path, record] of records) if (!seen.has(path)) problems.push({ path: record.path, problem: 'it is in the manifest but missing from the archive' });
  }
  problems.push(...secondary);
  whole();
  return { manifest, problems };
}

/** The problems as one line each, at most `limit` of them. */
export function describeProblems(problems: readonly Problem[], limit = 5): string {
  const lines = problems.slice(0, limit).map(({ path, problem }) => (path ? `${path}: ${problem}` : problem));
  if (problems.length > limit) lines.push(`and ${problems.length - limit} more`);
  return lines.join('; ');
}
