import * as z from 'zod';

/**
 * Claude Code's `--output-format stream-json --verbose` prints one JSON object per line:
 * `system`/init, `assistant` and `user` messages (text, tool_use, tool_result blocks) and a
 * final `result`. These are the typed events the faces show.
 */
export const transcriptEventSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('init'), sessionId: z.string().optional(), model: z.string().optional(), cwd: z.string().optional(), tools: z.array(z.string()) }),
  z.object({ kind: z.literal('text'), text: z.string() }),
  z.object({ kind: z.literal('tool_use'), id: z.string(), name: z.string(), input: z.unknown() }),
  z.object({ kind: z.literal('tool_result'), toolUseId: z.string(), content: z.string(), isError: z.boolean() }),
  z.object({
    kind: z.literal('result'),
    ok: z.boolean(),
    subtype: z.string(),
    result: z.string().optional(),
    costUsd: z.number().optional(),
    durationMs: z.number().optional(),
    durationApiMs: z.number().optional(),
    turns: z.number().optional(),
  }),
  /** A JSON line of a type this parser does not know: kept, so that nothing is silently lost. */
  z.object({ kind: z.literal('other'), type: z.string(), raw: z.unknown() }),
  /** A line that is not JSON, such as a warning on the same stream. */
  z.object({ kind: z.literal('unparsed'), line: z.string() }),
]);
export type TranscriptEvent = z.infer<typeof transcriptEventSchema>;

type Json = Record<string, unknown>;
const isObject = (value: unknown): value is Json => typeof value === 'object' && value !== null && !Array.isArray(value);
const str = (value: unknown) => (typeof value === 'string' ? value : undefined);
const num = (value: unknown) => (typeof value === 'number' && Number.isFinite(value) ? value : undefined);

function contentText(content: unknown): string {
  if (typeof content === 'string') return content;
  if (Array.isArray(content)) {
    return content.map((part) => (isObject(part) && typeof part.text === 'string' ? part.text : '')).join('');
  }
  return '';
}

function blocksOf(message: unknown): Json[] {
  if (!isObject(message)) return [];
  const content = message.content;
  if (typeof content === 'string') return [{ type: 'text', text: content }];
  return Array.isArray(content) ? content.filter(isObject) : [];
}

export function parseTranscriptLine(line: string): TranscriptEvent[] {
  const trimmed = line.trim();
  if (!trimmed) return [];
  let value: unknown;
  try {
    value = JSON.parse(trimmed);
  } catch {
    return [{ kind: 'unparsed', line: trimmed }];
  }
  if (!isObject(value)) return [{ kind: 'unparsed', line: trimmed }];
  const type = str(value.type) ?? '';
  switch (type) {
    case 'system':
      if (value.subtype === 'init') {
        const tools = Array.isArray(value.tools) ? value.tools.filter((t): t is string => typeof t === 'string') : [];
        return [{ kind: 'init', sessionId: str(value.session_id), model: str(value.model), cwd: str(value.cwd), tools }];
      }
      return [{ kind: 'other', type: `system/${str(value.subtype) ?? ''}`, raw: value }];
    case 'assistant':
      return blocksOf(value.message).flatMap((block): TranscriptEvent[] => {
        if (block.type === 'text') return [{ kind: 'text', text: str(block.text) ?? '' }];
        if (block.type === 'tool_use') return [{ kind: 'tool_use', id: str(block.id) ?? '', name: str(block.name) ?? '', input: block.input }];
        return [{ kind: 'other', type: `assistant/${str(block.type) ?? ''}`, raw: block }];
      });
    case 'user':
      return blocksOf(value.message).flatMap((block): TranscriptEvent[] =>
        block.type === 'tool_result'
          ? [{ kind: 'tool_result', toolUseId: str(block.tool_use_id) ?? '', content: contentText(block.content), isError: block.is_error === true }]
          : [],
      );
    case 'result':
      return [
        {
          kind: 'result',
          ok: value.is_error !== true && value.subtype === 'success',
          subtype: str(value.subtype) ?? '',
          result: str(value.result),
          costUsd: num(value.total_cost_usd) ?? num(value.cost_usd),
          durationMs: num(value.duration_ms),
          durationApiMs: num(value.duration_api_ms),
          turns: num(value.num_turns),
        },
      ];
    default:
      return [{ kind: 'other', type, raw: value }];
  }
}

/** Splits a byte stream into lines (chunks may end mid-line or mid-character) and parses each. */
export class TranscriptParser {
  private buffer = '';
  private readonly decoder = new TextDecoder();

  push(chunk: Uint8Array | string): TranscriptEvent[] {
    this.buffer += typeof chunk === 'string' ? chunk : this.decoder.decode(chunk, { stream: true });
    const lines = this.buffer.split('\n');
    this.buffer = lines.pop() ?? '';
    return lines.flatMap(parseTranscriptLine);
  }

  end(): TranscriptEvent[] {
    const rest = this.buffer + this.decoder.decode();
    this.buffer = '';
    return parseTranscriptLine(rest);
  }
}

export async function* transcriptEvents(source: AsyncIterable<Uint8Array | string>): AsyncGenerator<TranscriptEvent> {
  const parser = new TranscriptParser();
  for await (const chunk of source) yield* parser.push(chunk);
  yield* parser.end();
}

export function formatTranscriptEvent(event: TranscriptEvent): string {
  switch (event.kind) {
    case 'init':
      return `· init ${event.model ?? ''} (${event.tools.length} tools)`;
    case 'text':
      return event.text;
    case 'tool_use':
      return `→ ${event.name} ${JSON.stringify(event.input)}`;
    case 'tool_result':
      return `${event.isError ? '✗' : '←'} ${event.content.split('\n')[0] ?? ''}`;
    case 'result': {
      const cost = event.costUsd === undefined ? '' : `, $${event.costUsd.toFixed(4)}`;
      const time = event.durationMs === undefined ? '' : `, ${(event.durationMs / 1000).toFixed(1)} s`;
      return `= ${event.ok ? 'done' : `failed (${event.subtype})`}${time}${cost}${event.result ? `: ${event.result}` : ''}`;
    }
    case 'other':
      return `· ${event.type}`;
    case 'unparsed':
      return event.line;
  }
}
