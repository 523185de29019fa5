// Issue 13: an MCP client owns the sessions it starts. One that starts ten and goes away without
// cleaning up leaves each to its policy: shells stop, headless runs finish, detached ones stay.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { LABEL } from '../../src/core/sessions/labels.js';
import type { Session } from '../../src/core/sessions/types.js';
import { call, mcpWorld, type McpWorld } from '../support/mcp.js';
import { eventually } from '../support/sessions.js';

const GRACE = 6;
let world: McpWorld;

before(async () => {
  world = await mcpWorld({
    // The worker agent needs no network, and busybox has no egress relay.
    settings: { leaseGraceSeconds: GRACE, agents: { worker: `sh -c 'sleep "$0"; echo finished' {prompt}` }, agentNetwork: 'none' },
    server: { idleTimeoutMs: 1500 },
  });
});
after(async () => world.cleanup());

const state = async (id: string) => (await world.box.docker.getContainer(`berth-${id}`).inspect()).State;

test('an MCP client starts 10 sessions and vanishes: its shells stop after the grace period, its headless runs finish, its detached sessions stay', { timeout: 120_000 }, async () => {
  const client = await world.connect(await world.token('vanishing', ['read', 'sessions']), 'vanishing-agent');
  const start = async (args: Record<string, unknown>) => {
    const result = await call<Session>(client, 'session_start', { agent: 'shell', ...args });
    assert.equal(result.isError, false, result.text);
    return result.output;
  };
  const shells = await Promise.all(Array.from({ length: 6 }, () => start({})));
  const runs = await Promise.all([start({ agent: 'worker', prompt: String(GRACE + 6) }), start({ agent: 'worker', prompt: String(GRACE + 6) })]);
  const detached = await Promise.all([start({ detach: true }), start({ detach: true })]);
  const owners = new Set([...shells, ...runs, ...detached].map((s) => s.owner));
  assert.equal(owners.size, 1, 'one owner: this MCP session');
  assert.match([...owners][0]!, /^mcp-[0-9a-f]{16}$/);
  assert.deepEqual([shells, runs, detached].map((group) => [...new Set(group.map((s) => s.policy))]), [['owner'], ['completion'], ['detached']]);

  // Gone without a DELETE: the server notices when the MCP session idles out, and renews no more.
  await client.close();
  const gone = Date.now();
  await eventually(async () => (await Promise.all(shells.map(async (s) => (await state(s.id)).Running))).every((running) => !running), (GRACE + 25) * 1000, 'the shells to stop');
  console.log(`# the 6 shells stopped within ${((Date.now() - gone) / 1000).toFixed(1)} s of the client going (idle timeout 1.5 s, grace ${GRACE} s)`);
  for (const s of detached) assert.equal((await state(s.id)).Running, true, 'a detached session outlives its owner');
  await eventually(async () => (await Promise.all(runs.map(async (s) => (await state(s.id)).Running))).every((running) => !running), 30_000, 'the runs to finish');
  for (const s of runs) assert.equal((await state(s.id)).ExitCode, 0, 'the headless run finished its work, not stopped');
  for (const s of shells) assert.notEqual((await state(s.id)).ExitCode, 0, 'a stopped shell');
  const left = await world.box.containers();
  assert.equal(left.length, 10, 'ended sessions are kept until retention');
  assert.equal(left.filter((info) => info.State === 'running').length, 2);
  assert.ok(left.every((info) => info.Labels[LABEL.owner] === [...owners][0]));
});
