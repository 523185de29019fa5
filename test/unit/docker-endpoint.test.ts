import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { BerthError } from '../../src/core/errors.js';
import { resolveDockerEndpoint } from '../../src/core/sessions/docker/endpoint.js';

function dockerConfig(currentContext: string | undefined, contexts: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'berth-docker-config-'));
  if (currentContext) writeFileSync(join(dir, 'config.json'), JSON.stringify({ currentContext }));
  for (const [name, host] of Object.entries(contexts)) {
    const meta = join(dir, 'contexts', 'meta', createHash('sha256').update(name).digest('hex'));
    mkdirSync(meta, { recursive: true });
    writeFileSync(join(meta, 'meta.json'), JSON.stringify({ Name: name, Endpoints: { docker: { Host: host } } }));
  }
  return dir;
}

test('the local socket is the default', () => {
  const endpoint = resolveDockerEndpoint({ env: {}, dockerConfigDir: '/nonexistent' });
  assert.equal(endpoint.source, 'default');
  assert.equal(endpoint.host, 'unix:///var/run/docker.sock');
  assert.deepEqual(endpoint.options, { socketPath: '/var/run/docker.sock' });
});

test('DOCKER_HOST wins over the current context, and a setting wins over both', () => {
  const dir = dockerConfig('remote', { remote: 'tcp://127.0.0.1:9999' });
  try {
    const fromEnv = resolveDockerEndpoint({ env: { DOCKER_HOST: 'unix:///tmp/other.sock' }, dockerConfigDir: dir });
    assert.equal(fromEnv.source, 'DOCKER_HOST');
    assert.deepEqual(fromEnv.options, { socketPath: '/tmp/other.sock' });

    const fromSetting = resolveDockerEndpoint({
      explicitHost: 'tcp://127.0.0.1:2375',
      env: { DOCKER_HOST: 'unix:///tmp/other.sock' },
      dockerConfigDir: dir,
    });
    assert.equal(fromSetting.source, 'setting');
    assert.deepEqual(fromSetting.options, { host: '127.0.0.1', port: '2375', protocol: 'http' });
  } finally {
    rmSync(dir, { recursive: true });
  }
});

test('the current Docker context, or DOCKER_CONTEXT, selects the endpoint', () => {
  const dir = dockerConfig('remote', { remote: 'tcp://127.0.0.1:9999', other: 'unix:///run/other.sock' });
  try {
    const current = resolveDockerEndpoint({ env: {}, dockerConfigDir: dir });
    assert.equal(current.source, 'context');
    assert.equal(current.context, 'remote');
    assert.deepEqual(current.options, { host: '127.0.0.1', port: '9999', protocol: 'http' });

    const chosen = resolveDockerEndpoint({ env: { DOCKER_CONTEXT: 'other' }, dockerConfigDir: dir });
    assert.equal(chosen.context, 'other');
    assert.deepEqual(chosen.options, { socketPath: '/run/other.sock' });
  } finally {
    rmSync(dir, { recursive: true });
  }
});

test('tcp without a port uses 2375, or 2376 with TLS', () => {
  assert.equal(resolveDockerEndpoint({ env: { DOCKER_HOST: 'tcp://127.0.0.1' } }).options.port, 2375);
  const tls = resolveDockerEndpoint({ env: { DOCKER_HOST: 'tcp://127.0.0.1', DOCKER_TLS_VERIFY: '1' } });
  assert.equal(tls.options.port, 2376);
  assert.equal(tls.options.protocol, 'https');
});

test('a missing context or a malformed address is a BerthError that says what to do', () => {
  const dir = dockerConfig('ghost', {});
  try {
    assert.throws(
      () => resolveDockerEndpoint({ env: {}, dockerConfigDir: dir }),
      (error: unknown) => error instanceof BerthError && /context "ghost"/.test(error.message) && /docker context/.test(error.hint ?? ''),
    );
  } finally {
    rmSync(dir, { recursive: true });
  }
  assert.throws(
    () => resolveDockerEndpoint({ env: { DOCKER_HOST: 'ftp://example' } }),
    (error: unknown) => error instanceof BerthError && /DOCKER_HOST/.test(error.message) && /unix:\/\//.test(error.hint ?? ''),
  );
});
