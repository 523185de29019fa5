import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';

// The built CLI, exactly as a user runs it (scripts/test.ts builds dist/ first).
const cli = join(__dirname, '..', '..', 'dist', 'cli.js');

function berth(args: string[], env: NodeJS.ProcessEnv = process.env) {
  return spawnSync(process.execPath, [cli, ...args], { env, encoding: 'utf8', timeout: 20_000 });
}

const engineVersion = execFileSync('docker', ['version', '--format', '{{.Server.Version}}'], { encoding: 'utf8' }).trim();

test('berth doctor --json sees the engine and the same version the docker CLI reports', () => {
  const result = berth(['doctor', '--json']);
  assert.equal(result.status, 0, result.stderr);
  const report = JSON.parse(result.stdout);
  assert.equal(report.engine.reachable, true);
  assert.equal(report.engine.version, engineVersion);
  assert.match(report.engine.apiVersion, /^1\.\d+$/);
  assert.equal(report.node, process.version);
});

test('berth doctor prints a readable table', () => {
  const result = berth(['doctor']);
  assert.equal(result.status, 0, result.stderr);
  assert.match(result.stdout, new RegExp(`^Docker +Engine ${engineVersion.replace(/[.+]/g, '\\$&')}, API 1\\.\\d+`, 'm'));
});

test('berth doctor follows the current Docker context', () => {
  const config = mkdtempSync(join(tmpdir(), 'berth-ctx-'));
  try {
    const meta = join(config, 'contexts', 'meta', createHash('sha256').update('berth-test').digest('hex'));
    mkdirSync(meta, { recursive: true });
    writeFileSync(join(meta, 'meta.json'), JSON.stringify({ Name: 'berth-test', Endpoints: { docker: { Host: 'unix:///var/run/docker.sock' } } }));
    writeFileSync(join(config, 'config.json'), JSON.stringify({ currentContext: 'berth-test' }));
    const { DOCKER_HOST: _ignored, ...env } = process.env;
    const result = berth(['doctor', '--json'], { ...env, DOCKER_CONFIG: config });
    assert.equal(result.status, 0, result.stderr);
    const report = JSON.parse(result.stdout);
    assert.equal(report.engine.source, 'context');
    assert.equal(report.engine.context, 'berth-test');
    assert.equal(report.engine.version, engineVersion);
  } finally {
    rmSync(config, { recursive: true });
  }
});

test('with no engine, berth doctor prints one clear line and exits non-zero', () => {
  const result = berth(['doctor'], { ...process.env, DOCKER_HOST: 'unix:///nonexistent/docker.sock' });
  assert.equal(result.status, 1);
  const lines = result.stdout.trim().split('\n');
  assert.equal(lines.length, 1);
  assert.match(lines[0]!, /No Docker engine at unix:\/\/\/nonexistent\/docker\.sock.*change DOCKER_HOST/);
});
