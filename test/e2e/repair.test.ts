import assert from 'node:assert/strict';
import { cp, mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { after, before, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { launchBrowser, openWindow, runCommand, screenshot } from '../support/browser.js';
import { eventually } from '../support/sessions.js';
import { startCodeServer, type CodeServer } from '../support/workbench.js';

// Issue 14 end to end: Repair Vault… in a real VS Code shows the plan as a diff before anything is
// written, applies it after the modal's Apply (backing up first), and Undo Last Repair puts every
// byte back.

const demoVault = resolve(__dirname, '..', 'fixtures', 'demo-vault');
let server: CodeServer;
let browser: Browser;
let page: Page;
let vault: string;
let state: string;
let original: string;

before(async () => {
  vault = await mkdtemp(join(tmpdir(), 'berth-e2e-repair-'));
  state = await mkdtemp(join(tmpdir(), 'berth-e2e-repair-state-'));
  await cp(demoVault, vault, { recursive: true });
  // A typo the repair can fix: Projects.md exists, one letter away.
  original = `${await readFile(join(vault, 'Welcome.md'), 'utf8')}\nWhat I work on: [[Projcts]].\n`;
  await writeFile(join(vault, 'Welcome.md'), original);
  server = await startCodeServer({ folder: vault, env: { XDG_STATE_HOME: state } });
  browser = await launchBrowser();
  page = await openWindow(browser, server.url, vault);
  await page.locator('.statusbar-item', { hasText: /Vault \d+/ }).waitFor({ state: 'visible', timeout: 60_000 });
});

after(async () => {
  await browser?.close();
  await server?.stop();
  await Promise.all([vault, state].filter(Boolean).map((folder) => rm(folder, { recursive: true, force: true })));
});

test('Repair Vault… shows the plan as a diff and writes nothing until Apply; Apply backs up and repairs; Undo Last Repair restores every byte', { timeout: 180_000 }, async () => {
  await runCommand(page, 'Berth: Repair Vault…');
  const modal = page.locator('.monaco-dialog-box', { hasText: 'apply 1 change to the vault?' });
  await modal.waitFor({ state: 'visible', timeout: 60_000 });
  assert.match(await modal.innerText(), /retarget Welcome\.md:\d+ → Projects/);
  // Behind the question, the plan as a diff of the note, before and after.
  await page.locator('.tab', { hasText: 'Berth: Repair Plan (1 change)' }).waitFor({ state: 'visible', timeout: 10_000 });
  assert.equal(await readFile(join(vault, 'Welcome.md'), 'utf8'), original, 'nothing is written before Apply');
  await screenshot(page, 'repair-01-plan');

  await modal.getByRole('button', { name: 'Apply', exact: true }).click();
  const done = page.locator('.notification-toast', { hasText: /vault repaired, score \d+ → \d+/ });
  await done.waitFor({ state: 'visible', timeout: 60_000 });
  await eventually(async () => (await readFile(join(vault, 'Welcome.md'), 'utf8')).includes('[[Projects]]'), 10_000, 'the repaired note on disk');
  const backups = await readdir(join(state, 'berth', 'backups'), { recursive: true });
  assert.ok(backups.some((name) => String(name).endsWith('.tar.gz')), 'a backup was made first');
  await screenshot(page, 'repair-02-applied');

  // The repair's progress ends with it; then Undo, from the button its notification offers.
  await page.locator('.notification-toast', { hasText: 'repairing the vault' }).waitFor({ state: 'hidden', timeout: 60_000 });
  await done.getByRole('button', { name: 'Undo Last Repair' }).click();
  await page
    .locator('.notification-toast', { hasText: 'last repair undone' })
    .waitFor({ state: 'visible', timeout: 60_000 })
    .catch(async (error: Error) => {
      await screenshot(page, 'repair-03-undo-failed');
      throw new Error(`${error.message}\nNotifications: ${(await page.locator('.notification-toast').allInnerTexts()).join(' | ')}`);
    });
  await eventually(async () => (await readFile(join(vault, 'Welcome.md'), 'utf8')) === original, 10_000, 'the note as it was, byte for byte');
  await screenshot(page, 'repair-03-undone');
});
