import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { test } from 'node:test';
import { CATALOG_AREAS, createOperationCatalog } from '../../src/core/catalog.js';

const catalog = join(__dirname, '..', '..', 'src', 'core', 'catalog.ts');

/** Builds the given parts of the catalog in a fresh process and names what it loaded. */
function loadedBy(areas: string[], then = ''): { operations: string[]; loaded: string[] } {
  const script = `
    const registry = require(${JSON.stringify(catalog)}).createOperationCatalog({}, ${JSON.stringify(areas)});
    Promise.resolve(${then || 'undefined'}).then(() => process.stdout.write(JSON.stringify({
      operations: registry.list().map((operation) => operation.name),
      loaded: Object.keys(require.cache),
    })));`;
  const result = spawnSync(process.execPath, ['--import', 'tsx', '-e', script], { encoding: 'utf8' });
  assert.equal(result.status, 0, result.stderr);
  return JSON.parse(result.stdout);
}

const has = (loaded: string[], part: string) => loaded.some((path) => path.includes(part));

test('the parts of the catalog, in order, are the whole table', () => {
  const whole = createOperationCatalog().list();
  const parts = CATALOG_AREAS.flatMap((area) => createOperationCatalog({}, [area]).list());
  assert.deepEqual(
    parts.map((operation) => [operation.name, operation.cli.command, operation.annotations]),
    whole.map((operation) => [operation.name, operation.cli.command, operation.annotations]),
  );
});

test('a part loads its own code only: no vault code for sessions, no sessions code or Docker client for the vault', () => {
  const sessions = loadedBy(['sessions']);
  assert.ok(sessions.operations.includes('session.start'));
  assert.ok(has(sessions.loaded, '/src/core/sessions/service.ts'));
  assert.ok(!has(sessions.loaded, '/src/core/vault/'), 'sessions loaded vault code');

  const vault = loadedBy(['vault']);
  assert.deepEqual(vault.operations, ['vault.health', 'vault.link.retarget', 'vault.note.create', 'vault.backup', 'vault.verify', 'vault.restore', 'vault.repair', 'vault.undo']);
  assert.ok(!has(vault.loaded, '/src/core/sessions/'), 'the vault loaded sessions code');
  assert.ok(!has(vault.loaded, '/node_modules/dockerode/'), 'the vault loaded dockerode');
});

test('dockerode is loaded by the first connection to an engine, not by the sessions code', () => {
  assert.ok(!has(loadedBy(['sessions', 'doctor']).loaded, '/node_modules/dockerode/'));
  const connected = loadedBy(['doctor'], `require(${JSON.stringify(join(__dirname, '..', '..', 'src', 'core', 'sessions', 'docker', 'engine.ts'))}).connectDocker({ explicitHost: 'unix:///nowhere.sock' })`);
  assert.ok(has(connected.loaded, '/node_modules/dockerode/'));
});
