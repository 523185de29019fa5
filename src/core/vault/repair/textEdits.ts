import { BerthError } from '../../errors.js';
import type { TextEdit } from '../edits.js';

/** The offset of each line's first character: positions count lines by '\n', as VS Code does. */
function lineStarts(text: string): number[] {
  const starts = [0];
  for (let at = text.indexOf('\n'); at !== -1; at = text.indexOf('\n', at + 1)) starts.push(at + 1);
  return starts;
}

/**
 * A note's text with its edits applied, as a face that writes files does it (VS Code applies the
 * same edits to its buffers). Edits may come in any order but must not overlap: two edits of one
 * span would mean the plan is wrong, and a wrong plan must not be written.
 */
export function applyTextEdits(text: string, edits: readonly TextEdit[]): string {
  const starts = lineStarts(text);
  const offset = (line: number, character: number) => {
    const start = starts[line];
    if (start === undefined) throw new BerthError(`An edit names line ${line + 1}, past the end of the note.`, 'Plan the repair again: the note changed.', 'EDIT_CONFLICT');
    return Math.min(start + character, starts[line + 1] ?? text.length);
  };
  const spans = edits
    .map((edit) => ({ from: offset(edit.range.start.line, edit.range.start.character), to: offset(edit.range.end.line, edit.range.end.character), text: edit.newText }))
    .sort((a, b) => a.from - b.from || a.to - b.to);
  let result = '';
  let at = 0;
  for (const span of spans) {
    if (span.from < at) throw new BerthError('Two edits of the plan overlap.', 'This is a bug in Berth; nothing was written.', 'INTERNAL');
    result += text.slice(at, span.from) + span.text;
    at = span.to;
  }
  return result + text.slice(at);
}
