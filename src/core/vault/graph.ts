import { hasFragment } from './fragments.js';
import { own, type ParsedLink, type ParsedNote } from './links.js';
import { baseName, dependencyKey, nameKey, NameTable, resolutionKey, resolveLink, type LinkTarget, type NameEntry, type Named } from './resolve.js';

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

/** What a note offers besides its links; kept instead of the parse so that its link objects can go. */
type NoteFacts = Omit<ParsedNote, 'links'>;

interface NoteEntry {
  facts: NoteFacts;
  links: LinkRecord[];
}

/** A file of the vault, with what points at it. */
class FileNode implements Named {
  /** Resolved links into this file from other notes. */
  fromOthers = 0;
  /** Cleared when the file leaves the vault, while groups may still point at it. */
  present = true;
  /** The link groups resolved to this file, in the order they came; made on the first. */
  incoming: LinkGroup[] | undefined = undefined;

  constructor(
    readonly path: string,
    public note: NoteEntry | undefined,
  ) {}
}

/**
 * The links that must resolve alike because they share a resolution key (see `resolutionKey`): the
 * same written path, and for relative links the same folder. A vault writes the same targets again
 * and again, so resolving, filing dependencies and backlinks per group rather than per link does
 * a fraction of the work, and a file's arrival re-resolves each group once.
 */
class LinkGroup implements LinkTarget {
  /** Each link knows its slot, so that removing one is a swap with the last. */
  links: LinkRecord[] = [];
  status: LinkStatus = 'broken';
  target: FileNode | undefined = undefined;
  candidates: string[] | undefined = undefined;
  /** The entries of the names looked up (see `dependencyKey`). */
  deps: NameEntry<FileNode, LinkGroup>[] = [];

  constructor(
    readonly key: string,
    // Any member resolves like every other, so the first one's note, path and syntax stand for the group.
    readonly source: FileNode,
    readonly path: string,
    readonly syntax: LinkTarget['syntax'],
  ) {}
}

/**
 * Holds a parsed link's fields itself, so that the index hands out flat objects. Its strings are
 * its own (see `own`): the parser's are views into the note's text, which must not stay alive.
 */
class LinkRecord implements IndexedLink {
  raw: string;
  path: string;
  readonly fragment: string | undefined;
  readonly syntax: ParsedLink['syntax'];
  readonly embed: boolean;
  readonly line: number;
  readonly column: number;
  readonly length: number;
  group: LinkGroup | undefined = undefined;
  slot = -1;
  fragmentFound: boolean | undefined = undefined;

  constructor(
    readonly source: string,
    link: ParsedLink,
  ) {
    this.raw = link.raw;
    this.path = link.path;
    this.fragment = link.fragment && own(link.fragment);
    this.syntax = link.syntax;
    this.embed = link.embed;
    this.line = link.line;
    this.column = link.column;
    this.length = link.length;
  }

  get status(): LinkStatus {
    return this.group?.status ?? 'broken';
  }

  get target(): string | undefined {
    return this.group?.target?.path;
  }

  get candidates(): readonly string[] | undefined {
    return this.group?.candidates;
  }

  /** Whether this link gives its target a link from another note. */
  get countsForTarget(): boolean {
    return this.group?.target !== undefined && this.group.target.path !== this.source;
  }
}

/** What the health report reads; every part is kept current by the graph, so reading costs no scan. */
export interface HealthFacts {
  readonly noteCount: number;
  readonly attachmentCount: number;
  readonly linkCount: number;
  readonly broken: Iterable<IndexedLink>;
  readonly ambiguous: Iterable<IndexedLink>;
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
 * A note whose content has not come yet, shared by all of them and never changed: during a scan
 * each note's own would live from the listing until its read, long enough for the GC to copy it
 * twice for nothing.
 */
const PENDING: NoteEntry = { facts: { headings: [], blocks: new Set(), frontmatterProblem: undefined, empty: false }, links: [] };

/**
 * Notes, links and backlinks, with every health fact maintained as files come and go. Each change
 * touches only what it can affect: the changed note's own links, the link groups that looked up its
 * file name (found through the name table's waiting lists, never by scanning the vault), and the
 * links into it whose heading or block may have appeared or vanished. No I/O here; VaultIndex feeds it.
 */
export class VaultGraph implements HealthFacts {
  private readonly names = new NameTable<FileNode, LinkGroup>();
  private readonly files = new Map<string, FileNode>();
  private readonly groups = new Map<string, LinkGroup>();
  private readonly clashKeys = new Set<string>();
  private readonly brokenGroups = new Set<LinkGroup>();
  private readonly ambiguousGroups = new Set<LinkGroup>();
  /** Between `startBuild` and the end of `finishBuild`. */
  private building = false;
  /** During a build, the notes in the order `startBuild` got them, so that `addBuiltNote` needs no path lookup. */
  private buildOrder: FileNode[] = [];
  readonly missingFragments = new Set<LinkRecord>();
  readonly orphans = new Set<string>();
  readonly unusedAttachments = new Set<string>();
  readonly emptyNotes = new Set<string>();
  readonly withFrontmatterProblems = new Set<string>();
  noteCount = 0;
  attachmentCount = 0;
  linkCount = 0;

  /**
   * Starts a full build: every file's name goes in first, then each note's content as it is read
   * (`addBuiltNote`, which files its links in their groups and drops the parse), and `finishBuild`
   * resolves every group, then checks headings and blocks, in one pass. The orphan, unused-attachment
   * and name-clash sets are filled once at the end too: kept current link by link, nearly every
   * note went into `orphans` only to leave it again.
   */
  static startBuild(notes: readonly string[], attachments: readonly string[]): VaultGraph {
    const graph = new VaultGraph();
    graph.building = true;
    for (const path of notes) graph.buildOrder.push(graph.addFile(path, PENDING));
    for (const path of attachments) graph.addFile(path, undefined);
    return graph;
  }

  /** The content of the `index`-th note given to `startBuild` (a note that could not be read is removed instead). */
  addBuiltNote(index: number, parsed: ParsedNote): void {
    const file = this.buildOrder[index]!;
    for (const link of this.fillNote(file, parsed).links) this.join(link, file);
  }

  finishBuild(): void {
    // linkEffects(link, 1), unrolled: a build leaves the orphan sets for the end.
    for (const group of this.groups.values()) {
      this.resolveGroup(group);
      const target = group.target;
      if (!target) continue;
      for (const link of group.links) {
        if (link.source !== target.path) target.fromOthers++;
        if (link.fragment !== undefined) this.checkFragment(link);
      }
    }
    this.building = false;
    this.buildOrder = [];
    for (const file of this.files.values()) {
      if (file.fromOthers === 0) (file.note ? this.orphans : this.unusedAttachments).add(file.path);
    }
    for (const key of this.names.sharedNames()) this.updateClashKey(key);
  }

  get broken(): Iterable<IndexedLink> {
    return linksOf(this.brokenGroups);
  }

  get ambiguous(): Iterable<IndexedLink> {
    return linksOf(this.ambiguousGroups);
  }

  has(path: string): boolean {
    return this.files.has(path);
  }

  /** A note as parsed, for moving it without reading it again. */
  parsed(path: string): ParsedNote | undefined {
    const entry = this.files.get(path)?.note;
    return entry && { ...entry.facts, links: entry.links };
  }

  paths(): IterableIterator<string> {
    return this.files.keys();
  }

  /** Adds or replaces a note. */
  setNote(path: string, parsed: ParsedNote): void {
    const existing = this.files.get(path)?.note;
    if (existing) {
      for (const link of existing.links) this.detach(link);
      this.linkCount -= existing.links.length;
    }
    const file = existing ? this.files.get(path)! : this.addFile(path, PENDING);
    for (const link of this.fillNote(file, parsed).links) this.attach(link, file);
    if (!existing) this.reresolve(path);
    this.recheckFragments(path);
  }

  addAttachment(path: string): void {
    if (this.files.has(path)) return;
    this.addFile(path, undefined);
    this.reresolve(path);
  }

  removeFile(path: string): void {
    const file = this.files.get(path);
    if (!file) return;
    this.files.delete(path);
    file.present = false;
    if (file.note) this.noteCount--;
    else this.attachmentCount--;
    this.orphans.delete(path);
    this.unusedAttachments.delete(path);
    this.emptyNotes.delete(path);
    this.withFrontmatterProblems.delete(path);
    this.names.delete(path);
    this.updateClash(path);
    if (file.note) {
      for (const link of file.note.links) this.detach(link);
      this.linkCount -= file.note.links.length;
    }
    this.reresolve(path);
  }

  linksFrom(path: string): readonly IndexedLink[] {
    return this.files.get(path)?.note?.links ?? [];
  }

  linksTo(path: string): IndexedLink[] {
    return [...linksOf(this.files.get(path)?.incoming ?? [])];
  }

  frontmatterProblem(path: string): ParsedNote['frontmatterProblem'] {
    return this.files.get(path)?.note?.facts.frontmatterProblem;
  }

  clashes(): { name: string; paths: string[] }[] {
    return [...this.clashKeys].map((key) => {
      const paths = (this.names.withName(key) ?? []).map((file) => file.path).sort();
      return { name: baseName(paths[0] ?? key), paths };
    });
  }

  /** How to write a link to each note: its name, or its path where the name is shared. */
  noteNames(): string[] {
    const names: string[] = [];
    for (const { path, note } of this.files.values()) {
      if (!note) continue;
      const shared = (this.names.withName(nameKey(baseName(path)))?.length ?? 0) > 1;
      names.push((shared ? path : baseName(path)).replace(/\.md$/i, ''));
    }
    return names.sort();
  }

  private addFile(path: string, note: NoteEntry | undefined): FileNode {
    const file = new FileNode(path, note);
    this.files.set(path, file);
    if (note) this.noteCount++;
    else this.attachmentCount++;
    this.names.add(file);
    if (!this.building) {
      this.updateClash(path);
      (note ? this.orphans : this.unusedAttachments).add(path);
    }
    return file;
  }

  /** Gives a note its content; its links are not attached yet. */
  private fillNote(file: FileNode, parsed: ParsedNote): NoteEntry {
    const { path } = file;
    // The parser pushed its headings (17 slots, see `append`); the kept copy has its exact length.
    const headings = parsed.headings.slice();
    const facts = { headings, blocks: parsed.blocks, frontmatterProblem: parsed.frontmatterProblem, empty: parsed.empty };
    const entry: NoteEntry = { facts, links: parsed.links.map((link) => new LinkRecord(path, link)) };
    file.note = entry;
    this.linkCount += entry.links.length;
    toggle(this.emptyNotes, path, parsed.empty);
    toggle(this.withFrontmatterProblems, path, parsed.frontmatterProblem !== undefined);
    return entry;
  }

  private attach(link: LinkRecord, source: FileNode): void {
    if (this.join(link, source)) this.resolveGroup(link.group!);
    this.linkEffects(link, 1);
  }

  /** Puts a link in its group, made (not yet resolved) if there is none; true if it was made. */
  private join(link: LinkRecord, source: FileNode): boolean {
    const key = resolutionKey(link.source, link);
    let group = this.groups.get(key);
    const made = !group;
    if (!group) {
      // A new group copies its strings and the links it gathers share them: at 10,000 notes,
      // 67,000 calls to own() instead of the parser's 125,000 (one per string of every link).
      const ownKey = own(key);
      group = new LinkGroup(ownKey, source, key === link.path ? ownKey : own(link.path), link.syntax);
      this.groups.set(ownKey, group);
    }
    const path = link.path === group.path ? group.path : own(link.path);
    link.raw = link.raw === link.path ? path : own(link.raw);
    link.path = path;
    link.slot = group.links.length;
    group.links = append(group.links, link);
    link.group = group;
    return made;
  }

  private detach(link: LinkRecord): void {
    const group = link.group!;
    this.linkEffects(link, -1);
    const last = group.links.pop()!;
    if (last !== link) {
      group.links[link.slot] = last;
      last.slot = link.slot;
    }
    link.group = undefined;
    if (group.links.length === 0) {
      this.unresolveGroup(group);
      this.groups.delete(group.key);
    }
  }

  /** What one link adds to (or, with -1, takes from) its target: a backlink and a checked fragment. */
  private linkEffects(link: LinkRecord, direction: 1 | -1): void {
    if (link.countsForTarget) this.bump(link.group!.target!, direction);
    if (direction === -1) {
      link.fragmentFound = undefined;
      this.missingFragments.delete(link);
    } else if (link.fragment !== undefined && link.group!.target) {
      this.checkFragment(link);
    }
  }

  private resolveGroup(group: LinkGroup): void {
    const deps: NameEntry<FileNode, LinkGroup>[] = [];
    const resolution = resolveLink(this.names, group.source, group, deps);
    group.deps = deps.slice(); // at its exact length (see `append`)
    for (const entry of deps) entry.waiting = append(entry.waiting, group);
    group.status = resolution.status;
    group.candidates = resolution.status === 'ambiguous' ? resolution.candidates : undefined;
    group.target = resolution.status === 'resolved' ? resolution.target : undefined;
    if (resolution.status === 'broken') this.brokenGroups.add(group);
    else if (resolution.status === 'ambiguous') this.ambiguousGroups.add(group);
    else group.target!.incoming = append(group.target!.incoming, group);
  }

  private unresolveGroup(group: LinkGroup): void {
    for (const entry of group.deps) {
      const groups = entry.waiting!;
      if (groups.length > 1) groups.splice(groups.indexOf(group), 1);
      else {
        entry.waiting = undefined;
        this.names.release(entry);
      }
    }
    this.brokenGroups.delete(group);
    this.ambiguousGroups.delete(group);
    const incoming = group.target?.incoming;
    const at = incoming ? incoming.indexOf(group) : -1;
    if (at !== -1) incoming!.splice(at, 1);
    group.target = undefined;
  }

  private bump(file: FileNode, delta: number): void {
    const before = file.fromOthers;
    file.fromOthers += delta;
    // Only the moves between none and some change a set; a build fills the sets when it finishes.
    if ((before !== 0 && file.fromOthers !== 0) || !file.present || this.building) return;
    toggle(file.note ? this.orphans : this.unusedAttachments, file.path, file.fromOthers === 0);
  }

  /** Re-resolves the groups that looked up this file's name; a group whose answer stands is left alone. */
  private reresolve(path: string): void {
    const groups = this.names.get(dependencyKey(nameKey(baseName(path))))?.waiting;
    if (!groups) return;
    for (const group of groups.slice()) {
      for (const link of group.links) this.linkEffects(link, -1);
      this.unresolveGroup(group);
      this.resolveGroup(group);
      for (const link of group.links) this.linkEffects(link, 1);
    }
  }

  private recheckFragments(path: string): void {
    for (const group of this.files.get(path)?.incoming ?? []) {
      for (const link of group.links) if (link.fragment !== undefined) this.checkFragment(link);
    }
  }

  private checkFragment(link: LinkRecord): void {
    const note = link.group?.target?.note;
    link.fragmentFound = note && hasFragment(note.facts, link.fragment!, link.syntax);
    toggle(this.missingFragments, link, link.fragmentFound === false);
  }

  private updateClash(path: string): void {
    this.updateClashKey(nameKey(baseName(path)));
  }

  private updateClashKey(key: string): void {
    const paths = this.names.withName(key);
    toggle(this.clashKeys, key, paths !== undefined && paths.length > 1 && new Set(paths.map((file) => baseName(file.path))).size > 1);
  }
}

function* linksOf(groups: Iterable<LinkGroup>): IterableIterator<LinkRecord> {
  for (const group of groups) yield* group.links;
}

/**
 * Adds to an array that usually stays short, such as a group's links or the groups waiting on a
 * name. A push grows an array to at least 17 slots (V8 adds half plus 16), and at 10,000 notes
 * 70,000 such arrays, nearly all holding 1 to 3 items, were 10.7 MB of a 45 MB heap. Up to 8 items
 * the array is copied at its exact length instead: peak RSS at 100,000 notes 435 -> 418 MB, for
 * a scan no slower (best of 5 runs 3.76 vs 3.89 s; the copies cost about what GC saves).
 */
function append<T>(array: T[] | undefined, item: T): T[] {
  if (!array) return [item];
  const length = array.length;
  if (length >= 8) {
    array.push(item);
    return array;
  }
  // Not concat(), which took 29 ms here at 10,000 notes: new Array(n) has exactly n slots.
  const copy = new Array<T>(length + 1);
  for (let i = 0; i < length; i++) copy[i] = array[i]!;
  copy[length] = item;
  return copy;
}

function toggle<T>(set: Set<T>, value: T, present: boolean): void {
  if (present) set.add(value);
  else set.delete(value);
}
