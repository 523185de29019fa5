import { fewAdd, fewHas, fewItems, fewRemove, fewSize, type Few } from './few.js';
import { hasFragment, type FragmentTargets } from './fragments.js';
import type { FrontmatterProblem } from './frontmatter.js';
import { own, type ParsedLink, type ParsedNote } from './links.js';
import { Ambiguous, baseName, folderKey, groupKey, nameKey, NameTable, resolveLink, type LinkTarget, type NameEntry, type Named } from './resolve.js';

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

/** A link written in a note: where it is, and the group that holds what it points at. */
interface NoteLink {
  readonly group: LinkGroup;
  readonly line: number;
  readonly column: number;
  readonly length: number;
  readonly embed: boolean;
}

/** A file of the vault, with what points at it, and for a note what it says. */
class FileNode implements Named, FragmentTargets {
  /** The name table's entry of its file name, set when the file goes in. */
  nameEntry!: NameEntry<FileNode, LinkGroup>;
  /** Link groups with links from other notes resolved to this file, counted once per (group, note). */
  fromOthers = 0;
  /** Cleared when the file leaves the vault, while groups may still point at it. */
  present = true;
  /** The link groups resolved to this file, in the order they came. */
  readonly incoming = new Set<LinkGroup>();
  /** A note's links, in the order they are written. */
  links: NoteLink[] = [];
  headings: string[] = [];
  blocks: string[] = [];
  frontmatterProblem: FrontmatterProblem | undefined = undefined;
  empty = false;
  /** A note that is there but could not be read: links to it resolve, its own are unknown. */
  unreadable = false;

  constructor(
    readonly path: string,
    readonly folderKey: string,
    readonly isNote: boolean,
  ) {}
}

/**
 * The links that must resolve alike because they share a key (see `groupKey`): the same syntax and
 * destination as written, and for a link read from its note or its folder, the same note or folder.
 * A vault writes the same targets again and again, so resolving, checking the heading and filing
 * backlinks per group rather than per link does a fraction of the work, and a file's arrival
 * re-resolves each group once.
 */
class LinkGroup implements LinkTarget {
  /** The notes with links in this group, each once. */
  sources: Few<FileNode> = undefined;
  target: FileNode | undefined = undefined;
  candidates: string[] | undefined = undefined;
  /** See IndexedLink. */
  fragmentFound: boolean | undefined = undefined;
  /** The entries of the names it looked up and waits on (see `reresolve`). */
  deps: Few<NameEntry<FileNode, LinkGroup>> = undefined;

  readonly raw: string;
  readonly path: string;
  readonly fragment: string | undefined;
  readonly syntax: LinkTarget['syntax'];

  constructor(
    readonly key: string,
    // Any member resolves like every other, so the first one's note and link stand for the group.
    readonly origin: FileNode,
    { raw, path, fragment, syntax }: ParsedLink,
  ) {
    // Copies (see `own`): the parser's strings are views that would keep the note's text alive.
    this.raw = own(raw);
    this.path = own(path);
    this.fragment = fragment === undefined ? undefined : own(fragment);
    this.syntax = syntax;
  }

  get status(): LinkStatus {
    return this.target ? 'resolved' : this.candidates ? 'ambiguous' : 'broken';
  }

  /** The links of other notes than its target in it, counted once per note (see FileNode.fromOthers). */
  get fromOthers(): number {
    const { target, sources } = this;
    return fewSize(sources) - (target && fewHas(sources, target) ? 1 : 0);
  }
}

/** What the health report reads; every part is kept current by the graph, so reading costs no scan. */
export interface HealthFacts {
  readonly noteCount: number;
  readonly attachmentCount: number;
  readonly linkCount: number;
  readonly broken: Iterable<IndexedLink>;
  readonly ambiguous: Iterable<IndexedLink>;
  readonly missingFragments: Iterable<IndexedLink>;
  readonly orphans: ReadonlySet<string>;
  readonly unusedAttachments: ReadonlySet<string>;
  readonly emptyNotes: ReadonlySet<string>;
  frontmatterProblem(path: string): FrontmatterProblem | undefined;
  readonly withFrontmatterProblems: ReadonlySet<string>;
  /** Notes that are there but could not be read. */
  readonly unreadable: ReadonlySet<string>;
  /** Files sharing a name key, spelled differently (`Note.md`, `note.md`, NFC vs NFD). */
  clashes(): { name: string; paths: string[] }[];
}

/**
 * Notes, links and backlinks, with every health fact maintained as files come and go. Each change
 * touches only what it can affect: the changed note's own links, the link groups that looked up its
 * file name (found through the name table's waiting lists, never by scanning the vault), and the
 * groups into it whose heading or block may have appeared or vanished. No I/O here; VaultIndex feeds it.
 */
export class VaultGraph implements HealthFacts {
  private readonly files = new Map<string, FileNode>();
  private readonly names = new NameTable<FileNode, LinkGroup>();
  private readonly groups = new Map<string, LinkGroup>();
  private readonly clashKeys = new Set<string>();
  private readonly brokenGroups = new Set<LinkGroup>();
  private readonly ambiguousGroups = new Set<LinkGroup>();
  private readonly missingFragmentGroups = new Set<LinkGroup>();
  /** Between `startBuild` and the end of `finishBuild`. */
  private building = false;
  readonly orphans = new Set<string>();
  readonly unusedAttachments = new Set<string>();
  readonly emptyNotes = new Set<string>();
  readonly withFrontmatterProblems = new Set<string>();
  readonly unreadable = new Set<string>();
  noteCount = 0;
  attachmentCount = 0;
  linkCount = 0;

  /**
   * Starts a full build: every file's name goes in first, then each note's content as it is read
   * (`addBuiltNote`, which files its links in their groups, resolving a group when it is made, as
   * outside a build), and `finishBuild` checks headings and blocks, once every note is in.
   * Resolving while notes are read, rather than every group at the end, lets that code warm up
   * early in a fresh process. The orphan, unused-attachment and name-clash sets are filled once at
   * the end: kept current link by link, nearly every note would go into `orphans` only to leave it
   * again.
   */
  static startBuild(notes: readonly string[], attachments: readonly string[]): VaultGraph {
    const graph = new VaultGraph();
    graph.building = true;
    for (const path of notes) graph.addFile(path, true);
    for (const path of attachments) graph.addFile(path, false);
    return graph;
  }

  /** The content of a note given to `startBuild` (one that turned out not to be there is removed instead). */
  addBuiltNote(path: string, content: ParsedNote): void {
    this.fillNote(this.files.get(path)!, content);
  }

  /** A note given to `startBuild` is there but could not be read. */
  addUnreadableBuiltNote(path: string): void {
    this.markUnreadable(this.files.get(path)!);
  }

  finishBuild(): void {
    this.groups.forEach((group) => {
      if (group.target && group.fragment !== undefined) this.checkFragment(group);
    });
    this.building = false;
    this.files.forEach((file) => {
      if (file.fromOthers === 0) (file.isNote ? this.orphans : this.unusedAttachments).add(file.path);
    });
    this.names.forEachSharedName((key) => this.updateClashKey(key));
  }

  get broken(): Iterable<IndexedLink> {
    return linksOf(this.brokenGroups);
  }

  get ambiguous(): Iterable<IndexedLink> {
    return linksOf(this.ambiguousGroups);
  }

  get missingFragments(): Iterable<IndexedLink> {
    return linksOf(this.missingFragmentGroups);
  }

  has(path: string): boolean {
    return this.files.has(path);
  }

  /** A note's content as the graph has it, for moving the note without reading it again. */
  content(path: string): ParsedNote | undefined {
    const file = this.files.get(path);
    if (!file?.isNote || file.unreadable) return undefined;
    return {
      links: file.links.map(({ group, line, column, length, embed }) => ({ raw: group.raw, path: group.path, fragment: group.fragment, syntax: group.syntax, embed, line, column, length })),
      headings: file.headings,
      blocks: file.blocks,
      frontmatterProblem: file.frontmatterProblem,
      empty: file.empty,
    };
  }

  paths(): string[] {
    return [...this.files.keys()];
  }

  /** Adds or replaces a note. */
  setNote(path: string, content: ParsedNote): void {
    const existing = this.files.get(path);
    if (existing?.isNote) this.detachNote(existing);
    const file = existing ?? this.addFile(path, true);
    this.fillNote(file, content);
    if (!existing) this.reresolve(file);
    this.recheckFragments(file);
  }

  /** Adds a note that is there but could not be read, or marks one so, dropping what it said. */
  setUnreadableNote(path: string): void {
    const existing = this.files.get(path);
    if (existing?.isNote) this.detachNote(existing);
    const file = existing ?? this.addFile(path, true);
    this.markUnreadable(file);
    if (!existing) this.reresolve(file);
    this.recheckFragments(file);
  }

  addAttachment(path: string): void {
    if (this.has(path)) return;
    this.reresolve(this.addFile(path, false));
  }

  removeFile(path: string): void {
    const file = this.files.get(path);
    if (!file) return;
    file.present = false;
    if (file.isNote) this.noteCount--;
    else this.attachmentCount--;
    this.orphans.delete(path);
    this.unusedAttachments.delete(path);
    this.emptyNotes.delete(path);
    this.withFrontmatterProblems.delete(path);
    this.files.delete(path);
    this.names.delete(file);
    this.updateClash(path);
    if (file.isNote) this.detachNote(file);
    this.reresolve(file);
  }

  linksFrom(path: string): readonly IndexedLink[] {
    const file = this.files.get(path);
    return file?.isNote ? linksIn(file) : [];
  }

  linksTo(path: string): IndexedLink[] {
    const file = this.files.get(path);
    return file ? [...linksOf(file.incoming)] : [];
  }

  frontmatterProblem(path: string): FrontmatterProblem | undefined {
    return this.files.get(path)?.frontmatterProblem;
  }

  clashes(): { name: string; paths: string[] }[] {
    return [...this.clashKeys].map((key) => {
      const paths = this.names.withName(key).map((file) => file.path).sort();
      return { name: baseName(paths[0] ?? key), paths };
    });
  }

  /** How to write a link to each note: its name, or its path where the name is shared. */
  noteNames(): string[] {
    const names: string[] = [];
    this.files.forEach(({ path, isNote }) => {
      if (!isNote) return;
      const shared = this.names.withName(nameKey(baseName(path))).length > 1;
      names.push((shared ? path : baseName(path)).replace(/\.md$/i, ''));
    });
    return names.sort();
  }

  private addFile(path: string, isNote: boolean): FileNode {
    const file = new FileNode(path, folderKey(path), isNote);
    if (isNote) this.noteCount++;
    else this.attachmentCount++;
    this.files.set(path, file);
    file.nameEntry = this.names.add(file);
    if (!this.building) {
      this.updateClash(path);
      (isNote ? this.orphans : this.unusedAttachments).add(path);
    }
    return file;
  }

  /** Gives a note its content and files its links in their groups (see `join`). */
  private fillNote(file: FileNode, content: ParsedNote): void {
    const { path } = file;
    // In place before its links join: outside a build, a link to its own heading is checked against it.
    file.headings = content.headings;
    file.blocks = content.blocks;
    file.frontmatterProblem = content.frontmatterProblem;
    file.empty = content.empty;
    file.links = content.links.map((link) => ({ group: this.join(file, link), line: link.line, column: link.column, length: link.length, embed: link.embed }));
    this.linkCount += file.links.length;
    // A note being built is in neither set yet.
    if (content.empty || !this.building) toggle(this.emptyNotes, path, content.empty);
    if (content.frontmatterProblem || !this.building) toggle(this.withFrontmatterProblems, path, content.frontmatterProblem !== undefined);
  }

  /**
   * Puts one of the note's links in its group, made (and resolved) if there is none.
   * A note's links join one after another, so a note already in the group is its last source.
   */
  private join(file: FileNode, link: ParsedLink): LinkGroup {
    const key = groupKey(file.path, link.raw, link.path, link.syntax);
    let group = this.groups.get(key);
    if (!group) {
      group = new LinkGroup(key, file, link);
      this.groups.set(key, group);
      group.sources = file;
      this.resolveGroup(group);
      this.groupEffects(group, 1);
      return group;
    }
    const { sources } = group;
    if (sources === file || (Array.isArray(sources) && sources[sources.length - 1] === file)) return group;
    group.sources = fewAdd(sources, file);
    if (group.target && group.target !== file) this.bump(group.target, 1);
    return group;
  }

  /** Takes a note's links out of their groups, dropping the groups left empty. */
  private detachNote(file: FileNode): void {
    this.linkCount -= file.links.length;
    for (const { group } of file.links) {
      // A group the note has several links in was left at the first of them.
      if (!fewHas(group.sources, file)) continue;
      if (group.sources === file) {
        this.groupEffects(group, -1);
        this.unresolveGroup(group);
        this.groups.delete(group.key);
      } else if (group.target && group.target !== file) this.bump(group.target, -1);
      group.sources = fewRemove(group.sources, file);
    }
    file.links = [];
    file.headings = [];
    file.blocks = [];
    file.frontmatterProblem = undefined;
    file.empty = false;
    if (file.unreadable) {
      file.unreadable = false;
      this.unreadable.delete(file.path);
    }
  }

  /** Neither empty nor with invalid frontmatter: nothing is known of what it says. */
  private markUnreadable(file: FileNode): void {
    file.unreadable = true;
    this.unreadable.add(file.path);
    this.emptyNotes.delete(file.path);
    this.withFrontmatterProblems.delete(file.path);
  }

  /** What a resolved group gives (or, with -1, takes from) its target: backlinks and a checked fragment. */
  private groupEffects(group: LinkGroup, direction: 1 | -1): void {
    const { target } = group;
    if (direction === -1) {
      group.fragmentFound = undefined;
      this.missingFragmentGroups.delete(group);
    } else if (target && group.fragment !== undefined && !this.building) {
      // A build checks headings and blocks once every note is in (finishBuild).
      this.checkFragment(group);
    }
    if (!target) return;
    const count = group.fromOthers;
    if (count > 0) this.bump(target, direction * count);
  }

  private resolveGroup(group: LinkGroup): void {
    const looked = new Set<NameEntry<FileNode, LinkGroup>>();
    const resolution = resolveLink(this.names, group.origin, group.path, group.syntax, looked);
    const target = resolution instanceof Ambiguous ? undefined : resolution;
    // A group resolved to a file is found through that file (see `reresolve`), so it waits only on
    // the other names it looked up: most wait on none.
    const home = target?.nameEntry;
    for (const entry of looked) {
      if (entry === home) continue;
      group.deps = fewAdd(group.deps, entry);
      entry.waiting = fewAdd(entry.waiting, group);
    }
    group.candidates = resolution instanceof Ambiguous ? resolution.candidates : undefined;
    group.target = target;
    if (!resolution) this.brokenGroups.add(group);
    else if (!target) this.ambiguousGroups.add(group);
    else target.incoming.add(group);
  }

  private unresolveGroup(group: LinkGroup): void {
    for (const entry of fewItems(group.deps)) {
      entry.waiting = fewRemove(entry.waiting, group);
      if (!entry.waiting) this.names.release(entry);
    }
    group.deps = undefined;
    this.brokenGroups.delete(group);
    this.ambiguousGroups.delete(group);
    group.target?.incoming.delete(group);
    group.target = undefined;
    group.candidates = undefined;
  }

  private bump(file: FileNode, delta: number): void {
    const before = file.fromOthers;
    file.fromOthers += delta;
    // Only the moves between none and some change a set; a build fills the sets when it finishes.
    if ((before !== 0 && file.fromOthers !== 0) || !file.present || this.building) return;
    toggle(file.isNote ? this.orphans : this.unusedAttachments, file.path, file.fromOthers === 0);
  }

  /**
   * Re-resolves the groups a file's arrival or departure can change: those that looked up its name
   * and wait on it, and those resolved to a file of that name (or to the file itself, when it
   * leaves), which a namesake can make ambiguous or a root-level one can take over.
   */
  private reresolve(file: FileNode): void {
    const entry = file.nameEntry;
    // A copy: re-resolving changes these lists.
    const groups = [...fewItems(entry.waiting)];
    for (const named of [...fewItems(entry.named), ...fewItems(entry.namedMd)]) groups.push(...named.incoming);
    if (!file.present) groups.push(...file.incoming);
    for (const group of groups) {
      this.groupEffects(group, -1);
      this.unresolveGroup(group);
      this.resolveGroup(group);
      this.groupEffects(group, 1);
    }
  }

  private recheckFragments(file: FileNode): void {
    for (const group of file.incoming) if (group.fragment !== undefined) this.checkFragment(group);
  }

  private checkFragment(group: LinkGroup): void {
    const { target } = group;
    // The headings of a note that could not be read are unknown: nothing to check.
    group.fragmentFound = target?.isNote && !target.unreadable ? hasFragment(target, group.fragment!, group.syntax) : undefined;
    toggle(this.missingFragmentGroups, group, group.fragmentFound === false);
  }

  private updateClash(path: string): void {
    this.updateClashKey(nameKey(baseName(path)));
  }

  private updateClashKey(key: string): void {
    const paths = this.names.withName(key);
    toggle(this.clashKeys, key, paths.length > 1 && new Set(paths.map((file) => baseName(file.path))).size > 1);
  }
}

/** A note's link as a snapshot of what the index knows of it now. */
function indexed(file: FileNode, { group, line, column, length, embed }: NoteLink): IndexedLink {
  return {
    source: file.path,
    raw: group.raw,
    path: group.path,
    fragment: group.fragment,
    syntax: group.syntax,
    embed,
    line,
    column,
    length,
    status: group.status,
    target: group.target?.path,
    candidates: group.candidates,
    fragmentFound: group.fragmentFound,
  };
}

function linksIn(file: FileNode): IndexedLink[] {
  return file.links.map((link) => indexed(file, link));
}

/** Every link of the groups, found in the notes the groups list (each note once per group). */
function* linksOf(groups: Iterable<LinkGroup>): IterableIterator<IndexedLink> {
  for (const group of groups) {
    for (const file of fewItems(group.sources)) {
      for (const link of file.links) if (link.group === group) yield indexed(file, link);
    }
  }
}

function toggle<T>(set: Set<T>, value: T, present: boolean): void {
  if (present) set.add(value);
  else set.delete(value);
}
