import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { cpSync, readdirSync, readFileSync } from 'node:fs';
import { chown, mkdir, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { createOperationCatalog } from '../../src/core/catalog.js';
import { BerthError } from '../../src/core/errors.js';
import { silentContext, type OperationContext, type OperationRegistry } from '../../src/core/operations.js';
import { LABEL } from '../../src/core/sessions/labels.js';
import { buildSpec } from '../../src/core/sessions/spec.js';
import { defaultSettings } from '../../src/core/sessions/settings.js';
import { CLI_PATH, cliContainerOptions, runCliInContainer } from '../../src/core/vault/container/runCli.js';
import { busyboxImage } from '../support/images.js';
import { NODE_IMAGE, nodeImage } from '../support/nodeImage.js';
import { REPO, sessionSandbox } from '../support/sessions.js';

// The built CLI is what gets mounted (scripts/test.ts builds dist/ first).
const DIST = join(REPO, 'dist');
const FIXTURES = join(REPO, 'test', 'fixtures');
let box: Awaited<ReturnType<typeof sessionSandbox>>;
let vault: OperationRegistry;

before(async () => {
  await nodeImage();
  box = await sessionSandbox({ settings: { image: NODE_IMAGE, stopGraceSeconds: 1 } });
  vault = createOperationCatalog({ sessions: box.service }, ['vault']);
});
after(async () => box.cleanup());

const context = (extra: Partial<OperationContext> = {}) => ({ ...silentContext('test', box.root), ...extra });
/** What of a result differs between two runs whatever ran them (the compressed size too: the manifest holds the time). */
const timeless = <T extends object>(output: T) => ({ ...output, seconds: 0, createdAt: '', file: '', archiveBytes: 0 });

function cli(args: string[], env: NodeJS.ProcessEnv = {}) {
  const result = spawnSync(process.execPath, [join(DIST, 'cli.js'), ...args], { env: { ...box.env, BERTH_IMAGE: NODE_IMAGE, ...env }, encoding: 'utf8', timeout: 60_000 });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

async function containersOf(path: string) {
  return box.docker.listContainers({ all: true, filters: { label: [`${LABEL.workspace}=${path}`] } });
}

test('vault health --in-container prints exactly what a local run prints, on every fixture vault', { timeout: 120_000 }, async () => {
  const vaults = (await readdir(FIXTURES, { withFileTypes: true })).filter((entry) => entry.isDirectory()).map((entry) => join(FIXTURES, entry.name));
  assert.ok(vaults.length >= 2, vaults.join(', '));
  for (const dir of vaults) {
    const local = cli(['vault', 'health', dir, '--json']);
    const contained = cli(['vault', 'health', dir, '--json', '--in-container']);
    assert.equal(contained.code, local.code, contained.stderr);
    // The vault is mounted at its own path, so not even the paths need normalizing.
    assert.equal(contained.stdout, local.stdout, dir);
    assert.ok(JSON.parse(local.stdout).notes > 0, dir);
    const text = cli(['vault', 'health', dir, '--in-container', '--exclude', 'Templates/**']);
    assert.equal(text.stdout, cli(['vault', 'health', dir, '--exclude', 'Templates/**']).stdout, `${dir}, as text with an exclude`);
    assert.deepEqual(await containersOf(dir), [], 'the container is removed');
  }
});

test('the operation gives the same report in a container, and --min-score fails the same way', { timeout: 60_000 }, async () => {
  const dir = join(FIXTURES, 'vault-edge-cases');
  const local = await vault.invoke('vault.health', { dir, minScore: 99 }, context());
  const warnings: string[] = [];
  const contained = await vault.invoke('vault.health', { dir, minScore: 99, inContainer: true }, context({ warn: (message) => warnings.push(message) }));
  assert.deepEqual(contained, local);
  assert.equal((contained as { passed: boolean }).passed, false);
  assert.match(warnings.join('\n'), /below --min-score 99/);
});

test('a backup made in a container verifies, and holds what a local backup holds', { timeout: 60_000 }, async () => {
  const dir = join(FIXTURES, 'vault-edge-cases');
  const out = join(box.root, 'backups');
  await mkdir(out);
  const contained = (await vault.invoke('vault.backup', { dir, out: `${out}/`, inContainer: true }, context())) as { file: string; vault: { path: string } };
  assert.equal(contained.file.startsWith(`${out}/vault-edge-cases-`), true, contained.file);
  const verified = (await vault.invoke('vault.verify', { file: contained.file }, context())) as { files: number };
  const local = await vault.invoke('vault.backup', { dir, out: join(box.root, 'local.tar.gz') }, context());
  assert.deepEqual(timeless(contained), timeless(local as object));
  assert.equal(verified.files, (local as { files: number }).files);

  // The CLI's default folder: the state folder's backups, with retention, as locally.
  const first = cli(['vault', 'backup', dir, '--in-container', '--json', '--keep', '1']);
  assert.equal(first.code, 0, first.stderr);
  const second = JSON.parse(cli(['vault', 'backup', dir, '--in-container', '--json', '--keep', '1']).stdout) as { file: string; removed: string[] };
  assert.match(second.file, new RegExp(`^${box.env.XDG_STATE_HOME}/berth/backups/vault-edge-cases-[0-9a-f]{8}/`));
  assert.deepEqual(second.removed, [JSON.parse(first.stdout).file]);
  assert.equal(cli(['vault', 'verify', second.file]).code, 0);
});

test('the container is a hardened session without network, seeing the vault read-only and only the output folder writable', { timeout: 60_000 }, async () => {
  const spec = buildSpec({ workspace: '/v', agent: 'shell', mount: 'ro', network: 'none', detach: true, command: ['node'] }, { ...defaultSettings(), image: NODE_IMAGE }, { invoker: { uid: 1000, gid: 1000, groups: [] }, secrets: {}, insideContainer: true });
  const options = cliContainerOptions(spec, 'abc', { mounts: [{ source: '/v', target: '/v', readOnly: true }, { source: '/o', target: '/o', readOnly: false }], workingDir: '/v', bundle: DIST });
  const host = options.HostConfig!;
  assert.deepEqual(host.CapDrop, ['ALL']);
  assert.equal(host.Privileged, false);
  assert.equal(host.ReadonlyRootfs, true);
  assert.equal(host.NetworkMode, 'none');
  assert.deepEqual(host.SecurityOpt, ['no-new-privileges:true']);
  assert.deepEqual(host.Binds, []);
  assert.deepEqual(
    host.Mounts!.map((m) => [m.Source, m.Target, m.ReadOnly]),
    [['/v', '/v', true], ['/o', '/o', false], [join(DIST, 'cli.js'), `${CLI_PATH}/cli.js`, true], [join(DIST, 'cli-engine.js'), `${CLI_PATH}/cli-engine.js`, true]],
  );
  assert.ok(!JSON.stringify(options).includes('docker.sock'));
  const cached = cliContainerOptions(spec, 'abc', { mounts: [], workingDir: '/v', bundle: DIST, codeCache: '/c' });
  assert.deepEqual(cached.HostConfig!.Mounts!.at(-1), { Type: 'bind', Source: '/c', Target: `${CLI_PATH}/cache/berth/code-cache`, ReadOnly: true }, 'the host’s code cache only read-only');
  assert.equal(options.Labels![LABEL.session], 'abc', 'labelled as a session, so that gc finds one left behind');

  // For real: a backup into the vault itself, mounted read-only, cannot be written.
  const dir = join(FIXTURES, 'demo-vault');
  const run = await runCliInContainer(box.service, { args: ['vault', 'backup', dir, `--out=${dir}/nope.tar.gz`], mounts: [{ source: dir, target: dir, readOnly: true }], workingDir: dir, origin: 'test' });
  assert.equal(run.exitCode, 1);
  assert.match(run.stderr, /read-only file system/i);
});

test('--verbose prints the isolation report of the same image above the result', { timeout: 60_000 }, async () => {
  const dir = join(FIXTURES, 'demo-vault');
  const person = cli(['vault', 'health', dir, '--in-container', '--verbose'], { BERTH_SESSION_USER: '1000:1000' });
  assert.equal(person.code, 0, person.stderr);
  assert.match(person.stdout, new RegExp(`^Session: ${NODE_IMAGE.replace(/\./g, '\\.')}, network none, user 1000:1000`));
  assert.match(person.stdout, /All 8 checks passed\.\n\nVault /);
  // The output folder must be theirs: the container writes as they do, without capabilities.
  const theirs = join(box.root, 'theirs');
  await mkdir(theirs);
  await chown(theirs, 1000, 1000);
  const backup = cli(['vault', 'backup', dir, '--in-container', '--verbose', '--json', `--out=${theirs}/v.tar.gz`], { BERTH_SESSION_USER: '1000:1000' });
  assert.equal(backup.code, 0, backup.stderr);
  const json = JSON.parse(backup.stdout) as { isolation: { passed: boolean } };
  assert.equal(json.isolation.passed, true);
  // As root (the person running these tests) the report says so, and the vault result still comes.
  const root = cli(['vault', 'health', dir, '--in-container', '--verbose']);
  assert.equal(root.code, 0);
  assert.match(root.stdout, /User not root\s+FAILED/);
  assert.match(root.stderr, /berth: warning: The container's isolation report has failed rows: User not root/);
});

test('what is missing is named with what to do', { timeout: 60_000 }, async () => {
  const dir = join(FIXTURES, 'demo-vault');
  const noImage = cli(['vault', 'health', dir, '--in-container'], { BERTH_IMAGE: 'berth-test/no-such-image:1' });
  assert.equal(noImage.code, 1);
  assert.match(noImage.stderr, /The image berth-test\/no-such-image:1 is not on this engine.*berth image build/);
  const noBundle = cli(['vault', 'health', dir, '--in-container'], { BERTH_CLI_BUNDLE: join(box.root, 'nowhere') });
  assert.equal(noBundle.code, 1);
  assert.match(noBundle.stderr, /Berth's built CLI \(cli\.js and cli-engine\.js\) is not in .*node esbuild\.mjs/);
  const noNode = await vault.invoke('vault.health', { dir, inContainer: true }, context()).catch((error: unknown) => error);
  assert.ok(!(noNode instanceof Error), 'the node image runs it');
  const noNodeBox = await sessionSandbox({ settings: { image: await busyboxImage() } });
  const failed = await createOperationCatalog({ sessions: noNodeBox.service }, ['vault'])
    .invoke('vault.health', { dir, inContainer: true }, context())
    .catch((error: unknown) => error)
    .finally(() => noNodeBox.cleanup());
  assert.ok(failed instanceof BerthError && failed.code === 'CONTAINER_RUN_FAILED', String(failed));
  assert.match(failed.message, /could not run node \(exit 127\)/);
  const missing = cli(['vault', 'health', join(box.root, 'no-vault'), '--in-container']);
  assert.equal(missing.code, 2);
  assert.match(missing.stderr, /No folder at/);
});

test('every command README\'s "In a container" documents runs as it says', { timeout: 120_000 }, async () => {
  const home = join(box.root, 'home');
  cpSync(join(FIXTURES, 'demo-vault'), join(home, 'Notes'), { recursive: true });
  const readme = readFileSync(join(REPO, 'README.md'), 'utf8');
  const block = /```console\n([\s\S]*?)```/.exec(readme.slice(readme.indexOf('### In a container')))![1]!;
  const commands = block
    .split('\n')
    .filter((line) => line.startsWith('$ berth '))
    .map((line) => line.slice('$ berth '.length).trim().split(/\s+/).map((word) => word.replace(/^~(?=\/|$)/, home)));
  assert.equal(commands.length, 4);
  const outputs = commands.map((args) => {
    const result = cli(args, { HOME: home });
    assert.equal(result.code, 0, `berth ${args.join(' ')}: ${result.stderr}`);
    return result.stdout;
  });
  assert.match(outputs[0]!, /^Vault .*\/Notes\n/);
  assert.match(outputs[1]!, /^Session: .*\nCHECK/);
  assert.match(outputs[2]!, new RegExp(`to ${home}/Backups/Notes-`));
  assert.match(outputs[3]!, /^Repair of .*\/Notes \(score \d+\)\n[\s\S]*Nothing to repair\./);
  assert.equal(cli(['vault', 'verify', readdirSync(join(home, 'Backups')).map((name) => join(home, 'Backups', name))[0]!]).code, 0);
});

test('vault repair --in-container plans what a local run plans, applies with the vault writable only then, and berth vault undo on the host takes it back byte for byte', { timeout: 180_000 }, async () => {
  const dir = join(box.root, 'repair-vault');
  cpSync(join(FIXTURES, 'demo-vault'), dir, { recursive: true });
  const files = () => Object.fromEntries(readdirSync(dir, { recursive: true, encoding: 'utf8' }).sort().map((path) => [path, spawnSync('sha256sum', [join(dir, path)], { encoding: 'utf8' }).stdout.split(' ')[0]]));
  const before = files();
  // The demo vault's broken link names no note close enough: the repair creates it as a stub.
  const local = cli(['vault', 'repair', dir, '--json', '--stub', 'Reading List']);
  const contained = cli(['vault', 'repair', dir, '--json', '--stub', 'Reading List', '--in-container']);
  assert.equal(contained.code, 0, contained.stderr);
  assert.deepEqual(JSON.parse(contained.stdout), JSON.parse(local.stdout), 'the same plan, the same digest');
  const plan = JSON.parse(local.stdout) as { changes: unknown[] };
  assert.equal(plan.changes.length, 1, local.stdout);
  assert.deepEqual(files(), before, 'a plan writes nothing');

  const applied = cli(['vault', 'repair', dir, '--json', '--stub', 'Reading List', '--apply', '--in-container']);
  assert.equal(applied.code, 0, applied.stderr);
  const result = JSON.parse(applied.stdout) as { applied: { backup: string | null; scoreAfter: number } | null; score: number };
  assert.ok(result.applied && result.applied.scoreAfter > result.score, applied.stdout);
  assert.notDeepEqual(files(), before, 'the repair wrote the vault');
  assert.equal(cli(['vault', 'verify', result.applied.backup!]).code, 0, 'its backup, made in the container, verifies on the host');
  const undone = cli(['vault', 'undo', dir]);
  assert.equal(undone.code, 0, undone.stderr);
  assert.deepEqual(files(), before, 'undo on the host restores every byte');
  assert.deepEqual(await containersOf(dir), [], 'the container is removed');
});
