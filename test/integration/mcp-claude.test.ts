// The real Claude Code as an MCP client of a real Berth HTTP server: the native claude binary, on
// the host, given Berth in an --mcp-config with the token header, and driven by the scripted
// Messages API stand-in, calls vault_health and session_list over MCP and gets their results.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { silentContext } from '../../src/core/operations.js';
import type { Session } from '../../src/core/sessions/types.js';
import { claudeBinary } from '../support/images.js';
import { DEMO_VAULT, mcpWorld, type McpWorld } from '../support/mcp.js';
import { startMessagesApi, type MessagesApiStandIn } from '../support/messagesApi.js';

const FINAL_TEXT = 'The vault scores 51 and one session runs.';
const ALLOWED = ['mcp__berth__vault_health', 'mcp__berth__session_list'];

let world: McpWorld;
let api: MessagesApiStandIn;
let home: string;
let claude: string;
let session: Session;

before(async () => {
  claude = await claudeBinary();
  world = await mcpWorld();
  // A session the person started (not a client): the list Claude Code gets must show it.
  session = (await world.operations.invoke('session.start', { agent: 'shell', workspace: world.box.workspace, command: ['sleep', '300'] }, silentContext('test', world.box.workspace))) as Session;
  api = await startMessagesApi([
    { tool: 'mcp__berth__vault_health', input: { dir: DEMO_VAULT } },
    { tool: 'mcp__berth__session_list', input: {} },
    { text: FINAL_TEXT },
  ]);
  // Claude Code keeps its state under $HOME: a scratch one, not the machine's.
  home = await mkdtemp(join(tmpdir(), 'berth-claude-home-'));
});
after(async () => {
  await api?.close();
  await world?.cleanup();
  if (home) await rm(home, { recursive: true, force: true });
});

/** The parts of Claude Code's stream-json lines and content blocks this test reads. */
interface Block {
  type: string;
  id?: string;
  name?: string;
  tool_use_id?: string;
  content?: string | { text?: string }[];
  is_error?: boolean;
}
interface Line {
  type: string;
  subtype?: string;
  message?: { content: string | Block[] };
  mcp_servers?: { name: string; status: string }[];
  tools?: string[];
  result?: string;
}
/** A tool as the Messages API request offers it to the model. */
interface OfferedTool {
  name: string;
  description?: string;
  input_schema: { properties: Record<string, unknown> };
}

/** Runs claude -p to its end, bounded in time; one JSON object a line of its stdout. */
async function runClaude(configFile: string): Promise<{ code: number | null; lines: Line[]; stderr: string }> {
  const args = ['-p', 'How healthy is the demo vault, and which Berth sessions run?', '--mcp-config', configFile, '--strict-mcp-config', '--allowedTools', ALLOWED.join(','), '--output-format', 'stream-json', '--verbose'];
  const env = {
    PATH: process.env.PATH,
    HOME: home,
    ANTHROPIC_BASE_URL: api.url,
    ANTHROPIC_API_KEY: 'sk-ant-test-mcp-client',
    CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC: '1',
    // Otherwise MCP tools hide behind Claude Code's ToolSearch tool, and the stand-in never sees them offered.
    ENABLE_TOOL_SEARCH: 'false',
  };
  const child = spawn(claude, args, { cwd: world.box.workspace, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const timer = setTimeout(() => child.kill('SIGKILL'), 120_000);
  const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
  clearTimeout(timer);
  const lines = stdout
    .split('\n')
    .filter((line) => line.startsWith('{'))
    .map((line) => JSON.parse(line) as Line);
  return { code, lines, stderr };
}

/** The text of the tool_result that answers the tool_use named `tool`, from the transcript. */
function toolResult(lines: Line[], tool: string): { text: string; isError: boolean } {
  const blocks = (type: string) => lines.flatMap((line) => (line.type === type && Array.isArray(line.message?.content) ? line.message.content : []));
  const use = blocks('assistant').find((block) => block.type === 'tool_use' && block.name === tool);
  assert.ok(use, `the transcript has a tool_use of ${tool}`);
  const result = blocks('user').find((block) => block.type === 'tool_result' && block.tool_use_id === use.id);
  assert.ok(result, `the transcript has the result of ${tool}`);
  const text = typeof result.content === 'string' ? result.content : (result.content ?? []).map((part) => part.text ?? '').join('\n');
  return { text, isError: result.is_error === true };
}

test('Claude Code connects to Berth with the token, calls vault_health and session_list over MCP, and gets their figures', { timeout: 180_000 }, async () => {
  const config = join(home, 'mcp.json');
  await writeFile(config, JSON.stringify({ mcpServers: { berth: { type: 'http', url: world.server.url, headers: { Authorization: `Bearer ${world.defaultToken.secret}` } } } }));
  const { code, lines, stderr } = await runClaude(config);
  const transcript = lines.map((line) => JSON.stringify(line)).join('\n').slice(-4000);
  assert.equal(code, 0, `claude exited with ${code}: ${stderr.slice(-2000)}\n${transcript}`);

  // Its init line: the berth server connected, and its tools under Claude Code's mcp__SERVER__TOOL names.
  const init = lines.find((line) => line.type === 'system' && line.subtype === 'init')!;
  assert.deepEqual(init.mcp_servers!.map((server) => [server.name, server.status]), [['berth', 'connected']]);
  const berthTools = (init.tools as string[]).filter((tool) => tool.startsWith('mcp__berth__'));
  for (const tool of ['vault_health', 'session_list', 'session_start', 'session_stop', 'doctor']) assert.ok(berthTools.includes(`mcp__berth__${tool}`), `${tool} in ${berthTools.join(', ')}`);

  // The model was offered Berth's tools, with Berth's own descriptions and schemas.
  const main = api.requests.find((request) => (request.body.tools ?? []).some((tool) => (tool as OfferedTool).name === 'mcp__berth__vault_health'));
  assert.ok(main, `a request offered mcp__berth__vault_health; requests: ${api.requests.map((request) => (request.body.tools ?? []).map((tool) => (tool as OfferedTool).name).join(',')).join(' | ')}`);
  const offered = (main.body.tools as OfferedTool[]).find((tool) => tool.name === 'mcp__berth__vault_health')!;
  assert.equal(offered.description, world.operations.get('vault.health')!.description);
  assert.ok('dir' in offered.input_schema.properties, JSON.stringify(offered.input_schema));

  const health = toolResult(lines, 'mcp__berth__vault_health');
  assert.equal(health.isError, false, health.text);
  // Claude Code hands the model a tool's structured output, as JSON, when the tool declares an output schema.
  const report = JSON.parse(health.text) as { score: number; root: string; notes: number };
  assert.deepEqual([report.score, report.root, report.notes], [51, DEMO_VAULT, 3]);
  const list = toolResult(lines, 'mcp__berth__session_list');
  assert.equal(list.isError, false, list.text);
  const listed = (JSON.parse(list.text) as { sessions: Session[] }).sessions.find((candidate) => candidate.id === session.id);
  assert.deepEqual([listed?.state, listed?.agent, listed?.workspace], ['running', 'shell', world.box.workspace], list.text);

  // The results went back to the model, and its last word ended the run.
  const sent = api.requests.map((request) => JSON.stringify(request.body.messages ?? []));
  assert.ok(sent.some((messages) => messages.includes('\\"score\\":51')), 'the vault result reached the API');
  assert.ok(sent.some((messages) => messages.includes(session.id)), 'the session list reached the API');
  const result = lines.at(-1)!;
  assert.deepEqual([result.type, result.subtype, result.result], ['result', 'success', FINAL_TEXT]);

  // Berth saw both calls, from the client by the name Claude Code gives itself.
  const calls = (await world.calls()).filter((line) => line.tool === 'vault_health' || line.tool === 'session_list');
  assert.deepEqual(calls.map((line) => [line.tool, line.ok]), [['vault_health', true], ['session_list', true]]);
  assert.deepEqual(calls.map((line) => line.client), ['claude-code', 'claude-code']);
  // It leaves without a DELETE, so its MCP session is still listed (until the idle timeout), with its two calls.
  const status = world.server.status();
  const client = status.clients.find((candidate) => candidate.name === 'claude-code');
  assert.deepEqual([client?.calls, client?.scopes], [2, ['read', 'sessions']], JSON.stringify(status));
  assert.equal(status.calls, 2);
});

test('with a wrong token Claude Code reports the berth server failed, and nothing is called', { timeout: 180_000 }, async () => {
  const config = join(home, 'mcp-wrong.json');
  await writeFile(config, JSON.stringify({ mcpServers: { berth: { type: 'http', url: world.server.url, headers: { Authorization: 'Bearer not-the-token-at-all-not-the-token-at-all' } } } }));
  const before = (await world.calls()).length;
  const { lines } = await runClaude(config);
  const init = lines.find((line) => line.type === 'system' && line.subtype === 'init')!;
  assert.deepEqual(init.mcp_servers!.map((server) => [server.name, server.status]), [['berth', 'failed']]);
  assert.ok(!(init.tools as string[]).some((tool) => tool.startsWith('mcp__berth__')));
  assert.equal((await world.calls()).length, before);
});
