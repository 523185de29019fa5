import assert from 'node:assert/strict';
import { cp, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { after, before, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { probeEngine } from '../../src/core/sessions/docker/engine.js';
import { launchBrowser, runCommand, screenshot } from '../support/browser.js';
import { startCodeServer, type CodeServer } from '../support/workbench.js';

const repoRoot = resolve(__dirname, '..', '..');
const demoVault = join(repoRoot, 'test', 'fixtures', 'demo-vault');

let server: CodeServer;
let browser: Browser;
let page: Page;
let vault: string;
let engineVersion: string;

before(async () => {
  const engine = await probeEngine();
  assert.ok(engine.reachable, 'the e2e setup starts a Docker engine before this test');
  engineVersion = engine.version;
  vault = await mkdtemp(join(tmpdir(), 'berth-e2e-vault-'));
  await cp(demoVault, vault, { recursive: true });
  server = await startCodeServer({ folder: vault });
  browser = await launchBrowser();
  page = await browser.newPage({ viewport: { width: 1400, height: 860 } });
  await page.goto(`${server.url}/?folder=${encodeURIComponent(vault)}`);
  await page.locator('.monaco-workbench').waitFor({ state: 'visible', timeout: 90_000 });
});

/** Workspace settings, which VS Code picks up live through its file watcher, as it would a person's edit. */
async function setWorkspaceSettings(settings: Record<string, unknown>): Promise<void> {
  await mkdir(join(vault, '.vscode'), { recursive: true });
  await writeFile(join(vault, '.vscode', 'settings.json'), JSON.stringify(settings, null, 2));
}

after(async () => {
  await browser?.close();
  await server?.stop();
  if (vault) await rm(vault, { recursive: true, force: true });
});

test('the status-bar item shows the Docker engine Berth found', { timeout: 90_000 }, async () => {
  const item = page.locator('.statusbar-item', { hasText: `Docker ${engineVersion}` });
  await item.waitFor({ state: 'visible', timeout: 60_000 });
  await screenshot(page, '01-status-bar');
});

test('the Berth icon opens the view container with Sessions and Vault Health', { timeout: 60_000 }, async () => {
  await page.locator('.activitybar [aria-label^="Berth"]').first().click();
  const sessions = page.locator('.pane-header', { hasText: 'Sessions' });
  const vaultHealth = page.locator('.pane-header', { hasText: 'Vault Health' });
  await sessions.waitFor({ state: 'visible', timeout: 30_000 });
  await vaultHealth.waitFor({ state: 'visible' });
  await page.locator('.welcome-view-content', { hasText: 'Docker engine connected' }).waitFor({ state: 'visible', timeout: 30_000 });
  await screenshot(page, '02-views');
});

test('"Berth: Doctor" from the command palette reports the engine', { timeout: 60_000 }, async () => {
  await runCommand(page, 'Berth: Doctor');
  const toast = page.locator('.notifications-toasts .notification-toast', { hasText: 'Berth Doctor' });
  await toast.waitFor({ state: 'visible', timeout: 30_000 });
  await page.waitForTimeout(500); // let the toast finish fading in before the screenshot
  assert.match(await toast.innerText(), new RegExp(`Docker Engine ${engineVersion.replace(/[.+]/g, '\\$&')} \\(API 1\\.\\d+\\) is reachable`));
  await screenshot(page, '03-doctor');
  await page.keyboard.press('Escape');
});

test('when the engine is unreachable the welcome content and status bar say so and offer the fix', { timeout: 60_000 }, async () => {
  await setWorkspaceSettings({ 'berth.docker.host': 'unix:///nonexistent/docker.sock' });
  await page.locator('.statusbar-item', { hasText: 'No Docker' }).waitFor({ state: 'visible', timeout: 30_000 });
  const welcome = page.locator('.welcome-view-content', { hasText: 'No Docker engine is reachable' });
  await welcome.waitFor({ state: 'visible', timeout: 30_000 });
  await welcome.getByRole('button', { name: 'Run Doctor' }).waitFor({ state: 'visible' });
  await screenshot(page, '04-no-engine');
  await setWorkspaceSettings({});
  await page.locator('.statusbar-item', { hasText: `Docker ${engineVersion}` }).waitFor({ state: 'visible', timeout: 30_000 });
});

test('Berth is installed from the packaged .vsix and its README shows in the Extensions view', { timeout: 60_000 }, async () => {
  const manifest = JSON.parse(await readFile(join(repoRoot, 'package.json'), 'utf8'));
  await runCommand(page, 'Extensions: Show Installed Extensions');
  await page.locator('.extensions-viewlet .monaco-list-row', { hasText: manifest.displayName }).first().click();
  const detail = (name: string) => page.locator('.extension-editor .more-info-entry', { has: page.locator('.more-info-entry-name', { hasText: name }) });
  await detail('Source').waitFor({ state: 'visible', timeout: 30_000 });
  assert.match(await detail('Identifier').innerText(), new RegExp(`${manifest.publisher}\\.${manifest.name}$`));
  assert.match(await detail('Version').innerText(), new RegExp(`${manifest.version.replace(/\./g, '\\.')}$`));
  assert.match(await detail('Source').innerText(), /VSIX$/);
  const readme = page.frameLocator('iframe.webview').frameLocator('#active-frame');
  await readme.getByRole('heading', { name: 'Try it: two commands on a fresh machine' }).waitFor({ state: 'visible', timeout: 30_000 });
  await screenshot(page, '05-installed-extension');
});
