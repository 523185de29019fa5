import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { cp, mkdir, mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { after, before, test } from 'node:test';
import type { Browser, Frame, Locator, Page } from 'playwright-core';
import { LABEL } from '../../src/core/sessions/labels.js';
import type { Session } from '../../src/core/sessions/types.js';
import { VaultIndex } from '../../src/core/vault/index.js';
import { waitForEngineItem, launchBrowser, openWindow, runCommand, screenshot } from '../support/browser.js';
import { agentImage, busyboxImage } from '../support/images.js';
import { startMessagesApi, type MessagesApiStandIn } from '../support/messagesApi.js';
import { cli, eventually, sessionSandbox } from '../support/sessions.js';
import { startCodeServer, type CodeServer } from '../support/workbench.js';

// Issue 11 end to end: the Sessions view, its commands and the transcript panel in a real VS Code
// (code-server with the packaged .vsix) against the real Docker engine, a person's way: the
// palette, the tree's context menu, a terminal, a password box. The CLI shares the engine, so a
// session it starts is one the view has to notice by itself.

const demoVault = resolve(__dirname, '..', 'fixtures', 'demo-vault');
// Recognisable, so that a leak is found wherever it lands; random, so that no earlier run matches.
const KEY = `sk-ant-e2e-${Math.random().toString(36).slice(2)}${Date.now()}`;
const NOTE = { path: 'notes/hello.md', content: '# Hello\n\nWritten by the agent.\n' };
const FINAL_TEXT = 'I wrote notes/hello.md.';

let box: Awaited<ReturnType<typeof sessionSandbox>>;
let stateHome: string;
let api: MessagesApiStandIn;
let busybox: string;
let server: CodeServer;
let browser: Browser;
let page: Page;

/** Workspace settings, which VS Code picks up live through its file watcher, as it would a person's edit. */
async function setWorkspaceSettings(settings: Record<string, unknown>): Promise<void> {
  await mkdir(join(box.workspace, '.vscode'), { recursive: true });
  await writeFile(join(box.workspace, '.vscode', 'settings.json'), JSON.stringify(settings, null, 2));
}

/** The engine's view of the workspace's sessions (`docker ps`), by Berth's labels: id → state. */
function engineSessions(workspace: string, all = false): Map<string, string> {
  const out = execFileSync(
    'docker',
    ['ps', ...(all ? ['-a'] : []), '--filter', `label=${LABEL.session}`, '--filter', `label=${LABEL.workspace}=${workspace}`, '--format', `{{.Label "${LABEL.session}"}} {{.State}}`],
    { encoding: 'utf8', timeout: 15_000 },
  );
  return new Map(out.split('\n').filter(Boolean).map((line) => line.split(' ') as [string, string]));
}

const sessionsPane = () => page.locator('.pane', { has: page.locator('.pane-header', { hasText: 'Sessions' }) });
/** A session's row: its label is the agent, its description starts with the id's first six digits. */
const sessionRow = (id: string) => sessionsPane().locator('.monaco-list-row', { hasText: id.slice(0, 6) });
const label = (row: Locator) => row.locator('.label-name');
const description = (row: Locator) => row.locator('.label-description');
const icon = (row: Locator) => row.locator('.custom-view-tree-node-item-icon');

/** sessions-NN-what.png, numbered in the order the steps take them. */
let shots = 0;
const shot = (what: string, on: Page = page) => screenshot(on, `sessions-${String(++shots).padStart(2, '0')}-${what}`);

/** Right-clicks a tree item and picks an entry of its context menu, as a person does. */
async function contextMenu(row: Locator, entry: string, what?: string): Promise<void> {
  await row.click({ button: 'right' });
  const item = page.locator('.monaco-menu .action-item', { hasText: new RegExp(`^${entry}$`) });
  await item.waitFor({ state: 'visible', timeout: 10_000 });
  if (what) await shot(what);
  // A menu that is still fading in ignores a click (VS Code guards against the opening
  // right-click's own mouse-up): point at the entry first, as a hand does.
  await item.hover();
  await page.waitForTimeout(300);
  await item.click();
  await item.waitFor({ state: 'hidden', timeout: 5_000 });
}

/** The frame of a webview whose page matches `selector`: VS Code nests each webview's document in an inner iframe. */
async function webviewFrame(on: Page, selector: string, timeoutMs: number): Promise<Frame> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    for (const frame of on.frames()) {
      if (frame.isDetached()) continue;
      if (await frame.locator(selector).count().catch(() => 0)) return frame;
    }
    await on.waitForTimeout(250);
  }
  throw new Error(`No webview frame shows ${selector} within ${timeoutMs} ms`);
}

/** Every file under `dir` whose name matches, for the log files code-server writes. */
async function findFiles(dir: string, name: RegExp): Promise<string[]> {
  if (!existsSync(dir)) return [];
  const entries = await readdir(dir, { recursive: true, encoding: 'utf8' });
  return entries.filter((entry) => name.test(entry.split('/').pop() ?? '')).map((entry) => join(dir, entry));
}

before(async () => {
  [busybox] = await Promise.all([busyboxImage(), agentImage()]);
  // The sandbox's cleanup removes every container labelled with its workspace, whatever a step left.
  box = await sessionSandbox();
  stateHome = join(box.root, 'state');
  api = await startMessagesApi([{ tool: 'Write', input: { file_path: `/workspace/${NOTE.path}`, content: NOTE.content } }, { text: FINAL_TEXT }]);
  await setWorkspaceSettings({ 'berth.sessions.image': busybox });
  server = await startCodeServer({
    folder: box.workspace,
    // The DOM renderer puts the terminal's rows in the page, where the test can read them.
    settings: { 'terminal.integrated.gpuAcceleration': 'off' },
    // The audit log goes to $XDG_STATE_HOME/berth, inside the sandbox rather than the machine's.
    env: { XDG_STATE_HOME: stateHome },
  });
  browser = await launchBrowser();
  page = await openWindow(browser, server.url, box.workspace);
  await waitForEngineItem(page);
  await page.locator('.activitybar [aria-label^="Berth"]').first().click();
  // Not the "no sessions yet" welcome: the view lists the engine's sessions, whoever started them.
  await sessionsPane().waitFor({ state: 'visible', timeout: 30_000 });
});

after(async () => {
  await browser?.close();
  await server?.stop();
  await api?.close();
  await box?.cleanup();
});

let shellId: string;

test('New Shell Session: an item, running, a container in the engine, and a terminal into it', { timeout: 120_000 }, async () => {
  await runCommand(page, 'Berth: New Shell Session');
  await eventually(() => engineSessions(box.workspace).size === 1, 30_000, 'one running session container for the workspace');
  [shellId] = [...engineSessions(box.workspace).keys()] as [string];
  const row = sessionRow(shellId);
  await row.waitFor({ state: 'visible', timeout: 15_000 });
  assert.equal(await label(row).innerText(), 'shell');
  assert.match(await description(row).innerText(), new RegExp(`^${shellId.slice(0, 6)} · `));
  // Briefly "starting" (a spinner) while the start finishes, then running, from the engine's events.
  await icon(row).and(page.locator('.codicon-vm-running')).waitFor({ state: 'visible', timeout: 15_000 });
  await shot('shell-item');

  // The command goes on to attach a terminal; the shell's prompt says it is ready for keys.
  const terminal = page.locator('.terminal-wrapper.active .xterm-rows');
  await terminal.filter({ hasText: /[$#]/ }).waitFor({ state: 'visible', timeout: 30_000 });
  await page.locator('.terminal-wrapper.active .xterm').click();
  await page.keyboard.type('echo hi-$((6*7))');
  await page.keyboard.press('Enter');
  // Only the shell can turn the arithmetic into 42: the typed line itself shows $((6*7)).
  await terminal.filter({ hasText: 'hi-42' }).waitFor({ state: 'visible', timeout: 15_000 });
  // The start is over: its progress notification must not last as long as the terminal does.
  await page.locator('.notification-toast', { hasText: 'starting a shell session' }).waitFor({ state: 'hidden', timeout: 10_000 });
  await shot('shell-terminal');
});

test('Stop Session from the item’s context menu: the item shows it ended, without a refresh', { timeout: 60_000 }, async () => {
  const row = sessionRow(shellId);
  await contextMenu(row, 'Stop Session', 'context-menu');
  // Stopped by the person: ended and greyed, not "exit 143" in red as if the shell had failed.
  await description(row).filter({ hasText: new RegExp(`^${shellId.slice(0, 6)} · \\d+[smhd] · stopped$`) }).waitFor({ state: 'visible', timeout: 15_000 });
  assert.match((await icon(row).getAttribute('class')) ?? '', /codicon-vm-outline/);
  assert.notEqual(engineSessions(box.workspace, true).get(shellId), 'running');
  await shot('stopped');
});

test('Remove Session from the context menu: gone from the view and the engine', { timeout: 60_000 }, async () => {
  await contextMenu(sessionRow(shellId), 'Remove Session');
  await sessionRow(shellId).waitFor({ state: 'detached', timeout: 15_000 });
  assert.equal(engineSessions(box.workspace, true).has(shellId), false);
  await shot('removed');
});

test('a session the CLI starts appears in the view by itself, and goes when the CLI removes it', { timeout: 90_000 }, async () => {
  const env = { ...box.env, BERTH_IMAGE: busybox };
  const started = await cli(['session', 'start', '--agent', 'shell', '--workspace', box.workspace, '--json'], { env });
  assert.equal(started.code, 0, started.stderr);
  const { id } = JSON.parse(started.stdout) as Session;
  const row = sessionRow(id);
  await row.waitFor({ state: 'visible', timeout: 10_000 });
  assert.equal(await label(row).innerText(), 'shell');
  await shot('cli-session');

  const removed = await cli(['session', 'rm', id], { env });
  assert.equal(removed.code, 0, removed.stderr);
  await row.waitFor({ state: 'detached', timeout: 10_000 });
  await shot('cli-removed');
});

test('New Claude Code Session with a prompt: the transcript shows the agent’s work, and the key is nowhere else', { timeout: 240_000 }, async () => {
  await setWorkspaceSettings({
    'berth.sessions.image': await agentImage(),
    'berth.sessions.network.agents': 'host',
    'berth.sessions.environment': { ANTHROPIC_BASE_URL: api.url, CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC: '1' },
  });

  await runCommand(page, 'Berth: Set Anthropic API Key');
  const keyBox = page.locator('.quick-input-widget', { hasText: 'secret storage' });
  await keyBox.waitFor({ state: 'visible', timeout: 10_000 });
  assert.equal(await keyBox.locator('input').getAttribute('type'), 'password', 'the key is not shown as it is typed');
  await page.keyboard.type(KEY);
  await shot('api-key');
  await page.keyboard.press('Enter');
  await page.locator('.notification-toast', { hasText: 'the Anthropic API key is stored' }).waitFor({ state: 'visible', timeout: 10_000 });

  await runCommand(page, 'Berth: New Claude Code Session');
  await page.locator('.quick-input-widget', { hasText: 'What should Claude Code do?' }).waitFor({ state: 'visible', timeout: 10_000 });
  await page.keyboard.type('Write a note called notes/hello.md that says hello.');
  await shot('prompt');
  await page.keyboard.press('Enter');

  const view = await webviewFrame(page, '#log', 60_000);
  const final = view.locator('.event.final');
  await final.waitFor({ state: 'visible', timeout: 120_000 });
  assert.match((await final.getAttribute('class')) ?? '', /\bok\b/, await final.innerText());
  assert.match(await final.innerText(), /\d+ turns?[\s\S]*\$\d+\.\d{2,4}/);
  const write = view.locator('.event.tool', { has: view.locator('.tool-name', { hasText: 'Write' }) });
  assert.equal(await write.count(), 1);
  assert.match(await write.innerText(), new RegExp(NOTE.path));
  assert.match(await view.locator('.event.text').last().innerText(), new RegExp(FINAL_TEXT.replace(/\./g, '\\.')));
  await view.locator('#status', { hasText: 'The transcript is complete.' }).waitFor({ timeout: 30_000 });
  await shot('transcript');

  const [[id, state]] = [...engineSessions(box.workspace, true)] as [[string, string]];
  assert.notEqual(state, 'running');
  await sessionRow(id).waitFor({ state: 'visible', timeout: 10_000 });
  assert.equal(await readFile(join(box.workspace, NOTE.path), 'utf8'), NOTE.content, 'the file the agent wrote is in the workspace');

  // The key typed into the password box is the one the agent used, and it went nowhere else.
  assert.ok(api.requests.length >= 2 && api.requests.every((request) => request.apiKey === KEY), 'the API saw the key from the password box');
  const inspect = execFileSync('docker', ['inspect', `berth-${id}`], { encoding: 'utf8', timeout: 15_000 });
  assert.ok(inspect.includes(api.url), 'the plain environment is in the container');
  const logs = await findFiles(join(server.userDataDir, 'logs'), /Berth.*\.log$/);
  assert.ok(logs.length > 0, `the Berth output channel's log file, under ${server.userDataDir}/logs`);
  const logText = (await Promise.all(logs.map((file) => readFile(file, 'utf8')))).join('\n');
  assert.match(logText, /session\.start: done/);
  const audit = await readFile(join(stateHome, 'berth', 'audit.jsonl'), 'utf8');
  assert.ok(audit.includes(id), 'the audit log records the session');
  for (const [where, text] of [['docker inspect', inspect], ['the Berth output channel', logText], ['the audit log', audit]] as const) {
    assert.ok(!text.includes(KEY), `the key appears in ${where}`);
  }

  // The output channel as a person opens it.
  await runCommand(page, 'Output: Show Output Channels');
  await page.locator('.quick-input-list .monaco-list-row', { hasText: /^Berth$/ }).first().click({ timeout: 10_000 });
  const output = page.locator('.output-view .view-lines');
  await output.filter({ hasText: 'session.start' }).waitFor({ state: 'visible', timeout: 10_000 });
  assert.ok(!(await output.innerText()).includes(KEY));
  await shot('output-channel');
});

test('an untrusted workspace refuses to start a session, says why, and still checks the vault', { timeout: 180_000 }, async () => {
  const folder = await mkdtemp(join(tmpdir(), 'berth-e2e-untrusted-'));
  await cp(demoVault, folder, { recursive: true });
  let untrusted: CodeServer | undefined;
  try {
    untrusted = await startCodeServer({ folder, workspaceTrust: true, env: { XDG_STATE_HOME: stateHome } });
    const other = await browser.newPage({ viewport: { width: 1400, height: 860 } });
    await other.goto(`${untrusted.url}/?folder=${encodeURIComponent(folder)}`);
    await other.locator('.monaco-workbench').waitFor({ state: 'visible', timeout: 90_000 });
    // code-server asks nothing at start: a folder nobody trusted opens in Restricted Mode.
    await other.locator('.statusbar-item', { hasText: 'Restricted Mode' }).waitFor({ state: 'visible', timeout: 15_000 });
    await other.locator('.statusbar-item', { hasText: /Docker \d/ }).waitFor({ state: 'visible', timeout: 60_000 });

    await runCommand(other, 'Berth: New Shell Session');
    const modal = other.locator('.monaco-dialog-box', { hasText: 'Berth does not start sessions in an untrusted workspace' });
    await modal.waitFor({ state: 'visible', timeout: 15_000 });
    await modal.getByRole('button', { name: 'Manage Workspace Trust' }).waitFor({ state: 'visible' });
    await shot('untrusted-refused', other);
    await other.keyboard.press('Escape');
    await modal.waitFor({ state: 'hidden', timeout: 10_000 });
    // Long enough for a start that slipped past the check to have made its container.
    await other.waitForTimeout(2_000);
    assert.equal(engineSessions(folder, true).size, 0, 'no container for the untrusted folder');

    await other.locator('.activitybar [aria-label^="Berth"]').first().click();
    const vaultPane = other.locator('.pane', { has: other.locator('.pane-header', { hasText: 'Vault Health' }) });
    const { score } = await new VaultIndex(folder).scan();
    await vaultPane.locator('.monaco-list-row', { hasText: `Score ${score} / 100` }).waitFor({ state: 'visible', timeout: 30_000 });
    await vaultPane.locator('.monaco-list-row', { hasText: 'Broken links' }).waitFor({ state: 'visible' });
    await shot('untrusted-vault', other);
    await other.close();
  } finally {
    await untrusted?.stop();
    for (const id of engineSessions(folder, true).keys()) execFileSync('docker', ['rm', '-f', `berth-${id}`], { timeout: 30_000 });
    await rm(folder, { recursive: true, force: true });
  }
});
