import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { runCli } from '../../src/cli/main.js';

// The built CLI as a user runs it (scripts/test.ts builds dist/ first).
const dist = join(__dirname, '..', '..', 'dist');
const root = mkdtempSync(join(tmpdir(), 'berth-cli-bundle-'));
after(() => rmSync(root, { recursive: true, force: true }));

function run(cli: string, args: string[], env: NodeJS.ProcessEnv = process.env) {
  const result = spawnSync(process.execPath, [cli, ...args], { env, encoding: 'utf8', timeout: 20_000 });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** The CLI from source in this process: its command table computed from the catalog, not baked. */
async function fromSource(args: string[]) {
  const text = { stdout: '', stderr: '' };
  const code = await runCli(args, { write: (chunk, stream) => (text[stream] += String(chunk)), isTTY: false });
  return { code, ...text };
}

test('dist/cli.js on its own, without the engine beside it, answers help, --version and usage errors as the source does', async () => {
  const cli = join(root, 'cli.js');
  copyFileSync(join(dist, 'cli.js'), cli);
  // The schema library alone is larger than this: the entry holds the command table, not the operations.
  assert.ok(statSync(join(dist, 'cli.js')).size < 150_000, `dist/cli.js is ${statSync(join(dist, 'cli.js')).size} bytes`);
  const commands = (await fromSource(['--help'])).stdout.split('\n').flatMap((line) => /^ {2}([a-z][a-z ]*[a-z]) {2,}/.exec(line)?.[1] ?? []);
  assert.ok(commands.includes('session start') && commands.includes('vault health'), commands.join(', '));
  const invocations = [
    ['--help'],
    ['--version'],
    ['session'],
    ['vault', '--help'],
    ...commands.map((command) => [...command.split(' '), '--help']),
    ['sesion', 'list'],
    ['vault', 'health', '--exclud', 'x'],
    ['session', 'start', '--memory-mb', 'lots'],
    ['session', 'list', 'extra'],
  ];
  for (const args of invocations) assert.deepEqual(run(cli, args), await fromSource(args), args.join(' '));
});

test('dist/cli.js runs a command through dist/cli-engine.js, whose code cache the next run uses as it is', () => {
  const cache = join(root, 'cache');
  const env = { ...process.env, XDG_CACHE_HOME: cache };
  const vault = join(__dirname, '..', 'fixtures', 'demo-vault');
  const first = run(join(dist, 'cli.js'), ['vault', 'health', vault, '--json'], env);
  assert.equal(first.code, 0, first.stderr);
  assert.equal(JSON.parse(first.stdout).notes, 3);
  const folder = join(cache, 'berth', 'code-cache');
  const [name, ...others] = readdirSync(folder);
  assert.match(name ?? '', /^cli-engine-vault-[0-9a-f]{16}\.v8$/);
  assert.deepEqual(others, []);
  const written = statSync(join(folder, name!));

  const second = run(join(dist, 'cli.js'), ['vault', 'health', vault, '--json'], env);
  assert.equal(second.code, 0, second.stderr);
  assert.equal(second.stdout, first.stdout);
  const reread = statSync(join(folder, name!));
  assert.deepEqual([reread.ino, reread.mtimeMs], [written.ino, written.mtimeMs], 'V8 refused the cache, so it was written again');
});

test('an ssh:// engine loads the ssh client, a bundle of its own (dist/docker-ssh.js), on its first connection', () => {
  assert.ok(statSync(join(dist, 'cli-engine.js')).size < 2_500_000, `dist/cli-engine.js is ${statSync(join(dist, 'cli-engine.js')).size} bytes: did ssh2 go back in?`);
  // Port 1 on loopback refuses at once: the refusal comes from the ssh client, which therefore loaded.
  const result = run(join(dist, 'cli.js'), ['session', 'list'], { ...process.env, DOCKER_HOST: 'ssh://nobody@127.0.0.1:1', BERTH_PROVIDER: 'docker' });
  assert.equal(result.code, 1, result.stderr);
  assert.match(result.stderr, /No Docker engine at ssh:\/\/nobody@127\.0\.0\.1:1: the connection was refused/);
  assert.doesNotMatch(result.stderr, /Cannot find module/);
});
