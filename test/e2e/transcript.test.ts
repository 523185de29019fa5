import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import type { Browser, FrameLocator, Page } from 'playwright-core';
import { createOperationCatalog } from '../../src/core/catalog.js';
import { silentContext } from '../../src/core/operations.js';
import type { Session } from '../../src/core/sessions/types.js';
import { waitForEngineItem, launchBrowser, openWindow, runCommand, screenshot } from '../support/browser.js';
import { agentImage } from '../support/images.js';
import { startMessagesApi, type MessagesApiStandIn } from '../support/messagesApi.js';
import { sessionSandbox } from '../support/sessions.js';
import { startCodeServer, type CodeServer } from '../support/workbench.js';

// A real Claude Code session (the agent image, a scripted Messages API on 127.0.0.1) followed in
// the transcript panel of a real VS Code. The agent's first command waits for a file the test
// writes, so the panel is seen while the session is still running, and then seen to grow.
const KEY = `sk-ant-test-${Math.random().toString(36).slice(2)}`;
const ATTACK = '<script>document.title = "pwned"</script> <img src=x onerror="document.title = \'pwned\'">';
const FINAL_TEXT = ['## What I did', '', '1. Waited for the **go** signal and counted to 60', '2. Looked for `missing.txt`, which is not there', '', `Markup stays text: ${ATTACK}`].join('\n');
const WAIT_FOR_GO = 'for i in $(seq 1 500); do [ -f /workspace/go ] && break; sleep 0.2; done; seq 1 60';

let box: Awaited<ReturnType<typeof sessionSandbox>>;
let api: MessagesApiStandIn;
let server: CodeServer;
let browser: Browser;
let page: Page;
let session: Session;

/** The transcript webview's document: VS Code nests each webview's page in an inner frame. */
const transcript = (): FrameLocator => page.frameLocator('iframe.webview').frameLocator('#active-frame');

before(async () => {
  const image = await agentImage();
  box = await sessionSandbox({ secrets: { ANTHROPIC_API_KEY: KEY } });
  api = await startMessagesApi([
    { tool: 'Bash', input: { command: WAIT_FOR_GO, description: 'Wait for the go signal, then count' } },
    { tool: 'Read', input: { file_path: '/workspace/missing.txt' } },
    { text: FINAL_TEXT },
  ]);
  server = await startCodeServer({ folder: box.workspace });
  browser = await launchBrowser();
  page = await openWindow(browser, server.url, box.workspace);
  await waitForEngineItem(page);
  // Started once the workbench is up, so that its first command (at most 100 s of waiting, under
  // the Bash tool's 2-minute limit) is still waiting when the panel opens.
  const ops = createOperationCatalog({ sessions: box.service });
  session = (await ops.invoke(
    'session.start',
    {
      workspace: box.workspace,
      image,
      prompt: 'Count to 60 once the go file exists, then read missing.txt.',
      network: 'host',
      env: [`ANTHROPIC_BASE_URL=${api.url}`, 'CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC=1'],
    },
    silentContext('test', box.workspace),
  )) as Session;
});

after(async () => {
  await browser?.close();
  await server?.stop();
  await api?.close();
  await box?.cleanup();
});

test('"Berth: Show Transcript" opens the session’s transcript while the agent works', { timeout: 120_000 }, async () => {
  await runCommand(page, 'Berth: Show Transcript');
  await page.locator('.quick-input-list .monaco-list-row', { hasText: session.id }).first().click({ timeout: 30_000 });
  const view = transcript();
  await view.locator('.event.init .model').waitFor({ state: 'visible', timeout: 60_000 });
  assert.match(await view.locator('.event.init').innerText(), /\d+ tools/);
  const bash = view.locator('.event.tool', { has: view.locator('.tool-name', { hasText: 'Bash' }) });
  await bash.waitFor({ state: 'visible', timeout: 60_000 });
  assert.match(await bash.locator('.tool-summary').innerText(), /seq 1 500/);
  assert.match(await bash.locator('.tool-input pre').innerText(), /"description": "Wait for the go signal, then count"/);
  assert.equal(await bash.locator('.tool-result').count(), 0, 'the command is still waiting: no result yet');
  assert.match(await view.locator('#status').innerText(), /Following the session/);
  // Marked, to see below that what is shown is appended to, never rebuilt.
  await view.locator('.event.init').evaluate((element: { dataset: Record<string, string> }) => (element.dataset.seen = 'yes'));
  await screenshot(page, 'transcript-01-live');
});

test('the result arrives live, folded when long; an error is marked; the end shows turns, time and cost', { timeout: 120_000 }, async () => {
  await writeFile(join(box.workspace, 'go'), '');
  const view = transcript();
  const counted = view.locator('.event.tool', { has: view.locator('.tool-name', { hasText: 'Bash' }) }).locator('details.tool-result');
  await counted.waitFor({ state: 'visible', timeout: 60_000 });
  assert.match(await counted.locator('summary').innerText(), /Result\s+60 lines/);
  assert.equal(await counted.getAttribute('open'), null, 'folded until the reader opens it');

  const read = view.locator('.event.tool', { has: view.locator('.tool-name', { hasText: 'Read' }) });
  await read.locator('.tool-result.error').waitFor({ state: 'visible', timeout: 60_000 });

  const final = view.locator('.event.final');
  await final.waitFor({ state: 'visible', timeout: 60_000 });
  assert.match(await final.getAttribute('class') ?? '', /\bok\b/);
  assert.match(await final.innerText(), /^Done\s+\d+ turns?\s+(\d+(\.\d)? m?s|\d+ min \d\d s)\s+\$\d+\.\d{2,4}$/);
  assert.equal(await view.locator('.event.init[data-seen="yes"]').count(), 1, 'the live updates appended to the page');
  await view.locator('#status', { hasText: 'The transcript is complete.' }).waitFor({ timeout: 30_000 });

  const text = view.locator('.event.text').last();
  assert.equal(await text.locator('h2').innerText(), 'What I did');
  assert.match(await text.locator('ol li').first().innerText(), /Waited for the go signal/);
  assert.ok((await text.innerText()).includes(ATTACK), 'the markup is shown as the agent wrote it');
  assert.equal(await view.locator('#log script, #log img, #log iframe').count(), 0, 'and none of it became an element');
  await counted.locator('summary').click();
  await screenshot(page, 'transcript-02-done');
});

test('hidden and shown again, the panel is complete and where the reader left it; asking again shows the same panel without doubling it', { timeout: 90_000 }, async () => {
  const view = transcript();
  const before = await view.locator('#log .chunk > .event').count();
  assert.ok(before >= 5, `${before} events`);
  // Folded again (a rebuilt page shows every result folded), and small, so that the transcript
  // is taller than the panel; the reader scrolls to the middle.
  await view.locator('details.tool-result[open] > summary').click();
  await page.setViewportSize({ width: 760, height: 640 });
  await view.locator('.event.text').last().hover();
  await page.mouse.wheel(0, -20_000);
  await page.waitForTimeout(300);
  await page.mouse.wheel(0, 200);
  await page.waitForTimeout(500); // the page saves the reader's place once scrolling pauses
  const read = view.locator('.event.tool', { has: view.locator('.tool-name', { hasText: 'Read' }) });
  const place = await read.boundingBox();
  const start = await view.locator('header').boundingBox();
  assert.ok(place && start && start.y < 0, 'scrolled past the start, not to the end');
  // Opening a file in the same group hides the panel, and VS Code drops a hidden webview's page.
  await page.locator('.explorer-folders-view .monaco-list-row', { hasText: /^go$/ }).click();
  await page.locator('.tabs-container .tab', { hasText: /^go/ }).waitFor({ state: 'visible' });
  await page.locator('.tabs-container .tab', { hasText: 'Transcript' }).click();
  await view.locator('.event.final').waitFor({ state: 'visible', timeout: 30_000 });
  assert.equal(await view.locator('.event.init[data-seen]').count(), 0, 'a new page, built again from the events the extension kept');
  assert.equal(await view.locator('#log .chunk > .event').count(), before);
  const restored = await read.boundingBox();
  assert.ok(restored && Math.abs(restored.y - place.y) < 2, `the reader's place is in view again (${restored?.y} vs ${place.y})`);
  await screenshot(page, 'transcript-04-narrow');

  await runCommand(page, 'Berth: Show Transcript');
  await page.locator('.quick-input-list .monaco-list-row', { hasText: session.id }).first().click({ timeout: 30_000 });
  await view.locator('#status', { hasText: 'The transcript is complete.' }).waitFor({ timeout: 30_000 });
  await page.waitForTimeout(1_500); // a doubled replay of a finished session's log would have arrived by now
  assert.equal(await view.locator('#log .chunk > .event').count(), before);
  assert.equal(await page.locator('.tabs-container .tab', { hasText: 'Transcript' }).count(), 1, 'one panel per session');
  await screenshot(page, 'transcript-03-shown-again');
});
