import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { pidStartTime, processAlive } from '../../src/core/sessions/pids.js';
import { eventually } from '../support/sessions.js';

test('a killed orphan is not alive, even as a zombie that no init reaps', async () => {
  // sh starts a sleep in the background and ends: the sleep is an orphan, as a detached door is
  // once the CLI that started it exits. Here pid 1 reaps no orphans, so once killed it is a zombie.
  const pid = Number(execFileSync('sh', ['-c', 'sleep 60 >/dev/null 2>&1 & echo $!'], { encoding: 'utf8' }).trim());
  const start = pidStartTime(pid);
  assert.ok(start, 'the orphan has a start time');
  assert.equal(processAlive(pid, start), true);
  process.kill(pid, 'SIGKILL');
  await eventually(() => {
    try {
      return readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.startsWith('Z');
    } catch {
      return true;
    }
  }, 5000, 'the orphan to die');
  assert.equal(processAlive(pid, start), false);
  assert.equal(processAlive(pid, undefined), false);
});

test('a pid that runs under another start time is another process', () => {
  assert.equal(processAlive(process.pid, pidStartTime(process.pid)), true);
  assert.equal(processAlive(process.pid, '1'), false);
});
