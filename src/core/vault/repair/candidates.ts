import { load } from 'js-yaml';
import { readFrontmatter } from '../frontmatter.js';
import { wikiName } from '../linkFixes.js';
import { nearestNames } from '../suggest.js';

/** A name a broken link may have meant: a note's own (as a link writes it) or one of its aliases. */
export interface Candidate {
  note: string;
  /** Set when the name is an alias from the note's frontmatter. */
  alias?: string;
}

export type NameMatch = { kind: 'one'; note: string; alias?: string; name: string; distance: number } | { kind: 'tie'; notes: string[] } | { kind: 'none' };

/** The `aliases` (or `alias`) of a note's frontmatter: a list or one string; anything else is none. */
export function aliasesOf(text: string): string[] {
  const frontmatter = readFrontmatter(text, 0);
  if (!frontmatter || frontmatter.problem) return [];
  let data: unknown;
  try {
    data = load(text.slice(text.indexOf('\n') + 1, frontmatter.bodyStart).replace(/---[^\S\n]*\n?$/, ''));
  } catch {
    return [];
  }
  if (!data || typeof data !== 'object') return [];
  const record = data as Record<string, unknown>;
  const value = record.aliases ?? record.alias;
  const list = Array.isArray(value) ? value : [value];
  return list.filter((item): item is string => typeof item === 'string' && item.trim() !== '').map((item) => item.trim());
}

/**
 * Every note's link name and aliases. The same name can stand for several notes (two notes with
 * one alias); a match on it is a tie, since choosing would be a guess.
 */
export class CandidateNames {
  private readonly byName = new Map<string, Candidate[]>();

  constructor(notePaths: readonly string[], aliases: ReadonlyMap<string, readonly string[]>) {
    for (const note of notePaths) {
      this.add(wikiName(note, notePaths), { note });
      for (const alias of aliases.get(note) ?? []) this.add(alias, { note, alias });
    }
  }

  private add(name: string, candidate: Candidate): void {
    const list = this.byName.get(name) ?? [];
    if (!list.some((other) => other.note === candidate.note)) list.push(candidate);
    this.byName.set(name, list);
  }

  /**
   * The one note whose name or alias is nearest to `wanted`, within a third of its length; a tie
   * between different notes, or nothing that close, is reported rather than chosen.
   */
  match(wanted: string): NameMatch {
    const nearest = nearestNames(wanted, this.byName.keys());
    if (!nearest) return { kind: 'none' };
    const found = nearest.names.flatMap((name) => this.byName.get(name)!.map((candidate) => ({ ...candidate, name })));
    const notes = [...new Set(found.map((candidate) => candidate.note))].sort();
    if (notes.length > 1) return { kind: 'tie', notes };
    // A note's own name wins over its alias at the same distance: the link then needs no display text.
    const best = found.find((candidate) => !candidate.alias) ?? found[0]!;
    return { kind: 'one', note: best.note, ...(best.alias ? { alias: best.alias } : {}), name: best.name, distance: nearest.distance };
  }
}
