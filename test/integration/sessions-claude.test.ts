import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFile, stat } from 'node:fs/promises';
import { after, before, test } from 'node:test';
import { createOperationCatalog } from '../../src/core/catalog.js';
import { silentContext } from '../../src/core/operations.js';
import type { TranscriptEvent } from '../../src/core/sessions/agent/transcript.js';
import type { Session } from '../../src/core/sessions/types.js';
import { agentImage } from '../support/images.js';
import { startMessagesApi, type MessagesApiStandIn } from '../support/messagesApi.js';
import { sessionSandbox } from '../support/sessions.js';

const KEY = `sk-ant-test-${Math.random().toString(36).slice(2)}${Date.now()}`;
let box: Awaited<ReturnType<typeof sessionSandbox>>;
let api: MessagesApiStandIn;
let image: string;

before(async () => {
  image = await agentImage();
  box = await sessionSandbox({ secrets: { ANTHROPIC_API_KEY: KEY } });
  api = await startMessagesApi([
    { tool: 'Write', input: { file_path: '/workspace/notes/hello.md', content: '# Hello\n\nWritten by the agent.\n' } },
    { text: 'I wrote notes/hello.md.' },
  ]);
});
after(async () => {
  await api?.close();
  await box?.cleanup();
});

test('the real Claude Code writes a file through a scripted API, and its transcript is parsed', { timeout: 300_000 }, async () => {
  const ops = createOperationCatalog({ sessions: box.service });
  const ctx = silentContext('test', process.cwd());
  const session = (await ops.invoke(
    'session.start',
    {
      workspace: box.workspace,
      image,
      prompt: 'Write a note called notes/hello.md that says hello.',
      network: 'host',
      env: [`ANTHROPIC_BASE_URL=${api.url}`, 'CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC=1'],
    },
    ctx,
  )) as Session;
  assert.equal(session.agent, 'claude');
  const { provider } = await box.service.find(session.id);
  const { exitCode } = await provider.wait(session.id, { timeoutMs: 120_000 });

  const { events } = (await ops.invoke('session.logs', { id: session.id, transcript: true }, ctx)) as { events: TranscriptEvent[] };
  assert.equal(exitCode, 0, JSON.stringify(events.slice(-3)));
  const kinds = events.map((event) => event.kind);
  assert.equal(kinds[0], 'init');
  const write = events.find((event) => event.kind === 'tool_use');
  assert.ok(write?.kind === 'tool_use' && write.name === 'Write');
  assert.ok(events.some((event) => event.kind === 'tool_result' && !event.isError));
  assert.ok(events.some((event) => event.kind === 'text' && event.text.includes('hello.md')));
  const result = events.at(-1);
  assert.ok(result?.kind === 'result' && result.ok && result.turns !== undefined && result.durationMs !== undefined && result.costUsd !== undefined, JSON.stringify(result));

  const written = `${box.workspace}/notes/hello.md`;
  assert.equal(await readFile(written, 'utf8'), '# Hello\n\nWritten by the agent.\n');
  assert.equal((await stat(written)).uid, process.getuid!(), 'the file belongs to the person who started the session');

  // The key reached the agent (the API saw it) and nowhere else.
  assert.ok(api.requests.length >= 2 && api.requests.every((request) => request.apiKey === KEY));
  const inspect = spawnSync('docker', ['inspect', session.name], { encoding: 'utf8' }).stdout;
  const logs = spawnSync('docker', ['logs', session.name], { encoding: 'utf8' });
  assert.ok(inspect.includes(session.id));
  for (const [where, text] of [['docker inspect', inspect], ['docker logs', logs.stdout + logs.stderr], ['audit log', await readFile(box.auditLog, 'utf8')]] as const) {
    assert.ok(!text.includes(KEY), `the key appears in ${where}`);
  }
});
