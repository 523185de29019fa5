import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { entryCommand } from '../../src/core/sessions/entry.js';
import { detachedCliOwner, leaseIntervalSeconds, newOwner, ownerFromId, policyFor } from '../../src/core/sessions/owner.js';
import { planReconcile, stopsAt, type ReconcileFacts } from '../../src/core/sessions/reconcile.js';
import type { Session } from '../../src/core/sessions/types.js';

const NOW = Date.parse('2026-12-07T12:00:00Z');
const session = (over: Partial<Session>): Session => ({
  id: 'a1b2c3d4e5f6',
  name: 'berth-a1b2c3d4e5f6',
  provider: 'docker',
  isolated: true,
  workspace: '/w',
  agent: 'shell',
  image: 'i',
  created: new Date(NOW - 3600_000).toISOString(),
  state: 'running',
  status: 'Up',
  exitCode: null,
  oomKilled: null,
  interactive: false,
  mount: 'rw',
  network: 'none',
  user: '1:1',
  version: '1',
  maxAgeSeconds: 8 * 3600,
  owner: 'window-0011223344556677',
  policy: 'owner',
  stopsAt: null,
  egress: null,
  ...over,
});
const facts = (over: Partial<ReconcileFacts> = {}): ReconcileFacts => ({
  now: NOW,
  leaseAgeMs: () => 1000,
  finishedAt: () => undefined,
  graceSeconds: () => 120,
  startTimeoutMs: 60_000,
  retentionSeconds: 24 * 3600,
  abandoned: new Set(),
  ...over,
});

test('policies: shells and interactive sessions end with their owner, headless agent runs complete, detach and a CLI that leaves detach', () => {
  const window = newOwner('window', true);
  assert.equal(policyFor({ agent: 'shell', interactive: false }, window, false), 'owner');
  assert.equal(policyFor({ agent: 'claude', interactive: true }, window, false), 'owner');
  assert.equal(policyFor({ agent: 'claude', interactive: false }, window, false), 'completion');
  assert.equal(policyFor({ agent: 'shell', interactive: false }, window, true), 'detached');
  assert.equal(policyFor({ agent: 'shell', interactive: false }, detachedCliOwner(1000), false), 'detached');
  assert.equal(detachedCliOwner(1000).id, 'cli-000003e8');
  assert.match(window.id, /^window-[0-9a-f]{16}$/);
});

test('an owner id from a label or a memento is taken only in its own shape', () => {
  assert.deepEqual(ownerFromId('mcp-0123456789abcdef', true), { id: 'mcp-0123456789abcdef', kind: 'mcp', leased: true });
  for (const bad of [undefined, '', 'window-', 'window-../../etc', 'root-0123456789', 'window-0123456789abcdef/x']) assert.equal(ownerFromId(bad, true), undefined, String(bad));
});

test('the lease is looked at six times per grace period, between 1 s and 20 s', () => {
  assert.deepEqual([6, 60, 120, 3600].map(leaseIntervalSeconds), [1, 10, 20, 20]);
  assert.equal(leaseIntervalSeconds(2), 1);
});

test('reconcile: an owner that renews keeps its sessions; one gone past the grace period loses those that end with it', () => {
  assert.deepEqual(planReconcile([session({})], facts()), []);
  assert.deepEqual(planReconcile([session({})], facts({ leaseAgeMs: () => 119_000 })), [], 'within the grace period');
  assert.deepEqual(planReconcile([session({})], facts({ leaseAgeMs: () => 121_000 })), [{ id: 'a1b2c3d4e5f6', provider: 'docker', action: 'stop', reason: 'owner-gone' }]);
  for (const policy of ['completion', 'detached'] as const) assert.deepEqual(planReconcile([session({ policy })], facts({ leaseAgeMs: () => 999_000 })), [], policy);
  assert.deepEqual(planReconcile([session({ created: new Date(NOW - 200_000).toISOString() })], facts({ leaseAgeMs: () => undefined })).map((a) => a.reason), ['owner-gone'], 'no lease to read: counted from the start');
});

test('reconcile: maximum age, half-made starts and retention', () => {
  assert.deepEqual(planReconcile([session({ policy: 'detached', created: new Date(NOW - 9 * 3600_000).toISOString() })], facts()).map((a) => [a.action, a.reason]), [['stop', 'max-age']]);
  const starting = session({ state: 'starting', created: new Date(NOW - 61_000).toISOString() });
  assert.deepEqual(planReconcile([starting], facts()).map((a) => [a.action, a.reason]), [['remove', 'half-made']]);
  assert.deepEqual(planReconcile([{ ...starting, created: new Date(NOW - 5_000).toISOString() }], facts()), [], 'a start in progress');
  for (const state of ['starting', 'running', 'exited'] as const) {
    assert.deepEqual(planReconcile([session({ state, policy: 'detached', created: new Date(NOW - 5_000).toISOString() })], facts({ abandoned: new Set(['a1b2c3d4e5f6']) })).map((a) => [a.action, a.reason]), [['remove', 'half-made']], `a killed start, ${state}`);
  }
  const ended = session({ state: 'exited', exitCode: 0 });
  assert.deepEqual(planReconcile([ended], facts({ finishedAt: () => NOW - 25 * 3600_000 })).map((a) => [a.action, a.reason]), [['remove', 'retention']]);
  assert.deepEqual(planReconcile([ended], facts({ finishedAt: () => NOW - 23 * 3600_000 })), []);
  assert.deepEqual(planReconcile([ended], facts({ finishedAt: () => NOW - 25 * 3600_000, retentionSeconds: 0 })), [], 'retention 0 keeps everything');
});

test('stopsAt: the last renewal plus the grace period, only once the owner has missed renewals', () => {
  assert.equal(stopsAt(session({}), facts({ leaseAgeMs: () => 5_000 })), undefined, 'late by a renewal, but alive');
  assert.equal(stopsAt(session({}), facts({ leaseAgeMs: () => 50_000 })), NOW - 50_000 + 120_000);
  assert.equal(stopsAt(session({ policy: 'detached' }), facts({ leaseAgeMs: () => 50_000 })), undefined);
});

test('the entry script: the command alone when there is nothing to do first; the watchdog stops the command once the heartbeat stops changing', { timeout: 20_000 }, () => {
  assert.deepEqual(entryCommand(['sleep', '1'], { secrets: false }), ['sleep', '1']);
  const folder = mkdtempSync(join(tmpdir(), 'berth-entry-'));
  try {
    const heartbeat = join(folder, 'heartbeat');
    writeFileSync(heartbeat, '1\n');
    // The command is the main process itself, as in a container, where the engine ends the rest with it.
    const argv = entryCommand(['sleep', '30'], { secrets: false, watchdog: { heartbeat, graceSeconds: 2, intervalSeconds: 1, killAfterSeconds: 1 } });
    const started = Date.now();
    const run = spawnSync(argv[0]!, argv.slice(1), { encoding: 'utf8', timeout: 15_000 });
    const took = (Date.now() - started) / 1000;
    assert.equal(run.signal, 'SIGTERM', 'the command was stopped as a stop would');
    assert.match(run.stderr, /owner has been gone for 2 s \(grace 2 s\): stopping the session/);
    assert.ok(took < 10, `took ${took} s`);
    const unreadable = entryCommand(['sh', '-c', 'echo ran'], { secrets: false, watchdog: { heartbeat: join(folder, 'missing'), graceSeconds: 1, intervalSeconds: 1, killAfterSeconds: 1 } });
    const disarmed = spawnSync(unreadable[0]!, unreadable.slice(1), { encoding: 'utf8', timeout: 10_000 });
    assert.equal(disarmed.stdout, 'ran\n');
    assert.match(disarmed.stderr, /lease cannot be read: this session will not stop with its owner/);
  } finally {
    rmSync(folder, { recursive: true, force: true });
  }
});
