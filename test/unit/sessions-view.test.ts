import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Session, SessionStats } from '../../src/core/sessions/types.js';
import { age, phaseOf, runningCount, sessionItem, sessionsTree } from '../../src/extension/sessions/model.js';
import { SessionsRefresh, type RefreshSource } from '../../src/extension/sessions/refresh.js';

const NOW = Date.parse('2026-12-07T12:00:00Z');
const session = (over: Partial<Session>): Session => ({
  id: 'a1b2c3d4e5f6',
  name: 'berth-a1b2c3d4e5f6',
  provider: 'docker',
  isolated: true,
  workspace: '/home/me/notes',
  agent: 'claude',
  image: 'berth/agent:latest',
  created: '2026-12-07T11:55:00Z',
  state: 'running',
  status: 'Up 5 minutes',
  exitCode: null,
  oomKilled: null,
  interactive: false,
  mount: 'rw',
  network: 'bridge',
  user: '1000:1000',
  version: '0.1.0',
  maxAgeSeconds: 28800,
  owner: 'window-0123456789abcdef',
  policy: 'completion',
  stopsAt: null,
  egress: null,
  ...over,
});
const stats: SessionStats = { id: 'a1b2c3d4e5f6', cpuPercent: 12.4, memoryBytes: 120 * 1024 ** 2, memoryLimitBytes: 4096 * 1024 ** 2, pids: 9 };

test('an item says what the session is, how it is doing, and offers what fits its state', () => {
  const running = sessionItem(session({}), stats, NOW);
  assert.equal(running.label, 'claude');
  assert.equal(running.description, 'a1b2c3 · 5m · 12% CPU · 120 MiB');
  assert.equal(running.contextValue, 'berth.session.running.transcript');
  assert.deepEqual(running.icon, { id: 'vm-running', color: 'testing.iconPassed' });
  assert.ok(running.tooltip.includes('Workspace: /home/me/notes → /workspace (rw)'));
  assert.ok(running.tooltip.includes('Memory: 120 MiB of 4096 MiB'));
  assert.ok(running.tooltip.includes('Container: berth-a1b2c3d4e5f6'));

  const interactive = sessionItem(session({ interactive: true }), undefined, NOW);
  assert.equal(interactive.contextValue, 'berth.session.running.interactive');
  assert.equal(interactive.description, 'a1b2c3 · 5m', 'no usage without a sample');

  const done = sessionItem(session({ state: 'exited', exitCode: 0, agent: 'shell' }), stats, NOW);
  assert.equal(done.phase, 'ended');
  assert.equal(done.description, 'a1b2c3 · 5m · done', 'no usage once ended');
  assert.equal(done.contextValue, 'berth.session.ended');

  // Stop Session on a shell (sleep under tini) leaves exit 143: a person's stop, not a failure.
  const stopped = sessionItem(session({ state: 'exited', exitCode: 143, oomKilled: false, agent: 'shell' }), undefined, NOW);
  assert.equal(stopped.phase, 'ended');
  assert.equal(stopped.description, 'a1b2c3 · 5m · stopped');
  assert.equal(stopped.contextValue, 'berth.session.ended');
  assert.equal(sessionItem(session({ state: 'exited', exitCode: 137, oomKilled: false }), undefined, NOW).description, 'a1b2c3 · 5m · stopped', 'killed after the grace period');

  const failed = sessionItem(session({ state: 'exited', exitCode: 137, oomKilled: true }), undefined, NOW);
  assert.equal(failed.phase, 'failed');
  assert.match(failed.description, /out of memory/);
  assert.deepEqual(failed.icon, { id: 'error', color: 'testing.iconFailed' });

  const local = sessionItem(session({ isolated: false, provider: 'process', image: null }), undefined, NOW);
  assert.match(local.description, /^NOT ISOLATED · a1b2c3/);
  assert.equal(local.icon.id, 'warning');
  assert.equal(local.contextValue, 'berth.session.running.transcript.local');

  assert.equal(sessionItem(session({ state: 'starting' }), undefined, NOW).icon.id, 'loading~spin');
});

test('phases, ages and the running count', () => {
  assert.equal(phaseOf({ state: 'dead', exitCode: 0, oomKilled: null }), 'ended');
  assert.equal(phaseOf({ state: 'exited', exitCode: 1, oomKilled: false }), 'failed');
  assert.equal(phaseOf({ state: 'paused', exitCode: null, oomKilled: null }), 'running');
  assert.deepEqual(['2026-12-07T11:59:30Z', '2026-12-07T10:00:00Z', '2026-12-05T12:00:00Z', 'garbage'].map((created) => age(created, NOW)), ['30s', '2h', '2d', '?']);
  assert.equal(runningCount([session({}), session({ state: 'exited', exitCode: 0 }), session({ state: 'paused' })]), 2);
});

test('the tree groups by workspace only when more than one appears, newest first', () => {
  const a = session({ id: 'aaaaaaaaaaaa', created: '2026-12-07T11:00:00Z' });
  const b = session({ id: 'bbbbbbbbbbbb', created: '2026-12-07T11:30:00Z' });
  const flat = sessionsTree([a, b], new Map(), NOW, ['/home/me/notes']);
  assert.ok(!flat.grouped && flat.items.map((item) => item.id).join() === 'bbbbbbbbbbbb,aaaaaaaaaaaa');
  const other = session({ id: 'cccccccccccc', workspace: '/srv/code/api', state: 'exited', exitCode: 0 });
  const elsewhere = sessionsTree([a, b], new Map(), NOW, ['/srv/code/api']);
  assert.ok(elsewhere.grouped && elsewhere.groups[0]!.label === 'notes', 'sessions of a folder this window has not open are shown under its name');
  const grouped = sessionsTree([a, b, other], new Map(), NOW, ['/home/me/notes']);
  assert.ok(grouped.grouped);
  assert.deepEqual(grouped.groups.map((group) => [group.label, group.description, group.items.length]), [
    ['api', '0 running · /srv/code/api', 1],
    ['notes', '2 running · /home/me/notes', 2],
  ]);
});

/** A source whose events and failures the test drives. */
function fakeSource() {
  let lists = 0;
  let onEvent: (() => void) | undefined;
  let onError: ((error: Error) => void) | undefined;
  let subscriptions = 0;
  let failing = false;
  const source: RefreshSource<number> = {
    async list() {
      if (failing) throw new Error('engine down');
      return ++lists;
    },
    async subscribe(event, error) {
      if (failing) throw new Error('engine down');
      subscriptions++;
      onEvent = event;
      onError = error;
      return { dispose: () => (onEvent = undefined) };
    },
  };
  return {
    source,
    lists: () => lists,
    subscriptions: () => subscriptions,
    emit: () => onEvent?.(),
    drop: () => onError?.(new Error('stream lost')),
    listening: () => onEvent !== undefined,
    fail: (value: boolean) => (failing = value),
  };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

test('events cause one debounced re-list; nothing is listened to while the view is hidden', async () => {
  const fake = fakeSource();
  const seen: number[] = [];
  const refresh = new SessionsRefresh(fake.source, (n) => seen.push(n), () => undefined, { debounceMs: 30, pollMs: 1000 });
  try {
    assert.equal(fake.listening(), false);
    refresh.setVisible(true);
    await sleep(10);
    assert.deepEqual(seen, [1], 'shown: listed at once');
    assert.equal(fake.listening(), true);
    for (let i = 0; i < 10; i++) fake.emit();
    await sleep(80);
    assert.deepEqual(seen, [1, 2], 'ten events, one re-list');
    refresh.setVisible(false);
    assert.equal(fake.listening(), false, 'hidden: the stream is let go');
    fake.emit();
    await sleep(60);
    assert.deepEqual(seen, [1, 2]);
  } finally {
    refresh.dispose();
  }
});

test('a lost stream falls back to polling, and a failing engine is reported and retried', async () => {
  const fake = fakeSource();
  const seen: number[] = [];
  const errors: unknown[] = [];
  const refresh = new SessionsRefresh(fake.source, (n) => seen.push(n), (error) => errors.push(error), { debounceMs: 10, pollMs: 40 });
  try {
    refresh.setVisible(true);
    await sleep(10);
    fake.drop();
    await sleep(130);
    assert.ok(seen.length >= 3, `polled: ${seen.length} lists`);
    fake.emit();
    const afterEvent = seen.length;
    await sleep(130);
    assert.ok(seen.length <= afterEvent + 1, 'an event stops the polling');

    fake.fail(true);
    await refresh.refresh();
    assert.match(String(errors.at(-1)), /engine down/);
  } finally {
    refresh.dispose();
  }
});

test('an engine down when the view opens is polled until it answers, then listened to again', async () => {
  const fake = fakeSource();
  fake.fail(true);
  const seen: number[] = [];
  const refresh = new SessionsRefresh(fake.source, (n) => seen.push(n), () => undefined, { debounceMs: 10, pollMs: 30 });
  try {
    refresh.setVisible(true);
    await sleep(50);
    assert.equal(fake.subscriptions(), 0);
    fake.fail(false);
    await sleep(80);
    assert.ok(seen.length >= 1);
    assert.equal(fake.subscriptions(), 1, 'subscribed again once the engine answered');
  } finally {
    refresh.dispose();
  }
});

test('a detached session is marked; one whose owner is gone counts down to its stop; the tooltip names the owner and the policy', () => {
  const detached = sessionItem(session({ policy: 'detached' }), undefined, NOW);
  assert.match(detached.description, / · detached$/);
  assert.ok(detached.tooltip.includes('Owner: window-0123456789abcdef (detached: outlives its owner, up to its maximum age)'));
  const orphan = sessionItem(session({ policy: 'owner', stopsAt: new Date(NOW + 95_000).toISOString() }), undefined, NOW);
  assert.match(orphan.description, /owner gone: stops in 2m$/);
  assert.match(sessionItem(session({ policy: 'owner', stopsAt: new Date(NOW + 42_000).toISOString() }), undefined, NOW).description, /stops in 42s$/);
  assert.doesNotMatch(sessionItem(session({ policy: 'owner' }), undefined, NOW).description, /owner|detached/, 'an owner that lives is not news');
  assert.doesNotMatch(sessionItem(session({ policy: 'detached', state: 'exited', exitCode: 0 }), undefined, NOW).description, /detached/, 'only running sessions are marked');
});

test('an egress session shows what its door refused, and a door that is down as a warning', () => {
  const egress = { allow: ['api.anthropic.com'], door: 'up' as const, refused: [{ host: 'evil.example', port: 443, count: 3 }] };
  const item = sessionItem(session({ network: 'egress', egress }), undefined, NOW);
  assert.match(item.description, / · 3 refused$/);
  assert.ok(item.tooltip.includes('Egress: only api.anthropic.com; door up'));
  assert.ok(item.tooltip.includes('Refused: evil.example:443 (3×)'));
  const down = sessionItem(session({ network: 'egress', egress: { ...egress, door: 'down' } }), undefined, NOW);
  assert.match(down.description, /egress door down/);
  assert.deepEqual(down.icon, { id: 'warning', color: 'list.warningForeground' });
  assert.ok(down.tooltip.some((line) => line.includes('no egress at all until it is restarted')));
});
