// What the transcript panel shows of each event, as HTML text: pure functions, so that the
// escaping and the layout are unit-tested without a browser. The webview's script (bundled from
// media/transcript/main.js) calls them; the extension host only uses clipEvent and the page.
import type { TranscriptEvent } from '../../core/sessions/agent/transcript.js';

/** Renders untrusted markdown to HTML that holds no markup of its own (transcriptMarkdown.ts). */
export type Markdown = (text: string) => string;

/** One event's HTML: always a single element, so the webview can find what it appended. */
export interface Fragment {
  html: string;
  /** A tool call: its result, when it comes, goes into its `.tool-result-slot`. */
  toolUseId?: string;
  /** A tool result: the call it answers. */
  resultFor?: string;
}

/** Where the panel stands: following the stream, or done with it (cleanly or not). */
export type FollowState = { state: 'following' } | { state: 'ended' } | { state: 'failed'; error: string };

/** A result or input longer than this is folded into a <details>, so a long session stays scannable. */
export const FOLD_LINES = 20;
const FOLD_CHARS = 2_000;
/** One string of an event is cut after this many characters: the panel keeps every event, so each must stay bounded. */
export const MAX_CHARS = 50_000;

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

const plural = (count: number, word: string) => `${count.toLocaleString('en-US')} ${word}${count === 1 ? '' : 's'}`;

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (char) => ESCAPES[char]!);
}

/** Every string in the value cut to `max` characters, saying how much was left out. */
export function clipStrings<T>(value: T, max: number = MAX_CHARS): T {
  if (typeof value === 'string') {
    if (value.length <= max) return value;
    // Never cut between the two halves of a surrogate pair.
    const end = /[\uD800-\uDBFF]/.test(value[max - 1]!) ? max - 1 : max;
    return `${value.slice(0, end)}\n… ${plural(value.length - end, 'more character')} not shown` as T;
  }
  if (Array.isArray(value)) return value.map((item: unknown) => clipStrings(item, max)) as T;
  if (typeof value === 'object' && value !== null) {
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, clipStrings(item, max)])) as T;
  }
  return value;
}

/** The event as the panel keeps it: bounded in size (see MAX_CHARS), otherwise unchanged. */
export function clipEvent(event: TranscriptEvent, max: number = MAX_CHARS): TranscriptEvent {
  return { ...clipStrings(event, max), kind: event.kind } as TranscriptEvent;
}

export function formatDuration(ms: number): string {
  if (ms < 1_000) return `${Math.round(ms)} ms`;
  if (ms < 59_950) return `${(ms / 1_000).toFixed(1)} s`;
  const seconds = Math.round(ms / 1_000);
  const pad = (n: number) => String(n).padStart(2, '0');
  const hours = Math.floor(seconds / 3_600);
  const minutes = Math.floor((seconds % 3_600) / 60);
  return hours ? `${hours} h ${pad(minutes)} min` : `${minutes} min ${pad(seconds % 60)} s`;
}

/** Agent runs cost fractions of a cent: four decimals below a dollar, cents above. */
export function formatCost(usd: number): string {
  return `$${usd < 1 ? usd.toFixed(4) : usd.toFixed(2)}`;
}

function lineCount(text: string): number {
  return text.replace(/\n$/, '').split('\n').length;
}

/** A block of text, folded behind its summary when long; `open` decides what a short one looks like. */
function block(text: string, label: string, className: string): string {
  const body = `<pre>${escapeHtml(text)}</pre>`;
  const lines = lineCount(text);
  if (lines > FOLD_LINES || text.length > FOLD_CHARS) {
    return `<details class="${className}"><summary><span class="label">${label}</span> <span class="dim">${plural(lines, 'line')}</span></summary>${body}</details>`;
  }
  return `<div class="${className}"><div class="label">${label}</div>${body}</div>`;
}

/** The field that says what a tool call does (a command, a path), shown beside the tool's name. */
const SUMMARY_FIELDS = ['command', 'file_path', 'path', 'pattern', 'url', 'query', 'description', 'prompt'];

function toolSummary(input: unknown): string {
  if (typeof input !== 'object' || input === null) return '';
  const fields = input as Record<string, unknown>;
  const value = SUMMARY_FIELDS.map((field) => fields[field]).find((candidate): candidate is string => typeof candidate === 'string' && candidate.trim() !== '');
  if (!value) return '';
  const line = value.trim().split('\n')[0]!;
  return line.length > 120 ? `${line.slice(0, 119)}…` : line;
}

function pretty(value: unknown): string {
  return JSON.stringify(value, null, 2) ?? String(value);
}

const isEmptyInput = (input: unknown) => input === undefined || input === null || (typeof input === 'object' && Object.keys(input).length === 0);

export function renderEvent(event: TranscriptEvent, markdown: Markdown): Fragment {
  switch (event.kind) {
    case 'init': {
      const where = event.cwd ? ` · <code>${escapeHtml(event.cwd)}</code>` : '';
      const tools = event.tools.length
        ? `<details class="tools"><summary class="dim">${plural(event.tools.length, 'tool')}</summary><p>${event.tools.map(escapeHtml).join(', ')}</p></details>`
        : '<span class="dim">no tools</span>';
      return {
        html: `<div class="event init"><div><span class="label">Started</span> <span class="model">${escapeHtml(event.model ?? 'unknown model')}</span><span class="dim">${where}</span></div>${tools}</div>`,
      };
    }
    case 'text':
      return { html: `<div class="event text markdown">${markdown(event.text)}</div>` };
    case 'tool_use': {
      const summary = toolSummary(event.input);
      const head = `<div class="tool-head"><span class="tool-name">${escapeHtml(event.name || 'tool')}</span>${summary ? ` <code class="tool-summary">${escapeHtml(summary)}</code>` : ''}</div>`;
      const input = isEmptyInput(event.input) ? '' : block(pretty(event.input), 'Input', 'tool-input');
      return { html: `<div class="event tool">${head}${input}<div class="tool-result-slot"></div></div>`, toolUseId: event.id };
    }
    case 'tool_result': {
      const className = event.isError ? 'tool-result error' : 'tool-result';
      const html = event.content.trim() === '' ? `<div class="${className} empty"><span class="label">${event.isError ? 'Error' : 'Result'}</span> <span class="dim">no output</span></div>` : block(event.content, event.isError ? 'Error' : 'Result', className);
      return { html, resultFor: event.toolUseId };
    }
    case 'result': {
      const facts = [
        event.turns === undefined ? '' : plural(event.turns, 'turn'),
        event.durationMs === undefined ? '' : formatDuration(event.durationMs),
        event.costUsd === undefined ? '' : formatCost(event.costUsd),
      ].filter(Boolean);
      const label = event.ok ? 'Done' : `Failed${event.subtype ? ` (${escapeHtml(event.subtype)})` : ''}`;
      // On success `result` repeats the last text already shown; on failure it is the reason.
      const reason = !event.ok && event.result ? `<pre>${escapeHtml(event.result)}</pre>` : '';
      return { html: `<div class="event final ${event.ok ? 'ok' : 'error'}"><span class="label">${label}</span>${facts.map((fact) => ` <span class="fact">${fact}</span>`).join('')}${reason}</div>` };
    }
    case 'other':
      return { html: `<details class="event other"><summary>${escapeHtml(event.type || 'event')}</summary><pre>${escapeHtml(pretty(event.raw))}</pre></details>` };
    case 'unparsed':
      return { html: `<pre class="event unparsed">${escapeHtml(event.line)}</pre>` };
    default: {
      // A kind this face does not know yet (a newer core): shown like any other event, never dropped.
      const unknown = event as { kind?: unknown };
      return renderEvent({ kind: 'other', type: String(unknown.kind ?? 'event'), raw: unknown }, markdown);
    }
  }
}

export function renderState(state: FollowState): string {
  switch (state.state) {
    case 'following':
      return '<span class="live">Following the session…</span>';
    case 'ended':
      return 'The transcript is complete.';
    case 'failed':
      return `<span class="error">Stopped following: ${escapeHtml(state.error)}</span>`;
  }
}

/** The panel's page: a strict policy (scripts only with the nonce, styles and fonts only from the extension, nothing remote). */
export function transcriptPage(page: { cspSource: string; nonce: string; scriptUri: string; styleUri: string; title: string }): string {
  const csp = [`default-src 'none'`, `style-src ${page.cspSource}`, `font-src ${page.cspSource}`, `img-src ${page.cspSource}`, `script-src 'nonce-${page.nonce}'`].join('; ');
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${csp}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<link rel="stylesheet" href="${escapeHtml(page.styleUri)}">
<title>${escapeHtml(page.title)}</title>
</head>
<body>
<header><h1>Transcript</h1> <span class="dim">${escapeHtml(page.title)}</span></header>
<main id="log" role="log"></main>
<footer id="status">${renderState({ state: 'following' })}</footer>
<button id="jump" type="button" hidden>Jump to latest ↓</button>
<script nonce="${escapeHtml(page.nonce)}" src="${escapeHtml(page.scriptUri)}"></script>
</body>
</html>
`;
}
