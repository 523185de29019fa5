import assert from 'node:assert/strict';
import { test } from 'node:test';
import { TranscriptParser, parseTranscriptLine } from '../../src/core/sessions/agent/transcript.js';

const lines = [
  { type: 'system', subtype: 'init', session_id: 's1', model: 'claude-x', cwd: '/workspace', tools: ['Write', 'Read'] },
  { type: 'assistant', message: { content: [{ type: 'text', text: 'On it.' }, { type: 'tool_use', id: 't1', name: 'Write', input: { file_path: '/workspace/a' } }] } },
  { type: 'user', message: { content: [{ type: 'tool_result', tool_use_id: 't1', content: [{ type: 'text', text: 'File created' }] }] } },
  { type: 'result', subtype: 'success', is_error: false, result: 'Done', total_cost_usd: 0.0123, duration_ms: 1500, duration_api_ms: 900, num_turns: 2 },
].map((line) => JSON.stringify(line));

test('each kind of stream-json line becomes its typed event', () => {
  const events = lines.flatMap(parseTranscriptLine);
  assert.deepEqual(events, [
    { kind: 'init', sessionId: 's1', model: 'claude-x', cwd: '/workspace', tools: ['Write', 'Read'] },
    { kind: 'text', text: 'On it.' },
    { kind: 'tool_use', id: 't1', name: 'Write', input: { file_path: '/workspace/a' } },
    { kind: 'tool_result', toolUseId: 't1', content: 'File created', isError: false },
    { kind: 'result', ok: true, subtype: 'success', result: 'Done', costUsd: 0.0123, durationMs: 1500, durationApiMs: 900, turns: 2 },
  ]);
});

test('a failed run is a result that is not ok', () => {
  const [event] = parseTranscriptLine(JSON.stringify({ type: 'result', subtype: 'error_max_turns', is_error: true }));
  assert.equal(event?.kind, 'result');
  assert.equal(event?.kind === 'result' && event.ok, false);
});

test('chunks split mid-line and mid-character are reassembled', () => {
  const bytes = Buffer.from(`${lines.join('\n')}\n${JSON.stringify({ type: 'assistant', message: { content: [{ type: 'text', text: 'héllo ✓' }] } })}`);
  const parser = new TranscriptParser();
  const events = [];
  for (let i = 0; i < bytes.length; i += 7) events.push(...parser.push(bytes.subarray(i, i + 7)));
  events.push(...parser.end());
  assert.equal(events.length, 6);
  assert.deepEqual(events.at(-1), { kind: 'text', text: 'héllo ✓' });
});

test('noise is kept, not dropped: non-JSON lines and unknown types', () => {
  assert.deepEqual(parseTranscriptLine('warning: something'), [{ kind: 'unparsed', line: 'warning: something' }]);
  assert.equal(parseTranscriptLine('{"type":"stream_event"}')[0]?.kind, 'other');
  assert.deepEqual(parseTranscriptLine('   '), []);
});
