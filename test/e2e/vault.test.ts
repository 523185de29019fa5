import assert from 'node:assert/strict';
import { cp, mkdtemp, readFile, rm, unlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { after, before, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { VaultIndex } from '../../src/core/vault/index.js';
import { launchBrowser, openWindow, runCommand, screenshot } from '../support/browser.js';
import { startCodeServer, type CodeServer } from '../support/workbench.js';

const demoVault = resolve(__dirname, '..', 'fixtures', 'demo-vault');

let server: CodeServer;
let browser: Browser;
let page: Page;
let vault: string;

const statusItem = (text: string) => page.locator('.statusbar-item', { hasText: text });
const treeRow = (text: string) =>
  page
    .locator('.pane', { has: page.locator('.pane-header', { hasText: 'Vault Health' }) })
    .locator('.monaco-list-row', { hasText: text });

/** Saving is asynchronous in the workbench; poll the disk (bounded) until the note says what we expect. */
async function waitForFile(path: string, pattern: RegExp): Promise<void> {
  const deadline = Date.now() + 10_000;
  let text = '';
  while (Date.now() < deadline) {
    text = await readFile(path, 'utf8');
    if (pattern.test(text)) return;
    await new Promise((r) => setTimeout(r, 200));
  }
  assert.match(text, pattern);
}

before(async () => {
  vault = await mkdtemp(join(tmpdir(), 'berth-e2e-vault-'));
  await cp(demoVault, vault, { recursive: true });
  // Typed brackets must arrive as typed, not doubled by auto-closing.
  server = await startCodeServer({ folder: vault, settings: { 'editor.autoClosingBrackets': 'never', 'editor.autoSurround': 'never' } });
  browser = await launchBrowser();
  page = await openWindow(browser, server.url, vault);
});

after(async () => {
  await browser?.close();
  await server?.stop();
  if (vault) await rm(vault, { recursive: true, force: true });
});

test('the status bar shows the score the engine computes for the vault', { timeout: 90_000 }, async () => {
  const expected = await new VaultIndex(vault).scan();
  assert.equal(expected.brokenLinks.length, 1, 'the demo vault has one broken link');
  await statusItem(`Vault ${expected.score}`).waitFor({ state: 'visible', timeout: 60_000 });
  await screenshot(page, 'vault-01-status-bar');
});

test('the Vault Health view shows the score and the problem groups with counts', { timeout: 60_000 }, async () => {
  await page.locator('.activitybar [aria-label^="Berth"]').first().click();
  const report = await new VaultIndex(vault).scan();
  await treeRow(`Score ${report.score} / 100`).waitFor({ state: 'visible', timeout: 30_000 });
  const broken = treeRow('Broken links');
  await broken.waitFor({ state: 'visible' });
  assert.match(await broken.innerText(), /Broken links\s*1/);
  assert.match(await treeRow('Orphans').innerText(), /Orphans\s*1/);
  await treeRow('Reading List').waitFor({ state: 'visible' });
  await screenshot(page, 'vault-02-view');
});

test('broken links are in the Problems panel', { timeout: 60_000 }, async () => {
  await runCommand(page, 'View: Focus Problems');
  const problem = page.locator('.markers-panel .monaco-list-row', { hasText: 'Broken link: no note or file named "Reading List"' });
  await problem.waitFor({ state: 'visible', timeout: 30_000 });
  await screenshot(page, 'vault-03-problems');
  await page.keyboard.press('Control+J');
  await problem.waitFor({ state: 'hidden', timeout: 10_000 });
});

test('fixing the link in the editor raises the score live, without a reload', { timeout: 60_000 }, async () => {
  await treeRow('Reading List').click();
  const editor = page.locator('.editor-instance .monaco-editor').first();
  await editor.waitFor({ state: 'visible', timeout: 30_000 });
  await page.locator('.tab.active', { hasText: 'Ideas.md' }).waitFor({ state: 'visible' });
  // A single click keeps the focus in the tree, as in the Problems panel; move it to the editor.
  await runCommand(page, 'View: Focus Active Editor Group');
  // The tree item opened the note with the whole broken link selected; typing replaces it.
  await page.keyboard.insertText('[[Projects]]');
  await statusItem('Vault 100').waitFor({ state: 'visible', timeout: 30_000 });
  await treeRow('Score 100 / 100').waitFor({ state: 'visible' });
  await treeRow('No problems found').waitFor({ state: 'visible' });
  await screenshot(page, 'vault-04-fixed');
  await page.keyboard.press('Control+S');
  await waitForFile(join(vault, 'Ideas.md'), /in the \[\[Projects\]\]\./);
});

test('the "Change link to" quick fix repairs a typo', { timeout: 60_000 }, async () => {
  await page.keyboard.press('Control+End');
  await page.keyboard.press('Enter');
  await page.keyboard.insertText('See also [[Welcom]]');
  await page.keyboard.press('ArrowLeft');
  await page.keyboard.press('ArrowLeft');
  await page.keyboard.press('ArrowLeft');
  await treeRow('Welcom').waitFor({ state: 'visible', timeout: 30_000 });
  await page.keyboard.press('Control+.');
  const fix = page.locator('.action-widget .monaco-list-row', { hasText: 'Change link to "Welcome"' });
  await fix.waitFor({ state: 'visible', timeout: 15_000 });
  assert.match(await fix.getAttribute('class') ?? '', /focused/, 'the retarget fix is the preferred one');
  await screenshot(page, 'vault-05-quick-fix');
  await page.keyboard.press('Enter');
  await treeRow('Score 100 / 100').waitFor({ state: 'visible', timeout: 30_000 });
  await page.keyboard.press('Control+S');
  await waitForFile(join(vault, 'Ideas.md'), /See also \[\[Welcome\]\]$/);
  await assert.rejects(readFile(join(vault, 'Welcom.md')), 'the retarget fix, not "Create note", was applied');
});

test('files changed outside the editor are followed through the file watcher', { timeout: 60_000 }, async () => {
  const note = join(vault, 'Later.md');
  await writeFile(note, '# Later\n\nSee [[Projects]] and [[Nowhere]].\n');
  await treeRow('Nowhere').waitFor({ state: 'visible', timeout: 30_000 });
  const report = await new VaultIndex(vault).scan();
  assert.deepEqual(report.brokenLinks.map((link) => link.target), ['Nowhere']);
  await statusItem(`Vault ${report.score}`).waitFor({ state: 'visible', timeout: 30_000 });
  await screenshot(page, 'vault-06-external-change');
  await unlink(note);
  await treeRow('Score 100 / 100').waitFor({ state: 'visible', timeout: 30_000 });
});
