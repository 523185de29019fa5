import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { LABEL } from '../../src/core/sessions/labels.js';
import { waitForEngineItem, launchBrowser, openWindow, runCommand, screenshot } from '../support/browser.js';
import { agentImage } from '../support/images.js';
import { startMessagesApi, type MessagesApiStandIn } from '../support/messagesApi.js';
import { eventually, sessionSandbox } from '../support/sessions.js';
import { startCodeServer, type CodeServer } from '../support/workbench.js';

// Issue 13 end to end: the sessions of a VS Code window whose extension host is killed. Its shell
// session stops by itself after the grace period, with no Berth process alive; its headless
// Claude Code run (a real claude against the scripted API, busy in a Bash call) finishes its work
// and is kept.

const GRACE = 10;
const KEY = `sk-ant-owners-${Math.random().toString(36).slice(2)}`;
const FINAL_TEXT = 'Slept and done.';

let box: Awaited<ReturnType<typeof sessionSandbox>>;
let api: MessagesApiStandIn;
let server: CodeServer;
let browser: Browser;
let page: Page;
let killed = false;

/** The workspace's sessions as the engine has them: id → { state, owner, policy, exit code }. */
function engineSessions(): Map<string, { state: string; owner: string; policy: string }> {
  const format = `{{.Label "${LABEL.session}"}} {{.State}} {{.Label "${LABEL.owner}"}} {{.Label "${LABEL.policy}"}}`;
  const out = execFileSync('docker', ['ps', '-a', '--filter', `label=${LABEL.workspace}=${box.workspace}`, '--format', format], { encoding: 'utf8', timeout: 15_000 });
  return new Map(
    out
      .split('\n')
      .filter(Boolean)
      .map((line) => line.split(' '))
      .map(([id, state, owner, policy]) => [id!, { state: state!, owner: owner!, policy: policy! }]),
  );
}

/** The pids of code-server's process tree: the server, its extension host and their children. */
function processTree(root: number): number[] {
  const table = execFileSync('ps', ['-eo', 'pid=,ppid='], { encoding: 'utf8' })
    .split('\n')
    .filter(Boolean)
    .map((line) => line.trim().split(/\s+/).map(Number) as [number, number]);
  const tree = [root];
  for (let i = 0; i < tree.length; i++) for (const [pid, ppid] of table) if (ppid === tree[i]) tree.push(pid);
  return tree;
}

before(async () => {
  // One image for both sessions (the agent image has a shell): no settings change mid-test for VS Code to pick up late.
  const agent = await agentImage();
  box = await sessionSandbox();
  // A Bash call that outlasts the grace period: the run is still working when the window dies.
  api = await startMessagesApi([{ tool: 'Bash', input: { command: `timeout ${GRACE + 15} tail -f /dev/null; echo slept` } }, { text: FINAL_TEXT }]);
  await mkdir(join(box.workspace, '.vscode'), { recursive: true });
  await writeFile(
    join(box.workspace, '.vscode', 'settings.json'),
    JSON.stringify({
      'berth.sessions.image': agent,
      'berth.sessions.leaseGraceSeconds': GRACE,
      'berth.sessions.network.agents': 'host',
      'berth.sessions.environment': { ANTHROPIC_BASE_URL: api.url, CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC: '1' },
    }),
  );
  server = await startCodeServer({
    folder: box.workspace,
    // The DOM renderer puts the terminal's rows in the page, where the test can read them.
    settings: { 'terminal.integrated.gpuAcceleration': 'off' },
    env: { XDG_STATE_HOME: join(box.root, 'state') },
  });
  browser = await launchBrowser();
  page = await openWindow(browser, server.url, box.workspace);
  await waitForEngineItem(page);
});

after(async () => {
  await browser?.close();
  if (!killed) await server?.stop();
  await api?.close();
  await box?.cleanup();
});

test('a window whose extension host is killed: its shell stops after the grace period, its headless run finishes and is kept', { timeout: 300_000 }, async () => {
  await page.locator('.activitybar [aria-label^="Berth"]').first().click();
  await runCommand(page, 'Berth: New Shell Session');
  await eventually(() => [...engineSessions().values()].some((s) => s.state === 'running'), 30_000, 'the shell session');
  const [shellId, shell] = [...engineSessions()][0]!;
  assert.equal(shell.policy, 'owner');
  assert.match(shell.owner, /^window-[0-9a-f]{16}$/);
  // The command goes on to attach a terminal, which takes the focus when it is ready: wait for it,
  // so that it cannot close the palette of the next command.
  await page.locator('.terminal-wrapper.active .xterm-rows').filter({ hasText: /[$#]/ }).waitFor({ state: 'visible', timeout: 30_000 });
  await page.locator('.notification-toast', { hasText: 'starting a shell session' }).waitFor({ state: 'hidden', timeout: 10_000 });

  await runCommand(page, 'Berth: Set Anthropic API Key');
  await page.locator('.quick-input-widget', { hasText: 'secret storage' }).waitFor({ state: 'visible', timeout: 10_000 });
  await page.keyboard.type(KEY);
  await page.keyboard.press('Enter');
  await page.locator('.notification-toast', { hasText: 'the Anthropic API key is stored' }).waitFor({ state: 'visible', timeout: 10_000 });
  await runCommand(page, 'Berth: New Claude Code Session');
  await page.locator('.quick-input-widget', { hasText: 'What should Claude Code do?' }).waitFor({ state: 'visible', timeout: 10_000 });
  await page.keyboard.type('Sleep a while, then say so.');
  await page.keyboard.press('Enter');
  await eventually(() => engineSessions().size === 2, 60_000, 'the headless run');
  const [runId, run] = [...engineSessions()].find(([id]) => id !== shellId)!;
  assert.equal(run.policy, 'completion');
  assert.equal(run.owner, shell.owner, 'one owner: the window');
  // Busy in its Bash call: the API has been asked once and answered with the tool call.
  await eventually(() => api.requests.some((request) => Array.isArray(request.body.tools) && request.body.tools.length > 0), 120_000, 'the run to reach its tool call').catch((error: Error) => {
    throw new Error(`${error.message}; the run printed:\n${execFileSync('docker', ['logs', '--tail', '20', `berth-${runId}`], { encoding: 'utf8' })}`);
  });
  await screenshot(page, 'owners-01-window-with-sessions');

  // The window dies: its extension host first, then the rest of code-server, so nothing restarts it.
  const root = Number(execFileSync('pgrep', ['-f', '-o', `bind-addr 127.0.0.1:${new URL(server.url).port}`], { encoding: 'utf8' }).trim());
  const tree = processTree(root);
  const extensionHost = tree.find((pid) => execFileSync('ps', ['-o', 'args=', '-p', String(pid)], { encoding: 'utf8' }).includes('type=extensionHost'));
  assert.ok(extensionHost, 'this code-server runs an extension host');
  process.kill(extensionHost, 'SIGKILL');
  for (const pid of tree) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // already gone with its parent
    }
  }
  killed = true;
  const gone = Date.now();
  await eventually(() => tree.every((pid) => !processTree(root).includes(pid) || pid === root) && !execFileSync('ps', ['-eo', 'pid='], { encoding: 'utf8' }).split('\n').map(Number).includes(extensionHost), 5000, 'the window to be gone');

  await eventually(() => engineSessions().get(shellId)?.state !== 'running', (GRACE + 25) * 1000, 'the shell to stop itself');
  const stoppedAfter = (Date.now() - gone) / 1000;
  console.log(`# the shell stopped ${stoppedAfter.toFixed(1)} s after the window died (grace ${GRACE} s)`);
  assert.ok(stoppedAfter <= GRACE + 10, `${stoppedAfter} s`);
  const runLogs = () => execFileSync('docker', ['logs', '--tail', '30', `berth-${runId}`], { encoding: 'utf8', maxBuffer: 16 * 1024 * 1024 });
  assert.equal(engineSessions().get(runId)?.state, 'running', `the headless run is still at work; it printed:\n${runLogs()}`);

  await eventually(() => engineSessions().get(runId)?.state === 'exited', 90_000, 'the run to finish');
  const exit = execFileSync('docker', ['inspect', '--format', '{{.State.ExitCode}}', `berth-${runId}`], { encoding: 'utf8' }).trim();
  assert.equal(exit, '0', 'the run finished its work');
  const output = execFileSync('docker', ['logs', `berth-${runId}`], { encoding: 'utf8', maxBuffer: 16 * 1024 * 1024 });
  assert.ok(output.includes(FINAL_TEXT), 'its transcript ends with the final answer');
  assert.ok(output.includes('slept'), 'the Bash call ran to its end');
  assert.equal(engineSessions().size, 2, 'both are kept until retention');
});
