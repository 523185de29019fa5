import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join, resolve } from 'node:path';
import { after, before, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import type { TranscriptEvent } from '../../src/core/sessions/agent/transcript.js';
import { transcriptPage } from '../../src/extension/sessions/transcriptHtml.js';
import { launchBrowser, screenshot } from '../support/browser.js';

// The transcript webview's bundled script (dist/transcript.js, as packaged) in a real Chromium,
// under the page's own Content-Security-Policy, with VS Code's webview API stood in for: long
// sessions, scrolling and the message protocol, which code-server would make slow to set up.
const repoRoot = resolve(__dirname, '..', '..');
const FILES: Record<string, [string, string]> = {
  '/dist/transcript.js': [join(repoRoot, 'dist', 'transcript.js'), 'text/javascript'],
  '/media/transcript/transcript.css': [join(repoRoot, 'media', 'transcript', 'transcript.css'), 'text/css'],
};

/** What acquireVsCodeApi gives the page: its posts are recorded, its state kept as VS Code would. */
const WEBVIEW_API = `
  window.posted = [];
  let state = null;
  window.acquireVsCodeApi = () => ({ postMessage: (m) => window.posted.push(m), getState: () => state, setState: (s) => { state = s; } });
  window.frames = [];
  let last = performance.now();
  const tick = (now) => {
    window.frames.push({ gap: now - last, shown: document.querySelectorAll('#log .chunk > .event').length });
    last = now;
    requestAnimationFrame(tick);
  };
  requestAnimationFrame(tick);
`;

let server: Server;
let origin: string;
let browser: Browser;
let page: Page;
const problems: string[] = [];

before(async () => {
  server = createServer(async (request, response) => {
    if (request.url === '/') {
      const html = transcriptPage({ cspSource: origin, nonce: 'test-nonce', scriptUri: `${origin}/dist/transcript.js`, styleUri: `${origin}/media/transcript/transcript.css`, title: 'a1b2c3d4e5f6' });
      response.writeHead(200, { 'content-type': 'text/html' }).end(html);
      return;
    }
    const file = FILES[request.url ?? ''];
    if (!file) return void response.writeHead(request.url === '/favicon.ico' ? 204 : 404).end();
    response.writeHead(200, { 'content-type': file[1] }).end(await readFile(file[0]));
  });
  await new Promise<void>((resolveListen) => server.listen(0, '127.0.0.1', resolveListen));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  await new Promise((resolveClose) => server?.close(resolveClose));
});

async function openPage(): Promise<void> {
  await page?.close();
  page = await browser.newPage({ viewport: { width: 800, height: 600 } });
  problems.length = 0;
  page.on('console', (message) => message.type() === 'error' && problems.push(message.text()));
  page.on('pageerror', (error) => problems.push(error.message));
  await page.addInitScript(WEBVIEW_API);
  await page.goto(`${origin}/`);
  await until('window.posted.length > 0');
}

/**
 * Polls an expression in the page. Playwright's waitForFunction evaluates a string with eval,
 * which the page's policy (rightly) refuses; page.evaluate goes through the debugger instead.
 */
async function until(expression: string, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await page.evaluate(expression))) {
    if (Date.now() > deadline) throw new Error(`Timed out after ${timeoutMs} ms waiting for ${expression}`);
    await new Promise((resolveWait) => setTimeout(resolveWait, 25));
  }
}

const post = (message: unknown) => page.evaluate(`window.postMessage(${JSON.stringify(message)}, '*')`);
const read = <T>(expression: string) => page.evaluate(expression) as Promise<T>;
const rendered = () => read<number>(`document.querySelectorAll('#log .chunk > .event').length`);
const scroll = () => read<{ top: number; height: number; view: number }>(`({ top: document.scrollingElement.scrollTop, height: document.scrollingElement.scrollHeight, view: document.scrollingElement.clientHeight })`);
const atBottom = async () => {
  const { top, height, view } = await scroll();
  return height - top - view < 2;
};

/** A session's worth of work: the agent says what it does, runs a tool, reads 40 lines back. */
function steps(count: number, from = 0): TranscriptEvent[] {
  return Array.from({ length: count }, (_, n) => {
    const i = from + n;
    return [
      { kind: 'text', text: `Step ${i}: I will **read** \`src/file${i}.ts\` and then:\n\n- check it\n- fix it` },
      { kind: 'tool_use', id: `t${i}`, name: 'Read', input: { file_path: `/workspace/src/file${i}.ts` } },
      { kind: 'tool_result', toolUseId: `t${i}`, content: Array.from({ length: 40 }, (_, line) => `${line}: const x${line} = ${line};`).join('\n'), isError: false },
    ] satisfies TranscriptEvent[];
  }).flat();
}

test('a replay of 6,000 events renders in slices: every event shown, the page painted all along', { timeout: 60_000 }, async (t) => {
  await openPage();
  assert.deepEqual(await read('window.posted'), [{ type: 'ready' }], 'the page asks for the transcript once it listens');
  // Parsed into the page first, so that what is measured is the webview's work, not this test's.
  await read(`window.replay = ${JSON.stringify({ type: 'events', start: 0, events: steps(2_000) })}`);
  await read(`window.frames = []; window.started = performance.now(); window.postMessage(window.replay, '*')`);
  await post({ type: 'state', state: 'ended' });
  await until(`document.querySelectorAll('#log .chunk > .event').length === 4000`, 30_000);
  const ms = await read<number>('performance.now() - window.started');
  const frames = await read<{ gap: number; shown: number }[]>('window.frames');
  const partial = frames.filter((frame) => frame.shown > 0 && frame.shown < 4_000).length;
  const longest = Math.max(...frames.map((frame) => frame.gap));
  t.diagnostic(`6,000 events (4,000 blocks, 2,000 results placed in their calls) in ${ms.toFixed(0)} ms over ${frames.length} frames; longest frame ${longest.toFixed(0)} ms`);
  assert.equal(await read<number>(`document.querySelectorAll('.tool .tool-result').length`), 2_000, 'each result sits in its call');
  // Deterministic where timings on a shared machine are not: the page painted many partial
  // states, so it never held the thread for the whole replay.
  assert.ok(partial >= 10, `the replay was painted in ${partial} partial frames`);
  assert.ok(longest < 2_000, `the longest frame took ${longest} ms`);
  assert.ok(await atBottom(), 'a reader who has not scrolled follows the end');
  assert.match(await read<string>(`document.getElementById('status').innerText`), /complete/);
  assert.deepEqual(problems, []);
});

test('live batches keep a reader at the bottom there, and leave a reader who scrolled up where they are', { timeout: 60_000 }, async () => {
  await openPage();
  await post({ type: 'events', start: 0, events: steps(20) });
  await post({ type: 'state', state: 'following' });
  await until(`document.querySelectorAll('#log .chunk > .event').length === 40`);
  let start = 60;
  const batch = async () => {
    await post({ type: 'events', start, events: steps(2, start / 3) });
    start += 6;
    await until(`document.querySelectorAll('#log .chunk > .event').length === ${(start / 3) * 2}`);
  };
  for (let i = 0; i < 5; i += 1) {
    await batch();
    assert.ok(await atBottom(), `still at the bottom after batch ${i + 1}`);
  }
  assert.equal(await read<boolean>(`document.getElementById('jump').hidden`), true);

  await page.mouse.move(400, 300);
  await page.mouse.wheel(0, -1_500);
  await until('document.scrollingElement.scrollHeight - document.scrollingElement.scrollTop - document.scrollingElement.clientHeight > 1000');
  const { top } = await scroll();
  for (let i = 0; i < 3; i += 1) await batch();
  assert.equal((await scroll()).top, top, 'new output does not move the page under the reader');
  assert.equal(await read<boolean>(`document.getElementById('jump').hidden`), false, 'a button offers the latest output');
  await screenshot(page, 'transcript-webview-scrolled-up');
  await page.click('#jump');
  await until(`document.getElementById('jump').hidden`);
  assert.ok(await atBottom());
  await batch();
  assert.ok(await atBottom(), 'and from there it follows again');
  assert.deepEqual(problems, []);
});

test('a result finds its call even with other events between them; a pending call says it runs until the end', async () => {
  await openPage();
  await post({
    type: 'events',
    start: 0,
    events: [
      { kind: 'tool_use', id: 'a', name: 'Bash', input: { command: 'make' } },
      { kind: 'tool_use', id: 'b', name: 'Grep', input: { pattern: 'TODO' } },
      { kind: 'tool_result', toolUseId: 'b', content: 'src/a.ts:1: TODO', isError: false },
      { kind: 'tool_result', toolUseId: 'unknown', content: 'orphan', isError: false },
    ] satisfies TranscriptEvent[],
  });
  await post({ type: 'state', state: 'following' });
  await until(`document.querySelectorAll('#log .chunk > .event, #log .chunk > .tool-result').length === 3`);
  assert.equal(await read<string>(`document.querySelector('.tool:nth-child(2) .tool-result pre').textContent`), 'src/a.ts:1: TODO');
  assert.equal(await read<string>(`getComputedStyle(document.querySelector('.tool:nth-child(1) .tool-result-slot'), '::after').content`), '"Running…"');
  assert.equal(await read<string>(`document.querySelector('#log .chunk > .tool-result pre').textContent`), 'orphan', 'a result whose call is unknown is still shown');
  await post({ type: 'events', start: 4, events: [{ kind: 'tool_result', toolUseId: 'a', content: 'make: *** [all] Error 2', isError: true }] });
  await until(`document.querySelector('.tool:nth-child(1) .tool-result.error')`);
  await post({ type: 'state', state: 'failed', error: 'The engine went away. <b>Run Doctor</b>' });
  await until(`document.getElementById('status').innerText.includes('Stopped following')`);
  assert.equal(await read<string>(`document.getElementById('status').innerText`), 'Stopped following: The engine went away. <b>Run Doctor</b>');
  assert.deepEqual(problems, []);
});

test('a batch that overlaps is trimmed; one after a gap makes the page ask for everything again', async () => {
  await openPage();
  const events = steps(3);
  await post({ type: 'events', start: 0, events: events.slice(0, 4) });
  await post({ type: 'events', start: 2, events: events.slice(2, 6) });
  await until(`document.querySelectorAll('#log .chunk > .event').length === 4`);
  await post({ type: 'events', start: 9, events: steps(1, 3) });
  await until('window.posted.length === 2');
  assert.deepEqual(await read('window.posted'), [{ type: 'ready' }, { type: 'ready' }]);
  assert.equal(await rendered(), 0, 'it starts again from nothing');
  await post({ type: 'events', start: 0, events });
  await until(`document.querySelectorAll('#log .chunk > .event').length === 6`);
  assert.deepEqual(problems, []);
});
