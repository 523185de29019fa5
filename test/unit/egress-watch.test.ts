// The egress watch on real folders, without an engine or a door.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { watchEgress } from '../../src/core/sessions/egress/watch.js';
import { eventually } from '../support/sessions.js';

const root = mkdtempSync(join(tmpdir(), 'berth-egress-watch-'));
after(() => rmSync(root, { recursive: true, force: true }));
const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

test('what an item shows is heard (refusals, a door record, a session folder), the record of every request is not', async () => {
  const egress = join(root, 'egress');
  const heard: string[] = [];
  const watching = watchEgress(egress, (id) => heard.push(id));
  try {
    mkdirSync(join(egress, 'aaa'));
    await eventually(() => heard.includes('aaa'), 5000, 'the new folder');
    heard.length = 0;
    writeFileSync(join(egress, 'aaa', 'requests.jsonl'), '{}\n');
    writeFileSync(join(egress, 'aaa', 'door.log'), 'started\n');
    await pause(300);
    assert.equal(heard.length, 0, `heard ${heard.join(', ')}`);
    writeFileSync(join(egress, 'aaa', 'refused.json'), '[]');
    await eventually(() => heard.includes('aaa'), 5000, 'the refusals');
  } finally {
    watching.dispose();
  }
});

test('a folder that cannot be made is reported, not thrown, and the face keeps its lists', () => {
  const file = join(root, 'a-file');
  writeFileSync(file, '');
  const errors: Error[] = [];
  const watching = watchEgress(join(file, 'egress'), () => assert.fail('nothing to hear'), (error) => errors.push(error));
  watching.dispose();
  assert.equal(errors.length, 1);
  assert.match(errors[0]!.message, /ENOTDIR/);
});
