import assert from 'node:assert/strict';
import { test } from 'node:test';
import { formatDoctorReport } from '../../src/core/doctor/doctorOperation.js';

const base = { berth: '0.1.0', node: 'v20.0.0', platform: 'linux x64' };

test('a reachable engine is shown as an aligned table', () => {
  const text = formatDoctorReport({
    ...base,
    engine: { reachable: true, host: 'unix:///var/run/docker.sock', source: 'default', version: '27.1.0', apiVersion: '1.46', os: 'linux', arch: 'amd64' },
  });
  assert.deepEqual(text.split('\n'), [
    'Berth     0.1.0',
    'Node      v20.0.0',
    'Platform  linux x64',
    'Docker    Engine 27.1.0, API 1.46 (linux/amd64)',
    'Endpoint  unix:///var/run/docker.sock (default)',
  ]);
});

test('an unreachable engine is one line: what happened, then what to do', () => {
  const text = formatDoctorReport({
    ...base,
    engine: { reachable: false, refused: false, error: 'No Docker engine at unix:///x.sock: the socket does not exist.', fix: 'Start Docker.' },
  });
  assert.equal(text, 'No Docker engine at unix:///x.sock: the socket does not exist. Start Docker.');
  assert.ok(!text.includes('\n'));
});
