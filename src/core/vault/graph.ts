import { hasFragment } from './fragments.js';
import type { ParsedLink, ParsedNote } from './links.js';
import { baseName, nameKey, NameTable, resolveLink } from './resolve.js';

export type LinkStatus = 'resolved' | 'ambiguous' | 'broken';

/** A link as the index knows it: where it is, what it points at, and whether that exists. */
export interface IndexedLink extends ParsedLink {
  /** The note the link is written in, vault-relative. */
  readonly source: string;
  readonly status: LinkStatus;
  /** The file it resolves to, when `status` is 'resolved'. */
  readonly target: string | undefined;
  /** The files it could mean, when `status` is 'ambiguous'. */
  readonly candidates: readonly string[] | undefined;
  /** False when the target note has no such heading or block; undefined when there is nothing to check. */
  readonly fragmentFound: boolean | undefined;
}

interface LinkRecord extends ParsedLink {
  source: string;
  status: LinkStatus;
  target: string | undefined;
  candidates: string[] | undefined;
  fragmentFound: boolean | undefined;
  /** File-name keys whose arrival or departure can change this link's resolution. */
  deps: string[];
}

interface NoteEntry {
  parsed: ParsedNote;
  links: LinkRecord[];
}

/** What the health report reads; every set is kept current by the graph, so reading it costs no scan. */
export interface HealthFacts {
  readonly noteCount: number;
  readonly attachmentCount: number;
  readonly linkCount: number;
  readonly broken: ReadonlySet<IndexedLink>;
  readonly ambiguous: ReadonlySet<IndexedLink>;
  readonly missingFragments: ReadonlySet<IndexedLink>;
  readonly orphans: ReadonlySet<string>;
  readonly unusedAttachments: ReadonlySet<string>;
  readonly emptyNotes: ReadonlySet<string>;
  frontmatterProblem(path: string): ParsedNote['frontmatterProblem'];
  readonly withFrontmatterProblems: ReadonlySet<string>;
  /** Files sharing a name key, spelled differently (`Note.md`, `note.md`, NFC vs NFD). */
  clashes(): { name: string; paths: string[] }[];
}

/**
 * Notes, links and backlinks, with every health fact maintained as files come and go. Each change
 * touches only what it can affect: the changed note's own links, the links that looked up its file
 * name (found through `dependents`, not by scanning the vault), and the links into it whose heading
 * or block may have appeared or vanished. No I/O here; VaultIndex feeds it.
 */
export class VaultGraph implements HealthFacts {
  private readonly names = new NameTable();
  private readonly notes = new Map<string, NoteEntry>();
  private readonly attachments = new Set<string>();
  private readonly dependents = new Map<string, Set<LinkRecord>>();
  private readonly incoming = new Map<string, Set<LinkRecord>>();
  /** Resolved links into each file from other notes. */
  private readonly fromOthers = new Map<string, number>();
  private readonly clashKeys = new Set<string>();
  readonly broken = new Set<LinkRecord>();
  readonly ambiguous = new Set<LinkRecord>();
  readonly missingFragments = new Set<LinkRecord>();
  readonly orphans = new Set<string>();
  readonly unusedAttachments = new Set<string>();
  readonly emptyNotes = new Set<string>();
  readonly withFrontmatterProblems = new Set<string>();
  linkCount = 0;

  get noteCount(): number {
    return this.notes.size;
  }

  get attachmentCount(): number {
    return this.attachments.size;
  }

  /** Builds the graph in one go: all names first, so every link resolves once. */
  static build(notes: Iterable<[string, ParsedNote]>, attachments: Iterable<string>): VaultGraph {
    const graph = new VaultGraph();
    const entries: NoteEntry[] = [];
    for (const [path, parsed] of notes) entries.push(graph.addNoteEntry(path, parsed));
    for (const path of attachments) graph.addFile(path);
    for (const entry of entries) for (const link of entry.links) graph.attach(link);
    return graph;
  }

  has(path: string): boolean {
    return this.notes.has(path) || this.attachments.has(path);
  }

  parsed(path: string): ParsedNote | undefined {
    return this.notes.get(path)?.parsed;
  }

  /** Every file path in the graph (notes, then attachments). */
  *paths(): IterableIterator<string> {
    yield* this.notes.keys();
    yield* this.attachments;
  }

  /** Adds or replaces a note. */
  setNote(path: string, parsed: ParsedNote): void {
    const existing = this.notes.get(path);
    if (existing) {
      for (const link of existing.links) this.detach(link);
      this.linkCount -= existing.links.length;
    }
    const entry = this.addNoteEntry(path, parsed, !existing);
    for (const link of entry.links) this.attach(link);
    if (!existing) this.reresolve(path);
    this.recheckFragments(path);
  }

  addAttachment(path: string): void {
    if (this.attachments.has(path)) return;
    this.addFile(path);
    this.reresolve(path);
  }

  removeFile(path: string): void {
    const note = this.notes.get(path);
    if (!note && !this.attachments.has(path)) return;
    this.notes.delete(path);
    this.attachments.delete(path);
    this.orphans.delete(path);
    this.unusedAttachments.delete(path);
    this.emptyNotes.delete(path);
    this.withFrontmatterProblems.delete(path);
    this.fromOthers.delete(path);
    this.names.delete(path);
    this.updateClash(path);
    if (note) {
      for (const link of note.links) this.detach(link);
      this.linkCount -= note.links.length;
    }
    this.reresolve(path);
    this.incoming.delete(path);
  }

  linksFrom(path: string): readonly IndexedLink[] {
    return this.notes.get(path)?.links ?? [];
  }

  linksTo(path: string): IndexedLink[] {
    return [...(this.incoming.get(path) ?? [])];
  }

  frontmatterProblem(path: string): ParsedNote['frontmatterProblem'] {
    return this.notes.get(path)?.parsed.frontmatterProblem;
  }

  clashes(): { name: string; paths: string[] }[] {
    return [...this.clashKeys].map((key) => {
      const paths = [...(this.names.withName(key) ?? [])].sort();
      return { name: baseName(paths[0] ?? key), paths };
    });
  }

  /** How to write a link to each note: its name, or its path where the name is shared. */
  noteNames(): string[] {
    const names: string[] = [];
    for (const path of this.notes.keys()) {
      const shared = (this.names.withName(nameKey(baseName(path)))?.size ?? 0) > 1;
      names.push((shared ? path : baseName(path)).replace(/\.md$/i, ''));
    }
    return names.sort();
  }

  private addNoteEntry(path: string, parsed: ParsedNote, isNew = true): NoteEntry {
    const entry: NoteEntry = { parsed, links: parsed.links.map((link) => toRecord(path, link)) };
    if (isNew) this.addFile(path, entry);
    else this.notes.set(path, entry);
    this.linkCount += entry.links.length;
    toggle(this.emptyNotes, path, parsed.empty);
    toggle(this.withFrontmatterProblems, path, parsed.frontmatterProblem !== undefined);
    return entry;
  }

  private addFile(path: string, note?: NoteEntry): void {
    if (note) this.notes.set(path, note);
    else this.attachments.add(path);
    this.names.add(path);
    this.updateClash(path);
    this.fromOthers.set(path, 0);
    (note ? this.orphans : this.unusedAttachments).add(path);
  }

  private attach(link: LinkRecord): void {
    const deps = new Set<string>();
    const resolution = resolveLink(this.names, link.source, link, deps);
    link.deps = [...deps];
    for (const key of link.deps) {
      const set = this.dependents.get(key);
      if (set) set.add(link);
      else this.dependents.set(key, new Set([link]));
    }
    link.status = resolution.status;
    link.target = resolution.status === 'resolved' ? resolution.target : undefined;
    link.candidates = resolution.status === 'ambiguous' ? resolution.candidates : undefined;
    link.fragmentFound = undefined;
    if (resolution.status === 'broken') this.broken.add(link);
    else if (resolution.status === 'ambiguous') this.ambiguous.add(link);
    else {
      const { target } = resolution;
      const into = this.incoming.get(target);
      if (into) into.add(link);
      else this.incoming.set(target, new Set([link]));
      if (target !== link.source) this.bump(target, 1);
      this.checkFragment(link);
    }
  }

  private detach(link: LinkRecord): void {
    for (const key of link.deps) {
      const set = this.dependents.get(key);
      set?.delete(link);
      if (set?.size === 0) this.dependents.delete(key);
    }
    link.deps = [];
    this.broken.delete(link);
    this.ambiguous.delete(link);
    this.missingFragments.delete(link);
    if (link.status === 'resolved' && link.target !== undefined) {
      this.incoming.get(link.target)?.delete(link);
      if (link.target !== link.source) this.bump(link.target, -1);
    }
  }

  private bump(path: string, delta: number): void {
    const count = this.fromOthers.get(path);
    if (count === undefined) return;
    this.fromOthers.set(path, count + delta);
    toggle(this.notes.has(path) ? this.orphans : this.unusedAttachments, path, count + delta === 0);
  }

  /** Re-resolves the links that looked up this file's name. */
  private reresolve(path: string): void {
    const links = this.dependents.get(nameKey(baseName(path)));
    if (!links) return;
    for (const link of [...links]) {
      this.detach(link);
      this.attach(link);
    }
  }

  private recheckFragments(path: string): void {
    for (const link of this.incoming.get(path) ?? []) this.checkFragment(link);
  }

  private checkFragment(link: LinkRecord): void {
    const note = link.fragment === undefined ? undefined : this.notes.get(link.target!);
    link.fragmentFound = note && hasFragment(note.parsed, link.fragment!, link.syntax);
    toggle(this.missingFragments, link, link.fragmentFound === false);
  }

  private updateClash(path: string): void {
    const key = nameKey(baseName(path));
    const paths = this.names.withName(key);
    const spellings = new Set(paths ? [...paths].map(baseName) : []);
    toggle(this.clashKeys, key, spellings.size > 1);
  }
}

function toRecord(source: string, link: ParsedLink): LinkRecord {
  return { ...link, source, status: 'broken', target: undefined, candidates: undefined, fragmentFound: undefined, deps: [] };
}

function toggle<T>(set: Set<T>, value: T, present: boolean): void {
  if (present) set.add(value);
  else set.delete(value);
}
