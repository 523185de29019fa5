import type { ParsedLink } from './links.js';

/**
 * A note's links as parallel arrays, not an object each, so that a parser reading one note after
 * another can keep them in the same arrays (see NoteParser). At 10,000 notes the 50,000 link
 * objects, and an array per note grown to 16 slots to hold them, were 6 of the 62 MB a scan allocated.
 */
export class LinkList {
  count = 0;
  readonly raw: string[] = [];
  readonly path: string[] = [];
  readonly fragment: (string | undefined)[] = [];
  readonly syntax: ParsedLink['syntax'][] = [];
  readonly embed: boolean[] = [];
  readonly line: number[] = [];
  readonly column: number[] = [];
  readonly length: number[] = [];

  static of(links: readonly ParsedLink[]): LinkList {
    const list = new LinkList();
    for (const link of links) list.pushLink(link);
    return list;
  }

  push(
    raw: string,
    path: string,
    fragment: string | undefined,
    syntax: ParsedLink['syntax'],
    embed: boolean,
    line: number,
    column: number,
    length: number,
  ): void {
    const i = this.count++;
    this.raw[i] = raw;
    this.path[i] = path;
    this.fragment[i] = fragment;
    this.syntax[i] = syntax;
    this.embed[i] = embed;
    this.line[i] = line;
    this.column[i] = column;
    this.length[i] = length;
  }

  at(i: number): ParsedLink {
    return {
      raw: this.raw[i]!,
      path: this.path[i]!,
      fragment: this.fragment[i],
      syntax: this.syntax[i]!,
      embed: this.embed[i]!,
      line: this.line[i]!,
      column: this.column[i]!,
      length: this.length[i]!,
    };
  }

  toArray(): ParsedLink[] {
    return Array.from({ length: this.count }, (_, i) => this.at(i));
  }

  /** Empties the list, letting go of its strings: they are views into a note's text (see `own`). */
  clear(): void {
    for (let i = 0; i < this.count; i++) {
      this.raw[i] = '';
      this.path[i] = '';
      this.fragment[i] = undefined;
    }
    this.count = 0;
  }

  /** Puts the links in the order they are written (line, then column). */
  sortByPosition(): void {
    const links = this.toArray().sort((a, b) => a.line - b.line || a.column - b.column);
    this.count = 0;
    for (const link of links) this.pushLink(link);
  }

  private pushLink(link: ParsedLink): void {
    this.push(link.raw, link.path, link.fragment, link.syntax, link.embed, link.line, link.column, link.length);
  }
}
