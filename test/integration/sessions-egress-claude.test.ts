// Issue 15: the real Claude Code in an egress session reaches the (scripted) Messages API only
// through its door, and only while the API's name is on the allowlist. Loopback only: the name is
// mapped to the stand-in's port by the test hook.
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { after, before, test } from 'node:test';
import { createOperationCatalog } from '../../src/core/catalog.js';
import { silentContext } from '../../src/core/operations.js';
import type { TranscriptEvent } from '../../src/core/sessions/agent/transcript.js';
import type { Session } from '../../src/core/sessions/types.js';
import { agentImage } from '../support/images.js';
import { startMessagesApi, type MessagesApiStandIn } from '../support/messagesApi.js';
import { sessionSandbox } from '../support/sessions.js';

const KEY = `sk-ant-egress-${Math.random().toString(36).slice(2)}`;
const API_NAME = 'messages.berth.test';
let box: Awaited<ReturnType<typeof sessionSandbox>>;
let api: MessagesApiStandIn;
let image: string;

before(async () => {
  image = await agentImage();
  api = await startMessagesApi([{ text: 'Reached you through the door.' }]);
  const port = new URL(api.url).port;
  box = await sessionSandbox({ secrets: { ANTHROPIC_API_KEY: KEY }, settings: { egressUpstreams: { [API_NAME]: `127.0.0.1:${port}` } } });
});
after(async () => {
  await api?.close();
  await box?.cleanup();
});

/** A headless run in an egress session (the default network for agents) whose API is API_NAME. */
async function run(allow: string[]): Promise<{ session: Session; exitCode: number; events: TranscriptEvent[] }> {
  const ops = createOperationCatalog({ sessions: box.service });
  const ctx = silentContext('test', process.cwd());
  const session = (await ops.invoke(
    'session.start',
    { workspace: box.workspace, image, prompt: 'Say where you are.', allow, env: [`ANTHROPIC_BASE_URL=http://${API_NAME}`, 'CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC=1'] },
    ctx,
  )) as Session;
  const { provider } = await box.service.find(session.id);
  const { exitCode } = await provider.wait(session.id, { timeoutMs: 150_000 });
  const { events } = (await ops.invoke('session.logs', { id: session.id, transcript: true }, ctx)) as { events: TranscriptEvent[] };
  return { session, exitCode, events };
}

test('the real claude in an egress session reaches the API through the door and completes its task', { timeout: 240_000 }, async () => {
  const { session, exitCode, events } = await run([API_NAME]);
  assert.equal(session.network, 'egress');
  assert.equal(exitCode, 0, JSON.stringify(events.slice(-3)));
  assert.ok(events.some((event) => event.kind === 'text' && event.text.includes('Reached you through the door.')));
  assert.ok(api.requests.length >= 1 && api.requests.every((request) => request.apiKey === KEY), 'the API saw the key, through the door');
});

test('with the API’s name off the allowlist the run fails, the 403 in its transcript and the refusal in the audit log', { timeout: 240_000 }, async () => {
  const asked = api.requests.length;
  const { session, exitCode, events } = await run([]);
  assert.notEqual(exitCode, 0);
  assert.equal(api.requests.length, asked, 'nothing reached the API');
  const said = JSON.stringify(events);
  assert.match(said, /403/, 'the transcript shows the refusal');
  const audit = await readFile(box.auditLog, 'utf8');
  assert.ok(
    audit.split('\n').some((line) => line.includes('"action":"egress-refused"') && line.includes(`"session":"${session.id}"`) && line.includes(API_NAME)),
    'the refusal is audited with the session and the host',
  );
});
