import assert from 'node:assert/strict';
import { test } from 'node:test';
import { cgroupLimit, interfaces, PROBES, visiblePids, type ProbeContext } from '../../src/core/isolation/probes.js';

const context: ProbeContext = { hostPid: 4242, hostMarker: '/tmp/x/host-only', limits: { pids: 512, memoryBytes: 4 * 1024 ** 3, cpus: 2 } };
const judge = (id: string, stdout: string, exitCode = 0, stderr = '') => PROBES.find((p) => p.id === id)!.judge({ exitCode, stdout, stderr }, context);

test('cgroup limits: v2 max and v1 unlimited are no limit, numbers are', () => {
  assert.equal(cgroupLimit('max\n'), undefined);
  assert.equal(cgroupLimit('9223372036854771712\n'), undefined);
  assert.equal(cgroupLimit('512\n'), 512);
  assert.equal(cgroupLimit(''), undefined);
});

test('/proc/net/dev and /proc listings are parsed', () => {
  const dev = 'Inter-|   Receive |  Transmit\n face |bytes packets|bytes\n    lo: 1 2 3\n  eth0: 4 5 6\n';
  assert.deepEqual(interfaces(dev), ['lo', 'eth0']);
  assert.deepEqual(visiblePids('1\n7\nacpi\nself\n12\n'), [1, 7, 12]);
});

test('each judge fails what it should', () => {
  assert.equal(judge('pid', '1 7 4242 self').passed, false);
  assert.equal(judge('pid', '1 7 self').passed, true);
  assert.equal(judge('pid', '', 1, 'ls: no').passed, false, 'an unreadable /proc proves nothing');
  assert.equal(judge('uid', '0\n').passed, false);
  assert.equal(judge('uid', '1000\n').passed, true);
  assert.equal(judge('capabilities', 'CapEff:\t0000000000000000\nCapBnd:\t00000000a80425fb\n').passed, false);
  assert.equal(judge('capabilities', 'CapEff:\t0000000000000000\nCapBnd:\t0000000000000000\n').passed, true);
  assert.equal(judge('capabilities', '', 1).passed, false);
  assert.equal(judge('rootfs', 'WRITTEN\n').passed, false);
  assert.equal(judge('hostPaths', 'PRESENT\n').passed, false);
  assert.equal(judge('hostPaths', '', 127, 'sh: not found').passed, false, 'a probe that did not run does not pass');
  assert.equal(judge('network', 'h\nh\n lo: 0\n').passed, true);
  assert.equal(judge('pidsLimit', '/sys/fs/cgroup/pids.max\nmax\n').passed, false);
  assert.equal(judge('pidsLimit', '/sys/fs/cgroup/pids.max\n1024\n').passed, false, 'more than the session asked for');
  assert.equal(judge('pidsLimit', 'none\n', 1).passed, false);
  assert.equal(judge('memoryLimit', '/sys/fs/cgroup/memory.max\n268435456\n').passed, true);
});
