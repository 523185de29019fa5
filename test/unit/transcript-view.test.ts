import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { TranscriptEvent } from '../../src/core/sessions/agent/transcript.js';
import { clipEvent, FOLD_LINES, formatCost, formatDuration, renderEvent, renderState, transcriptPage } from '../../src/extension/sessions/transcriptHtml.js';
import { createMarkdown } from '../../src/extension/sessions/transcriptMarkdown.js';

const markdown = createMarkdown();
const render = (event: TranscriptEvent) => renderEvent(event, markdown);

const SAFE_TAGS = new Set(['div', 'span', 'pre', 'code', 'details', 'summary', 'p', 'strong', 'em', 'a', 'ul', 'ol', 'li', 'h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'blockquote', 'hr', 'br', 'table', 'thead', 'tbody', 'tr', 'th', 'td', 's']);

/**
 * Every tag in the HTML, with its attributes. Text is escaped, so each `<` left in the output is
 * markup this face wrote: the list is everything a browser would build from it.
 */
function tags(html: string): { name: string; attributes: Record<string, string> }[] {
  return [...html.matchAll(/<\/?([a-zA-Z][a-zA-Z0-9]*)((?:\s+[^\s=>]+(?:="[^"]*")?)*)\s*\/?>/g)].map(([, name, attributes]) => ({
    name: name!.toLowerCase(),
    attributes: Object.fromEntries([...attributes!.matchAll(/([^\s=]+)(?:="([^"]*)")?/g)].map(([, key, value]) => [key!.toLowerCase(), value ?? ''])),
  }));
}

/** Inert: only known tags, only class and web/mail href attributes, and no `<` that is not one of those tags. */
function assertInert(html: string): void {
  for (const { name, attributes } of tags(html)) {
    assert.ok(SAFE_TAGS.has(name), `unexpected <${name}> in ${html}`);
    for (const [key, value] of Object.entries(attributes)) {
      if (key === 'href') assert.match(value, /^(https?:|mailto:)/, html);
      else assert.ok(key === 'class' || (name === 'details' && key === 'open'), `unexpected attribute ${key} on <${name}> in ${html}`);
    }
  }
  const stray = html.replace(/<\/?([a-zA-Z][a-zA-Z0-9]*)((?:\s+[^\s=>]+(?:="[^"]*")?)*)\s*\/?>/g, '');
  assert.ok(!stray.includes('<') && !stray.includes('>'), `raw angle brackets outside tags in ${html}`);
}

/** One element at the top, so that the webview finds what it appended as lastElementChild. */
function assertSingleElement(html: string): void {
  let depth = 0;
  let roots = 0;
  for (const match of html.matchAll(/<(\/?)([a-zA-Z][a-zA-Z0-9]*)[^>]*?(\/?)>/g)) {
    if (['br', 'hr'].includes(match[2]!.toLowerCase()) || match[3]) continue;
    if (match[1]) depth -= 1;
    else if (depth++ === 0) roots += 1;
  }
  assert.equal(depth, 0, html);
  assert.equal(roots, 1, html);
  assert.ok(html.startsWith('<') && html.trimEnd().endsWith('>'), html);
}

const ATTACKS = [
  '<script>alert(1)</script>',
  '<img src=x onerror=alert(1)>',
  '"><svg onload=alert(1)>',
  "'><iframe src=javascript:alert(1)>",
  '</pre></div><script>alert(1)</script>',
  '[click](javascript:alert(1)) [cmd](command:workbench.action.terminal.new) [file](file:///etc/passwd) [rel](../../secrets)',
  '![beacon](https://tracker.example/pixel.png)',
  '<a href="https://example.com" onclick="alert(1)">x</a>',
  '<details open ontoggle=alert(1)>',
  '```html\n<script>alert(1)</script>\n```',
];

test('the agent’s text is markdown, and any markup in it comes out as text', () => {
  const html = render({ kind: 'text', text: '## Plan\n\n1. Read **the test**\n2. Fix `parse()`\n\n```ts\nconst a = 1 < 2;\n```\n\nSee https://example.com/docs and README.md.' }).html;
  assert.match(html, /<h2>Plan<\/h2>/);
  assert.match(html, /<ol>\s*<li>Read <strong>the test<\/strong><\/li>/);
  assert.match(html, /<code>parse\(\)<\/code>/);
  assert.match(html, /<pre><code class="language-ts">const a = 1 &lt; 2;/);
  assert.match(html, /<a href="https:\/\/example\.com\/docs">https:\/\/example\.com\/docs<\/a>/);
  assert.ok(html.includes('README.md.') && !html.includes('http://README.md'), 'a file name is not turned into a link');
  assertInert(html);
  assertSingleElement(html);

  for (const attack of ATTACKS) {
    const rendered = render({ kind: 'text', text: attack }).html;
    assertInert(rendered);
    assertSingleElement(rendered);
  }
  assert.match(render({ kind: 'text', text: ATTACKS[0]! }).html, /&lt;script&gt;alert\(1\)&lt;\/script&gt;/);
  assert.match(render({ kind: 'text', text: ATTACKS[1]! }).html, /&lt;img src=x onerror=alert\(1\)&gt;/);
  const links = render({ kind: 'text', text: ATTACKS[5]! }).html;
  assert.ok(!links.includes('<a'), 'javascript:, command:, file: and relative links stay text');
  assert.ok(!render({ kind: 'text', text: ATTACKS[6]! }).html.includes('<img'), 'images are never loaded');
});

test('every other field of every event is escaped too', () => {
  for (const attack of ATTACKS) {
    const events: TranscriptEvent[] = [
      { kind: 'init', model: attack, cwd: attack, tools: [attack, 'Bash'] },
      { kind: 'tool_use', id: attack, name: attack, input: { command: attack, [attack]: [attack] } },
      { kind: 'tool_result', toolUseId: attack, content: attack, isError: false },
      { kind: 'tool_result', toolUseId: 't', content: `${attack}\n`.repeat(FOLD_LINES + 5), isError: true },
      { kind: 'result', ok: false, subtype: attack, result: attack, turns: 2 },
      { kind: 'other', type: attack, raw: { attack } },
      { kind: 'unparsed', line: attack },
    ];
    for (const event of events) {
      const { html } = render(event);
      assertInert(html);
      assertSingleElement(html);
    }
  }
  const state = renderState({ state: 'failed', error: ATTACKS[0]! });
  assertInert(state);
  assert.match(state, /&lt;script&gt;/);
});

test('a tool call shows its name, what it does and its input as pretty JSON; its result finds it by id', () => {
  const use = render({ kind: 'tool_use', id: 'toolu_1', name: 'Bash', input: { command: 'npm test -- --grep parser', description: 'Run the parser tests' } });
  assert.equal(use.toolUseId, 'toolu_1');
  assert.match(use.html, /<span class="tool-name">Bash<\/span> <code class="tool-summary">npm test -- --grep parser<\/code>/);
  assert.ok(use.html.includes('<pre>{\n  &quot;command&quot;: &quot;npm test -- --grep parser&quot;,\n  &quot;description&quot;: &quot;Run the parser tests&quot;\n}</pre>'), use.html);
  assert.ok(use.html.includes('<div class="tool-result-slot"></div>'));
  assert.ok(!use.html.includes('<details'), 'a short input is shown open');

  const write = render({ kind: 'tool_use', id: 'toolu_2', name: 'Write', input: { file_path: '/workspace/a.md', content: 'line\n'.repeat(500) } });
  assert.match(write.html, /<code class="tool-summary">\/workspace\/a\.md<\/code>/);
  assert.match(write.html, /<details class="tool-input"><summary><span class="label">Input<\/span>/, 'a long input is folded');

  const bare = render({ kind: 'tool_use', id: 'toolu_3', name: 'TodoRead', input: {} });
  assert.ok(!bare.html.includes('tool-input'), 'an empty input is left out');

  const result = render({ kind: 'tool_result', toolUseId: 'toolu_1', content: '3 passing', isError: false });
  assert.equal(result.resultFor, 'toolu_1');
  assert.equal(result.html, '<div class="tool-result"><div class="label">Result</div><pre>3 passing</pre></div>');
});

test('a long result is folded behind a summary that says how long it is; errors are marked', () => {
  const lines = (n: number) => Array.from({ length: n }, (_, i) => `line ${i + 1}`).join('\n');
  const atLimit = render({ kind: 'tool_result', toolUseId: 't', content: `${lines(FOLD_LINES)}\n`, isError: false }).html;
  assert.ok(!atLimit.includes('<details'), `${FOLD_LINES} lines are shown open`);
  const long = render({ kind: 'tool_result', toolUseId: 't', content: lines(143), isError: false }).html;
  assert.match(long, /^<details class="tool-result"><summary><span class="label">Result<\/span> <span class="dim">143 lines<\/span><\/summary><pre>line 1\n/);
  assert.ok(!/<details[^>]* open/.test(long), 'folded, not open');
  const wide = render({ kind: 'tool_result', toolUseId: 't', content: 'x'.repeat(5_000), isError: false }).html;
  assert.match(wide, /^<details/, 'one very long line is folded too');

  const error = render({ kind: 'tool_result', toolUseId: 't', content: 'File does not exist.', isError: true }).html;
  assert.equal(error, '<div class="tool-result error"><div class="label">Error</div><pre>File does not exist.</pre></div>');
  const longError = render({ kind: 'tool_result', toolUseId: 't', content: lines(30), isError: true }).html;
  assert.match(longError, /^<details class="tool-result error"><summary><span class="label">Error<\/span> <span class="dim">30 lines/);
  assert.match(render({ kind: 'tool_result', toolUseId: 't', content: '  \n', isError: false }).html, /class="tool-result empty".*no output/);
});

test('init shows the model and the tool count; the result shows turns, duration and cost', () => {
  const init = render({ kind: 'init', sessionId: 's', model: 'claude-sonnet-4-5', cwd: '/workspace', tools: ['Bash', 'Read', 'Write'] }).html;
  assert.match(init, /<span class="model">claude-sonnet-4-5<\/span>/);
  assert.match(init, /<summary class="dim">3 tools<\/summary><p>Bash, Read, Write<\/p>/);
  assert.match(init, /<code>\/workspace<\/code>/);
  assert.match(render({ kind: 'init', tools: ['Bash'] }).html, /unknown model.*1 tool</);

  const done = render({ kind: 'result', ok: true, subtype: 'success', result: 'All green.', turns: 3, durationMs: 12_345, costUsd: 0.01234 }).html;
  assert.equal(done, '<div class="event final ok"><span class="label">Done</span> <span class="fact">3 turns</span> <span class="fact">12.3 s</span> <span class="fact">$0.0123</span></div>');
  const failed = render({ kind: 'result', ok: false, subtype: 'error_max_turns', result: 'Reached the turn limit.', turns: 1 }).html;
  assert.match(failed, /^<div class="event final error"><span class="label">Failed \(error_max_turns\)<\/span> <span class="fact">1 turn<\/span><pre>Reached the turn limit\.<\/pre><\/div>$/);
});

test('durations and costs read naturally at every size', () => {
  const durations: [number, string][] = [
    [0, '0 ms'],
    [850, '850 ms'],
    [1_000, '1.0 s'],
    [12_345, '12.3 s'],
    [59_949, '59.9 s'],
    [59_950, '1 min 00 s'],
    [125_000, '2 min 05 s'],
    [3_599_000, '59 min 59 s'],
    [3_723_000, '1 h 02 min'],
  ];
  for (const [ms, text] of durations) assert.equal(formatDuration(ms), text, `${ms} ms`);
  const costs: [number, string][] = [
    [0, '$0.0000'],
    [0.00042, '$0.0004'],
    [0.1234, '$0.1234'],
    [1, '$1.00'],
    [12.345, '$12.35'],
  ];
  for (const [usd, text] of costs) assert.equal(formatCost(usd), text, `${usd} USD`);
});

test('events Berth does not know and lines that are not JSON are shown small, never dropped', () => {
  const other = render({ kind: 'other', type: 'system/hook_response', raw: { type: 'system', subtype: 'hook_response', output: 'ok' } }).html;
  assert.match(other, /^<details class="event other"><summary>system\/hook_response<\/summary><pre>\{\n {2}&quot;type&quot;: &quot;system&quot;/);
  assert.equal(render({ kind: 'unparsed', line: 'Warning: something odd' }).html, '<pre class="event unparsed">Warning: something odd</pre>');
  // A kind a newer core might add reaches the page as an event of its own.
  const future = render({ kind: 'thinking', text: 'hmm' } as unknown as TranscriptEvent).html;
  assert.match(future, /<details class="event other"><summary>thinking<\/summary>.*&quot;text&quot;: &quot;hmm&quot;/s);
});

test('the panel keeps each event bounded: long strings anywhere in it are cut, saying how much', () => {
  const short: TranscriptEvent = { kind: 'tool_result', toolUseId: 't', content: 'fine', isError: false };
  assert.deepEqual(clipEvent(short, 10), short);
  const clipped = clipEvent({ kind: 'tool_result', toolUseId: 't', content: 'a'.repeat(1_234), isError: true }, 100);
  assert.ok(clipped.kind === 'tool_result' && clipped.isError);
  assert.equal(clipped.content, `${'a'.repeat(100)}\n… 1,134 more characters not shown`);
  const input = clipEvent({ kind: 'tool_use', id: 'u', name: 'Write', input: { file_path: '/a', content: 'b'.repeat(500), lines: ['c'.repeat(300)], size: 500 } }, 100);
  assert.ok(input.kind === 'tool_use');
  assert.deepEqual(input.input, { file_path: '/a', content: `${'b'.repeat(100)}\n… 400 more characters not shown`, lines: [`${'c'.repeat(100)}\n… 200 more characters not shown`], size: 500 });
  const emoji = clipEvent({ kind: 'text', text: `${'x'.repeat(99)}😀😀` }, 100);
  assert.ok(emoji.kind === 'text' && emoji.text.startsWith(`${'x'.repeat(99)}\n…`), 'a surrogate pair is never split');
});

test('the page allows scripts only with its nonce and loads nothing remote', () => {
  const html = transcriptPage({ cspSource: 'https://file+.vscode-resource.vscode-cdn.net', nonce: 'n0nce', scriptUri: 'https://file+.vscode-resource.vscode-cdn.net/ext/dist/transcript.js', styleUri: 'https://file+.vscode-resource.vscode-cdn.net/ext/media/transcript/transcript.css', title: 'a1b2 <script>' });
  const csp = /<meta http-equiv="Content-Security-Policy" content="([^"]+)">/.exec(html)?.[1];
  assert.ok(csp);
  assert.match(csp, /default-src 'none'/);
  assert.match(csp, /script-src 'nonce-n0nce'(;|$)/);
  assert.ok(!csp.includes('unsafe-inline') && !csp.includes('unsafe-eval') && !/\shttps?:(?!\/\/file\+)/.test(csp), csp);
  const scripts = [...html.matchAll(/<script[^>]*>/g)].map(([tag]) => tag);
  assert.deepEqual(scripts, ['<script nonce="n0nce" src="https://file+.vscode-resource.vscode-cdn.net/ext/dist/transcript.js">']);
  assert.ok(!html.includes('a1b2 <script>') && html.includes('a1b2 &lt;script&gt;'), 'the title is escaped');
  assert.ok(!/\sstyle=/.test(html), 'no inline style, which the policy would refuse');
});

test('thousands of events render quickly enough to replay a long session', (t) => {
  const events: TranscriptEvent[] = [];
  for (let i = 0; i < 1_000; i += 1) {
    events.push({ kind: 'text', text: `Step ${i}: I will **read** \`src/file${i}.ts\` and then:\n\n- check it\n- fix it` });
    events.push({ kind: 'tool_use', id: `t${i}`, name: 'Read', input: { file_path: `/workspace/src/file${i}.ts` } });
    events.push({ kind: 'tool_result', toolUseId: `t${i}`, content: Array.from({ length: 40 }, (_, n) => `${n}: const x${n} = ${n};`).join('\n'), isError: false });
  }
  const started = performance.now();
  const html = events.map((event) => render(event).html);
  const ms = performance.now() - started;
  t.diagnostic(`${events.length} events in ${ms.toFixed(0)} ms, ${(html.join('').length / 1024 ** 2).toFixed(1)} MiB of HTML`);
  assert.ok(ms < 3_000, `${ms} ms`);
});
