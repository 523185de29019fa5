import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { spawnSync } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { after, before, test } from 'node:test';
import { createOperationCatalog } from '../../src/core/catalog.js';
import { silentContext } from '../../src/core/operations.js';
import { LABEL } from '../../src/core/sessions/labels.js';
import type { Session } from '../../src/core/sessions/types.js';
import { BUSYBOX_IMAGE, busyboxImage } from '../support/images.js';
import { eventually, sessionSandbox } from '../support/sessions.js';

const KEY = `sk-ant-test-${Math.random().toString(36).slice(2)}${Date.now()}`;
let box: Awaited<ReturnType<typeof sessionSandbox>>;

before(async () => {
  await busyboxImage();
  box = await sessionSandbox({ settings: { image: BUSYBOX_IMAGE, stopGraceSeconds: 1 }, secrets: { ANTHROPIC_API_KEY: KEY } });
});
after(async () => box.cleanup());

test('10 sessions started at once all come up, uniquely named, with the key and without leaking it', { timeout: 120_000 }, async () => {
  const ops = createOperationCatalog({ sessions: box.service });
  const ctx = silentContext('test', process.cwd());
  // Each start has its own context, as ten separate requests would.
  // An agent session (so it gets the secret) whose command proves the key arrived by its hash alone.
  const probe = 'printf %s "$ANTHROPIC_API_KEY" | sha256sum; ls -A /run/berth; echo listed; exec sleep 300';
  const sessions = (await Promise.all(
    Array.from({ length: 10 }, () => ops.invoke('session.start', { workspace: box.workspace, agent: 'claude', network: 'none', command: ['sh', '-c', probe] }, silentContext('test', process.cwd()))),
  )) as Session[];

  const ids = sessions.map((s) => s.id);
  assert.equal(new Set(ids).size, 10);
  assert.equal(new Set(sessions.map((s) => s.name)).size, 10);
  const listed = (await box.service.list()).filter((s) => s.workspace === box.workspace);
  assert.deepEqual(listed.map((s) => s.id).sort(), [...ids].sort());
  assert.ok(listed.every((s) => s.state === 'running'));

  const hash = createHash('sha256').update(KEY).digest('hex');
  for (const session of sessions) {
    const logs = async () => spawnSync('docker', ['logs', session.name], { encoding: 'utf8' });
    await eventually(async () => (await logs()).stdout.includes('listed'), 10_000, `the probe of ${session.id}`);
    const { stdout, stderr } = await logs();
    // The key arrived, and the file that carried it is gone (only the home is left beside it).
    assert.equal(stdout, `${hash}  -\nhome\nlisted\n`, stderr);
    const inspect = spawnSync('docker', ['inspect', session.name], { encoding: 'utf8' }).stdout;
    assert.ok(!inspect.includes(KEY), 'the key is in docker inspect');
    assert.ok(!JSON.stringify(JSON.parse(inspect)[0].Config.Env).includes('ANTHROPIC_API_KEY'));
    assert.equal(JSON.parse(inspect)[0].Config.Labels[LABEL.session], session.id);
  }

  // An error that would carry the key (here, typed as a session id) is redacted, in the error and the audit log.
  await assert.rejects(ops.invoke('session.exec', { id: KEY, command: ['true'] }, ctx), (error: Error) => !error.message.includes(KEY) && error.message.includes('***'));

  const audit = await readFile(box.auditLog, 'utf8');
  assert.equal(audit.trim().split('\n').filter((line) => JSON.parse(line).action === 'start').length, 10);
  assert.ok(!audit.includes(KEY), 'the key is in the audit log');

  await ops.invoke('session.rm', { ids }, silentContext('test', process.cwd()));
  assert.equal((await box.containers()).length, 0);
});
