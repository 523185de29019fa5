import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { LABEL } from '../../src/core/sessions/labels.js';
import { waitForEngineItem, launchBrowser, openWindow, runCommand, screenshot } from '../support/browser.js';
import { agentImage } from '../support/images.js';
import { eventually, sessionSandbox } from '../support/sessions.js';
import { startCodeServer, type CodeServer } from '../support/workbench.js';

// Issue 15 end to end: what a person sees when an egress session is refused a host. The refusal is
// no engine event, so the window must hear it from the door's record by itself: the item warns,
// a notification offers "Allow Host…", and a yes adds the host to the settings. Nothing here
// leaves the machine: the refused name is never resolved.

const HOST = 'refused.example';

let box: Awaited<ReturnType<typeof sessionSandbox>>;
let server: CodeServer;
let browser: Browser;
let page: Page;

let shots = 0;
const shot = (what: string) => screenshot(page, `egress-${String(++shots).padStart(2, '0')}-${what}`);

/** The workspace's running sessions as the engine has them. */
function runningSessions(): string[] {
  const out = execFileSync('docker', ['ps', '--filter', `label=${LABEL.workspace}=${box.workspace}`, '--format', `{{.Label "${LABEL.session}"}}`], { encoding: 'utf8', timeout: 15_000 });
  return out.split('\n').filter(Boolean);
}

before(async () => {
  const agent = await agentImage();
  box = await sessionSandbox();
  await mkdir(join(box.workspace, '.vscode'), { recursive: true });
  await writeFile(join(box.workspace, '.vscode', 'settings.json'), JSON.stringify({ 'berth.sessions.image': agent, 'berth.sessions.network.shells': 'egress' }));
  server = await startCodeServer({ folder: box.workspace, settings: { 'terminal.integrated.gpuAcceleration': 'off' }, env: { XDG_STATE_HOME: join(box.root, 'state') } });
  browser = await launchBrowser();
  page = await openWindow(browser, server.url, box.workspace);
  await waitForEngineItem(page);
});

after(async () => {
  await browser?.close();
  await server?.stop();
  await box?.cleanup();
});

test('a refused host shows on its session at once, "Allow Host…" adds it to the settings after a yes for the sessions started next, and a killed door shows down', { timeout: 240_000 }, async () => {
  await page.locator('.activitybar [aria-label^="Berth"]').first().click();
  await runCommand(page, 'Berth: New Shell Session');
  await eventually(() => runningSessions().length === 1, 60_000, 'the egress shell session');
  const [id] = runningSessions() as [string];
  await page.locator('.terminal-wrapper.active .xterm-rows').filter({ hasText: /[$#]/ }).waitFor({ state: 'visible', timeout: 30_000 });
  const row = page.locator('.pane', { has: page.locator('.pane-header', { hasText: 'Sessions' }) }).locator('.monaco-list-row', { hasText: id.slice(0, 6) });
  await row.waitFor({ state: 'visible', timeout: 15_000 });
  assert.doesNotMatch(await row.innerText(), /refused/);

  const tried = execFileSync('docker', ['exec', `berth-${id}`, 'sh', '-c', `curl -sS http://${HOST}/upload 2>&1; true`], { encoding: 'utf8', timeout: 30_000 });
  assert.match(tried, new RegExp(`${HOST.replace('.', '\\.')}:80 is not on this session's egress allowlist`));

  // No refresh, no other engine event: the window hears the door's record change.
  const toast = page.locator('.notification-toast', { hasText: `tried to reach ${HOST}:80` });
  await toast.waitFor({ state: 'visible', timeout: 15_000 });
  await row.filter({ hasText: '1 refused' }).waitFor({ state: 'visible', timeout: 5_000 });
  await shot('refused-notification');

  await toast.getByRole('button', { name: 'Allow Host…' }).click();
  const dialog = page.locator('.monaco-dialog-box', { hasText: `Allow egress sessions to reach ${HOST}?` });
  await dialog.waitFor({ state: 'visible', timeout: 10_000 });
  await shot('allow-confirmation');
  await dialog.getByRole('button', { name: 'Allow', exact: true }).click();

  // A machine-scoped setting, so code-server (a remote window) keeps it in its machine settings.
  const machineSettings = join(server.userDataDir, 'Machine', 'settings.json');
  await eventually(async () => (await readFile(machineSettings, 'utf8').catch(() => '')).includes(HOST), 10_000, 'the host in the settings');
  assert.deepEqual((JSON.parse(await readFile(machineSettings, 'utf8')) as Record<string, unknown>)['berth.sessions.egress.allow'], [HOST]);

  // New sessions get it; the running one keeps the list it started with.
  await runCommand(page, 'Berth: New Shell Session');
  await eventually(() => runningSessions().length === 2, 60_000, 'a second egress shell session');
  const second = runningSessions().find((other) => other !== id)!;
  const allowOf = async (session: string) => (JSON.parse(await readFile(join(box.root, 'state', 'berth', 'egress', session, 'config.json'), 'utf8')) as { allow: string[] }).allow;
  assert.deepEqual(await allowOf(second), ['api.anthropic.com', HOST]);
  assert.deepEqual(await allowOf(id), ['api.anthropic.com']);

  // Its door killed, the first session has no way out at all, and its item says so by itself.
  const { pid } = JSON.parse(await readFile(join(box.root, 'state', 'berth', 'egress', id, 'door.pid'), 'utf8')) as { pid: number };
  process.kill(pid, 'SIGKILL');
  await row.filter({ hasText: 'egress door down' }).waitFor({ state: 'visible', timeout: 15_000 });
  await shot('door-down');
});
