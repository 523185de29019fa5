import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { posix } from 'node:path';
import { BerthError } from '../../errors.js';
import { printable } from '../../text.js';
import type { EditSet, FileCreate, TextEdit } from '../edits.js';
import type { IndexedLink } from '../graph.js';
import type { VaultIndex } from '../index.js';
import { destination, pathSpan, wikiName } from '../linkFixes.js';
import { newNotePath } from '../newNote.js';
import { baseName, isNotePath, joinRelative, nameKey } from '../resolve.js';
import { aliasesOf, CandidateNames } from './candidates.js';
import { caseFixed } from './caseFix.js';
import { followRenames, type RenameHistory } from './renames.js';
import { applyTextEdits } from './textEdits.js';

export type ChangeKind = 'retarget' | 'case' | 'stub' | 'remove';

/** One thing the plan does, in words: where, what it becomes and why. */
export interface RepairChange {
  kind: ChangeKind;
  /** The file edited, created or removed, vault-relative. */
  path: string;
  /** 1-based, for a link edit. */
  line?: number;
  column?: number;
  /** The link's path as written before and after, for a link edit. */
  from?: string;
  to?: string;
  why: string;
}

/** A problem the plan does not touch, and why (a guess it will not make, a link it cannot edit). */
export interface LeftAlone {
  path: string;
  line?: number;
  column?: number;
  target?: string;
  why: string;
}

/** What a planned file was when the plan was made: a SHA-256 of its bytes, or null for a file that must not exist yet. */
export interface PlannedFile {
  path: string;
  sha256: string | null;
}

export interface RepairOptions {
  /** Link targets (as the report writes them, or their path part) to create notes for. */
  stubs: readonly string[];
  removeEmpty: boolean;
}

export interface RepairPlan {
  root: string;
  edits: EditSet;
  changes: RepairChange[];
  leftAlone: LeftAlone[];
  files: PlannedFile[];
  /** Each planned file's text before and after (null where it does not exist), for the diff and for applying. */
  contents: Map<string, { before: string | null; after: string | null }>;
  /** Empty notes the plan leaves because nobody asked to remove them. */
  emptyNotes: string[];
}

export const sha256 = (bytes: Uint8Array | string) => createHash('sha256').update(bytes).digest('hex');

/** A note's text, or why it cannot be edited as text (bytes that are not UTF-8 would not survive a round trip). */
async function readNote(index: VaultIndex, path: string): Promise<{ text: string; sha256: string } | { problem: string }> {
  let bytes: Buffer;
  try {
    bytes = await readFile(index.absolutePath(path));
  } catch (error) {
    return { problem: `it could not be read (${(error as NodeJS.ErrnoException).code ?? 'error'})` };
  }
  const text = bytes.toString('utf8');
  if (!Buffer.from(text, 'utf8').equals(bytes)) return { problem: 'it is not valid UTF-8, and editing it as text would change other bytes' };
  return { text, sha256: sha256(bytes) };
}

const at = (link: IndexedLink) => `${link.source}:${link.line}:${link.column}`;

/** Whether a written wikilink shows text of its own (`[[a|shown]]`), which a retarget keeps. */
function hasDisplayText(link: IndexedLink, lineText: string): boolean {
  const written = lineText.slice(link.column - 1, link.column - 1 + link.length);
  return written.includes('|');
}

/**
 * The repair plan: every edit as data, each with its reason, and every problem it leaves alone
 * with its reason. Broken links are retargeted from git's rename history first (a rename is a
 * fact), then by the nearest note name or alias (within a third of the name, never a tie); links
 * that differ from their note only by case are spelled as the note is; stubs are created only for
 * the targets picked, empty notes removed only when asked. Nothing is written here.
 */
export async function planRepair(index: VaultIndex, history: RenameHistory, options: RepairOptions): Promise<RepairPlan> {
  const notes = index.notePaths();
  const root = index.root;
  const textEdits: TextEdit[] = [];
  const creates: FileCreate[] = [];
  const deletes: { path: string }[] = [];
  const changes: RepairChange[] = [];
  const leftAlone: LeftAlone[] = [];
  const files = new Map<string, PlannedFile>();
  const contents = new Map<string, { before: string | null; after: string | null }>();
  const texts = new Map<string, Awaited<ReturnType<typeof readNote>>>();
  const textOf = async (path: string) => {
    if (!texts.has(path)) texts.set(path, await readNote(index, path));
    return texts.get(path)!;
  };
  /** Notes a link is pointed at: never removed as empty in the same plan. */
  const destinations = new Set<string>();

  let candidates: CandidateNames | undefined;
  const candidateNames = async () => {
    if (candidates) return candidates;
    const aliases = new Map<string, string[]>();
    for (const note of notes) {
      const read = await textOf(note);
      if ('text' in read) aliases.set(note, aliasesOf(read.text));
    }
    return (candidates = new CandidateNames(notes, aliases));
  };

  const picked = new Map<string, boolean>(options.stubs.map((target) => [target.trim(), false]));
  const stubPaths = new Set<string>();

  const edit = (link: IndexedLink, lineText: string, span: { start: number; end: number }, newText: string, kind: ChangeKind, why: string) => {
    textEdits.push({ path: link.source, range: { start: { line: link.line - 1, character: span.start }, end: { line: link.line - 1, character: span.end } }, newText });
    changes.push({ kind, path: link.source, line: link.line, column: link.column, from: lineText.slice(span.start, span.end), to: newText, why });
  };

  for (const note of notes) {
    for (const link of index.linksFrom(note)) {
      if (link.status === 'ambiguous' || link.path === '') continue;
      const stubTarget = link.status === 'broken' ? [link.raw.trim(), link.path].find((target) => picked.has(target)) : undefined;
      if (stubTarget !== undefined) {
        picked.set(stubTarget, true);
        const path = newNotePath(link.syntax, link.path, link.source);
        if (!path) {
          leftAlone.push({ path: link.source, line: link.line, column: link.column, target: link.raw, why: 'you picked it for a new note, but it does not name a note that can be created inside the vault' });
        } else if (!stubPaths.has(nameKey(path))) {
          stubPaths.add(nameKey(path));
          creates.push({ path, content: `# ${posix.basename(path, '.md')}\n\n` });
          changes.push({ kind: 'stub', path, why: `you picked "${link.raw}" for a new note (linked from ${at(link)})` });
        }
        continue;
      }
      const read = await textOf(note);
      if ('problem' in read) {
        if (link.status === 'broken') leftAlone.push({ path: note, line: link.line, column: link.column, target: link.raw, why: `${note} cannot be edited: ${read.problem}` });
        continue;
      }
      const lineText = read.text.split('\n')[link.line - 1] ?? '';
      const span = pathSpan(link, lineText);
      if (link.status === 'resolved') {
        const fixed = span && caseFixed(link, lineText.slice(span.start, span.end), lineText[span.start - 1] === '<');
        if (span && fixed) {
          destinations.add(link.target!);
          edit(link, lineText, span, fixed, 'case', `the file is ${link.target}: the link differs from its name only in case`);
        }
        continue;
      }
      if (!span) {
        leftAlone.push({ path: note, line: link.line, column: link.column, target: link.raw, why: 'a reference link: its destination is written in its definition; edit that by hand' });
        continue;
      }
      const target: Retarget | Refusal = retargetFromHistory(index, history, link) ?? (await retargetByName(await candidateNames(), link));
      if (target.to === undefined) {
        leftAlone.push({ path: note, line: link.line, column: link.column, target: link.raw, why: target.why });
        continue;
      }
      destinations.add(target.to);
      edit(link, lineText, span, newLinkText(link, lineText, target, notes), 'retarget', target.why);
    }
  }

  const unmatched = [...picked].filter(([, used]) => !used).map(([target]) => target);
  if (unmatched.length) {
    throw new BerthError(
      `No broken link names ${unmatched.map((target) => `"${printable(target)}"`).join(', ')}.`,
      'Pick targets as the plan or "berth vault health" lists them (the text after the link’s place), for example --stub "Reading List".',
      'LINK_NOT_FOUND',
    );
  }

  const report = index.report();
  const emptyNotes: string[] = [];
  for (const path of report.emptyNotes) {
    if (!options.removeEmpty) {
      emptyNotes.push(path);
      continue;
    }
    const linkedFrom = index.linksTo(path).filter((link) => link.source !== path).length;
    if (linkedFrom > 0 || destinations.has(path)) {
      const count = linkedFrom + (destinations.has(path) ? 1 : 0);
      leftAlone.push({ path, why: `empty, but ${count} link${count === 1 ? '' : 's'} point${count === 1 ? 's' : ''} at it: removing it would break ${count === 1 ? 'it' : 'them'}` });
      continue;
    }
    const read = await textOf(path);
    if ('problem' in read) {
      leftAlone.push({ path, why: `empty, but ${read.problem}` });
      continue;
    }
    deletes.push({ path });
    changes.push({ kind: 'remove', path, why: read.text === '' ? 'empty, and nothing links to it' : 'empty (nothing but frontmatter or blank lines), and nothing links to it' });
  }

  textEdits.sort((a, b) => compare(a.path, b.path) || a.range.start.line - b.range.start.line || a.range.start.character - b.range.start.character);
  for (const path of new Set(textEdits.map((textEdit) => textEdit.path))) {
    const read = (await textOf(path)) as { text: string; sha256: string };
    files.set(path, { path, sha256: read.sha256 });
    contents.set(path, { before: read.text, after: applyTextEdits(read.text, textEdits.filter((textEdit) => textEdit.path === path)) });
  }
  for (const create of creates) {
    files.set(create.path, { path: create.path, sha256: null });
    contents.set(create.path, { before: null, after: create.content });
  }
  for (const { path } of deletes) {
    const read = (await textOf(path)) as { text: string; sha256: string };
    files.set(path, { path, sha256: read.sha256 });
    contents.set(path, { before: read.text, after: null });
  }

  const byPlace = (a: { path: string; line?: number; column?: number }, b: typeof a) => compare(a.path, b.path) || (a.line ?? 0) - (b.line ?? 0) || (a.column ?? 0) - (b.column ?? 0);
  return {
    root,
    edits: { root, textEdits, creates: creates.sort((a, b) => compare(a.path, b.path)), deletes: deletes.sort((a, b) => compare(a.path, b.path)) },
    changes: changes.sort(byPlace),
    leftAlone: leftAlone.sort(byPlace),
    files: [...files.values()].sort((a, b) => compare(a.path, b.path)),
    contents,
    emptyNotes,
  };
}

type Retarget = { to: string; alias?: string; why: string };
type Refusal = { why: string; to?: undefined };

/**
 * The file a broken link's target was renamed to in git, following later renames. Several
 * different files now (two notes of that name, each renamed elsewhere) are a guess, refused.
 * Undefined when git knows of no rename of it, or its rename led to a file that is gone since.
 */
function retargetFromHistory(index: VaultIndex, history: RenameHistory, link: IndexedLink): Retarget | Refusal | undefined {
  if (history.source !== 'git' || history.renames.length === 0) return undefined;
  const olds = oldPaths(history.renames.map((rename) => rename.from), link);
  const found = new Map<string, string>();
  for (const old of olds) {
    const now = followRenames(old, history.renames);
    if (now && index.has(now.path)) found.set(now.path, `renamed in git: ${now.via.map((rename) => `${rename.from} → ${rename.to} (${rename.commit})`).join(', then ')}`);
  }
  if (found.size > 1) return { why: `git renamed files of that name to ${[...found.keys()].sort().join(' and ')}: which one is meant would be a guess` };
  const [only] = found;
  return only ? { to: only[0], why: only[1] } : undefined;
}

/** The paths in git's history the link could have meant, compared as the resolver compares. */
function oldPaths(renamedFrom: readonly string[], link: IndexedLink): string[] {
  const path = link.path;
  const keys = new Set<string>();
  const add = (candidate: string) => {
    keys.add(nameKey(candidate));
    if (!isNotePath(candidate)) keys.add(nameKey(`${candidate}.md`));
  };
  if (link.syntax === 'markdown' && !path.startsWith('/')) add(joinRelative(posix.dirname(link.source) === '.' ? '' : posix.dirname(link.source), path));
  add(path.replace(/^\/+/, ''));
  const matches = new Set<string>();
  for (const from of renamedFrom) {
    const key = nameKey(from);
    // A bare wikilink name (`[[Old Name]]`) meant a file of that name in any folder.
    const bare = link.syntax === 'wikilink' && !path.includes('/') && [...keys].some((wanted) => baseName(key) === wanted);
    if (keys.has(key) || bare) matches.add(from);
  }
  return [...matches];
}

/** The note whose name or alias is nearest to what the link names; attachments only come from git. */
async function retargetByName(candidates: CandidateNames, link: IndexedLink): Promise<Retarget | Refusal> {
  const named = link.syntax === 'wikilink' ? link.path : baseName(link.path);
  if (/\.[a-z0-9]{1,5}$/i.test(named) && !isNotePath(named)) {
    return { why: 'an attachment that git’s history does not show renamed: attachments are retargeted only from that history' };
  }
  const match = candidates.match(named.replace(/\.md$/i, ''));
  if (match.kind === 'none') return { why: 'no note name or alias is close enough (within a third of the name’s length); create it with --stub, or edit it by hand' };
  if (match.kind === 'tie') return { why: `equally close to ${match.notes.join(' and ')}: choosing one would be a guess` };
  const what = match.alias ? `the alias "${match.alias}" of ${match.note}` : match.note;
  return { to: match.note, ...(match.alias ? { alias: match.alias } : {}), why: `the closest name: ${what} (${match.distance} edit${match.distance === 1 ? '' : 's'} away)` };
}

/** The link's new path as written: a wikilink name (and the alias as its text), or a markdown path from the note. */
function newLinkText(link: IndexedLink, lineText: string, target: Retarget, notes: readonly string[]): string {
  if (link.syntax === 'markdown') {
    const relative = posix.relative(posix.dirname(link.source), target.to);
    const span = pathSpan(link, lineText)!;
    return lineText[span.start - 1] === '<' ? relative : destination(relative);
  }
  const isNote = isNotePath(target.to);
  // An attachment is named by its path, which no other file shares.
  let name = isNote ? wikiName(target.to, notes) : target.to;
  if (isNote && isNotePath(link.path)) name += '.md';
  const inTable = lineText.trimStart().startsWith('|');
  if (target.alias && !link.embed && !inTable && !hasDisplayText(link, lineText)) name += `|${target.alias}`;
  return name;
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
