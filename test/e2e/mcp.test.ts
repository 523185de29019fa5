import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { cp, mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { after, before, test } from 'node:test';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import type { Browser, Page } from 'playwright-core';
import { createOperationCatalog } from '../../src/core/catalog.js';
import { mcpOperations, toolName } from '../../src/core/mcp/tools.js';
import { LABEL } from '../../src/core/sessions/labels.js';
import { launchBrowser, runCommand, screenshot } from '../support/browser.js';
import { busyboxImage } from '../support/images.js';
import { eventually, sessionSandbox } from '../support/sessions.js';
import { startCodeServer, type CodeServer } from '../support/workbench.js';

// Issue 12 end to end: the MCP server the extension starts in a real VS Code (code-server with
// the packaged .vsix), seen from VS Code's own MCP client (List Servers, its tools in the chat's
// tool picker, its resources) and from another client the person configures with the copied
// config, which then meets the person's consent dialog.

const demoVault = resolve(__dirname, '..', 'fixtures', 'demo-vault');

let box: Awaited<ReturnType<typeof sessionSandbox>>;
let server: CodeServer;
let browser: Browser;
let page: Page;
let tools: string[];
const clients: Client[] = [];

let shots = 0;
const shot = (what: string) => screenshot(page, `mcp-${String(++shots).padStart(2, '0')}-${what}`);
const rows = () => page.locator('.quick-input-widget .monaco-list-row');

/** The engine's state of a session container (`docker inspect`), or undefined once it is gone. */
function engineState(id: string): string | undefined {
  try {
    return execFileSync('docker', ['inspect', '--format', '{{.State.Status}}', `berth-${id}`], { encoding: 'utf8', timeout: 15_000 }).trim();
  } catch {
    return undefined;
  }
}

/** The engine's running sessions of the workspace, by Berth's labels. */
function runningSessions(): string[] {
  const out = execFileSync('docker', ['ps', '--filter', `label=${LABEL.workspace}=${box.workspace}`, '--format', `{{.Label "${LABEL.session}"}}`], { encoding: 'utf8', timeout: 15_000 });
  return out.split('\n').filter(Boolean);
}

/** The Berth output channel's log, as code-server writes it under the profile. */
async function berthLog(): Promise<string> {
  const dir = join(server.userDataDir, 'logs');
  if (!existsSync(dir)) return '';
  const files = (await readdir(dir, { recursive: true, encoding: 'utf8' })).filter((entry) => /(^|\/)[^/]*Berth[^/]*\.log$/.test(entry));
  return (await Promise.all(files.map((file) => readFile(join(dir, file), 'utf8')))).join('\n');
}

/** An SDK client that names itself `name`, connected with what the copied config holds. */
async function connect(url: string, token: string, name: string): Promise<Client> {
  const client = new Client({ name, version: '1.0.0' });
  await client.connect(new StreamableHTTPClientTransport(new URL(url), { requestInit: { headers: { Authorization: `Bearer ${token}` } } }));
  clients.push(client);
  return client;
}

before(async () => {
  const busybox = await busyboxImage();
  box = await sessionSandbox();
  await cp(demoVault, box.workspace, { recursive: true });
  await mkdir(join(box.workspace, '.vscode'));
  await writeFile(join(box.workspace, '.vscode', 'settings.json'), JSON.stringify({ 'berth.sessions.image': busybox }));
  tools = mcpOperations(createOperationCatalog({ sessions: box.service })).map(toolName).sort();
  server = await startCodeServer({
    folder: box.workspace,
    // VS Code's MCP commands and its chat tool picker are AI features: the base settings turn those off.
    settings: { 'chat.disableAIFeatures': false },
    env: { XDG_STATE_HOME: join(box.root, 'state') },
  });
  browser = await launchBrowser();
  const context = await browser.newContext({ viewport: { width: 1400, height: 860 } });
  // What Berth copies goes through the browser's clipboard, which the test reads as a person pastes.
  await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: server.url });
  page = await context.newPage();
  await page.goto(`${server.url}/?folder=${encodeURIComponent(box.workspace)}`);
  await page.locator('.monaco-workbench').waitFor({ state: 'visible', timeout: 90_000 });
  // Berth's MCP item shows once the server listens.
  await page.locator('.statusbar-item', { hasText: /\bMCP( \d+)?$/ }).waitFor({ state: 'visible', timeout: 60_000 });
});

after(async () => {
  await Promise.all(clients.map((client) => client.close().catch(() => undefined)));
  await browser?.close();
  await server?.stop();
  await box?.cleanup();
});

test('Berth is among VS Code’s MCP servers; started, VS Code connects with the token Berth hands it and finds every tool', { timeout: 120_000 }, async () => {
  await runCommand(page, 'MCP: List Servers');
  const berth = rows().filter({ hasText: /^Berth/ });
  await berth.waitFor({ state: 'visible', timeout: 15_000 });
  assert.match(await berth.innerText(), /Stopped/);
  await page.waitForTimeout(300);
  await shot('list-servers');

  await berth.click();
  await rows().filter({ hasText: 'Start Server' }).click();
  // VS Code shows its own log of the server as it starts: it connected (the token was accepted) and listed Berth's tools.
  const output = page.locator('.output-view .view-lines');
  await output.filter({ hasText: `Discovered ${tools.length} tools` }).waitFor({ state: 'visible', timeout: 30_000 });
  // The editor renders spaces as no-break spaces.
  const log = (await output.innerText()).replace(/\s/g, ' ');
  assert.match(log, /Connection state: Running/);
  assert.doesNotMatch(log, /401|Unauthorized|error/i);
  // Berth counts VS Code as a client once it has connected.
  await page.locator('.statusbar-item', { hasText: 'MCP 1' }).waitFor({ state: 'visible', timeout: 15_000 });
  await runCommand(page, 'MCP: List Servers');
  await rows().filter({ hasText: /^Berth/ }).filter({ hasText: 'Running' }).waitFor({ state: 'visible', timeout: 15_000 });
  await page.waitForTimeout(300); // the quick pick's fade-in, for the screenshot
  await shot('running');
  await page.keyboard.press('Escape');

  await runCommand(page, 'Berth: Show MCP Server Status');
  const status = page.locator('.quick-input-widget');
  await status.filter({ hasText: /Berth MCP server at http:\/\/127\.0\.0\.1:\d+\/mcp: 1 client/ }).waitFor({ state: 'visible', timeout: 15_000 });
  // VS Code introduces itself by its product's name: here code-server's, with VS Code's version.
  const client = rows().first();
  assert.match(await client.locator('.label-name').first().innerText(), /^code-server 1\.139\.\d+$/);
  assert.equal(await client.locator('.label-description').first().innerText(), '0 calls');
  await shot('berth-status');
  await page.keyboard.press('Escape');
});

test('the chat’s tool picker lists Berth’s tools, each by its name', { timeout: 60_000 }, async () => {
  await runCommand(page, 'Chat: Open Chat');
  const configure = page.locator('.chat-input-toolbars [aria-label="Configure Tools..."]').first();
  await configure.waitFor({ state: 'visible', timeout: 30_000 });
  await configure.click();
  const widget = page.locator('.quick-input-widget');
  const berth = widget.locator('.monaco-list-row[aria-label="berth, Berth"]');
  await berth.waitFor({ state: 'visible', timeout: 15_000 });
  await widget.locator('.monaco-list-row[aria-label^="Built-In"] .monaco-tl-twistie').click();
  await berth.locator('.monaco-tl-twistie').click();
  const toolRows = widget.locator('.monaco-list-row[aria-level="2"]');
  await toolRows.first().waitFor({ state: 'visible', timeout: 10_000 });
  await shot('chat-tools');
  // The list renders only the rows it shows: scroll through it, as a person reading it does.
  const listed = new Set<string>();
  for (let turn = 0; turn < 20 && listed.size < tools.length; turn++) {
    for (const name of await toolRows.evaluateAll((elements) => elements.map((element) => element.getAttribute('aria-label')!.split(',')[0]!))) listed.add(name);
    await toolRows.last().hover();
    await page.mouse.wheel(0, 120);
    await page.waitForTimeout(150);
  }
  assert.deepEqual([...listed].sort(), tools);
  await page.keyboard.press('Escape');
});

test('MCP: Browse Resources shows Berth’s vault report and transcripts', { timeout: 60_000 }, async () => {
  await runCommand(page, 'MCP: Browse Resources...');
  await rows().filter({ hasText: 'Vault health' }).filter({ hasText: 'berth://vault/health' }).waitFor({ state: 'visible', timeout: 15_000 });
  await rows().filter({ hasText: 'berth://sessions/{id}/transcript' }).waitFor({ state: 'visible' });
  await shot('resources');
  await rows().filter({ hasText: 'Vault health' }).click();
  // Read over MCP by VS Code, opened as a document: the report of the folder, score and all.
  await page.locator('.editor-instance .view-lines', { hasText: '"score":51' }).waitFor({ state: 'visible', timeout: 30_000 });
  await shot('vault-resource');
});

let url: string;
let token: string;

test('Copy MCP Config for Claude Code gives the URL the log names and a token a real SDK client connects with', { timeout: 60_000 }, async () => {
  await runCommand(page, 'Berth: Copy MCP Config for Claude Code');
  await page.locator('.notification-toast', { hasText: 'the claude mcp add command is on the clipboard' }).waitFor({ state: 'visible', timeout: 15_000 });
  await shot('copied');
  const copied = await page.evaluate<string>('navigator.clipboard.readText()');
  const match = /^claude mcp add --transport http berth (http:\/\/127\.0\.0\.1:\d+\/mcp) --header "Authorization: Bearer ([A-Za-z0-9_-]{43})"$/.exec(copied);
  assert.ok(match, copied);
  [, url, token] = match as unknown as [string, string, string];
  assert.ok((await berthLog()).includes(`MCP server at ${url}`), 'the Berth log names the same URL');

  const client = await connect(url, token, 'e2e-client');
  assert.deepEqual((await client.listTools()).tools.map((tool) => tool.name).sort(), tools);
  const health = (await client.callTool({ name: 'vault_health', arguments: {} })) as CallToolResult;
  assert.equal((health.structuredContent as { score: number }).score, 51, 'the window’s folder is the vault');
  await assert.rejects(connect(url, `${token.slice(0, -2)}xx`, 'wrong-token'), /401|Unauthorized/);
});

test('a person stays in charge: a client asked to stop a session the person started waits for the modal; Deny refuses, Allow Once stops it', { timeout: 180_000 }, async () => {
  await runCommand(page, 'Berth: New Shell Session');
  await eventually(() => runningSessions().length === 1, 30_000, 'the person’s shell session to run');
  const [id] = runningSessions() as [string];
  const client = await connect(url, token, 'e2e-client');

  const denied = client.callTool({ name: 'session_stop', arguments: { ids: [id.slice(0, 6)] } }) as Promise<CallToolResult>;
  const modal = page.locator('.monaco-dialog-box', { hasText: `The MCP client "e2e-client" wants to stop session ${id}` });
  await modal.waitFor({ state: 'visible', timeout: 30_000 });
  await shot('consent');
  for (const button of ['Allow Once', 'Allow for This Client', 'Deny']) await modal.getByRole('button', { name: button, exact: true }).waitFor({ state: 'visible' });
  await modal.getByRole('button', { name: 'Deny', exact: true }).click();
  const refusal = await denied;
  assert.equal(refusal.isError, true);
  assert.match((refusal.content[0] as { text: string }).text, new RegExp(`^DENIED: The person did not allow e2e-client to stop session ${id}`));
  assert.equal(engineState(id), 'running', 'the session runs on');
  await eventually(async () => (await berthLog()).includes(`MCP session_stop on ${id} by "e2e-client": denied`), 10_000, 'the log line of the refusal');

  const allowed = client.callTool({ name: 'session_stop', arguments: { ids: [id] } }) as Promise<CallToolResult>;
  await modal.waitFor({ state: 'visible', timeout: 30_000 });
  await modal.getByRole('button', { name: 'Allow Once', exact: true }).click();
  const stopped = await allowed;
  assert.equal(stopped.isError, undefined, JSON.stringify(stopped.content));
  assert.deepEqual((stopped.structuredContent as { stopped: { id: string }[] }).stopped.map((session) => session.id), [id]);
  assert.notEqual(engineState(id), 'running');
  await shot('allowed');
});
