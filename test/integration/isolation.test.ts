import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { createIsolationOperation } from '../../src/core/isolation/operation.js';
import type { IsolationReport } from '../../src/core/isolation/check.js';
import { LABEL } from '../../src/core/sessions/labels.js';
import { OperationRegistry, silentContext } from '../../src/core/operations.js';
import { BUSYBOX_IMAGE, busyboxImage } from '../support/images.js';
import { cli, REPO, sessionSandbox } from '../support/sessions.js';

/**
 * The tests run as root, and sessions run as the person who starts them: the sandbox stands for a
 * person with uid 1000 (BERTH_SESSION_USER), whose default sessions must pass every row.
 */
const PERSON = '1000:1000';
let box: Awaited<ReturnType<typeof sessionSandbox>>;
let registry: OperationRegistry;

before(async () => {
  await busyboxImage();
  box = await sessionSandbox({ settings: { image: BUSYBOX_IMAGE, stopGraceSeconds: 1, user: PERSON } });
  registry = new OperationRegistry([createIsolationOperation(box.service)]);
});
after(async () => box.cleanup());

/** Containers left by isolation checks: their workspaces are the checks' scratch folders. */
async function leftovers(): Promise<string[]> {
  const all = await box.docker.listContainers({ all: true, filters: { label: [LABEL.session] } });
  return all.filter((c) => (c.Labels[LABEL.workspace] ?? '').startsWith(join(tmpdir(), 'berth-isolation-'))).map((c) => c.Id);
}

const check = (input: Record<string, unknown>) => registry.invoke('isolation.check', input, silentContext('test', box.root)) as Promise<IsolationReport>;
const failedRows = (report: IsolationReport) => report.rows.filter((row) => !row.passed).map((row) => row.id);

test('the default hardening passes every row, each saying what it tried and saw', { timeout: 60_000 }, async () => {
  const before = await leftovers();
  const report = await check({});
  assert.deepEqual(failedRows(report), [], JSON.stringify(report.rows, null, 2));
  assert.equal(report.passed, true);
  assert.equal(report.user, PERSON);
  assert.deepEqual(report.rows.map((row) => row.id), ['pid', 'uid', 'capabilities', 'rootfs', 'hostPaths', 'network', 'pidsLimit', 'memoryLimit']);
  const row = (id: string) => report.rows.find((r) => r.id === id)!;
  assert.match(row('pid').tried, new RegExp(`pid ${process.pid}\\b`));
  assert.match(row('pid').observed, new RegExp(`pid ${process.pid} absent`));
  assert.equal(row('uid').observed, 'uid 1000');
  assert.match(row('capabilities').observed, /^all zero/);
  assert.match(row('rootfs').observed, /^refused: .*Read-only file system/i);
  assert.equal(row('network').observed, 'interfaces: lo');
  assert.match(row('pidsLimit').observed, /pids\.max: 512$/);
  assert.match(row('memoryLimit').observed, /: 4096 MiB$/);
  assert.deepEqual(await leftovers(), before, 'the probed session is removed');
});

test('--network host fails the network row, and only it', { timeout: 60_000 }, async () => {
  const report = await check({ network: 'host' });
  assert.deepEqual(failedRows(report), ['network']);
  assert.match(report.rows.find((r) => r.id === 'network')!.observed, /interfaces: .*\blo\b.*,/);
  assert.equal(report.passed, false);
});

test('a root user fails the uid row, and only it: root without capabilities still cannot write the root filesystem', { timeout: 60_000 }, async () => {
  const report = await check({ user: 'root' });
  assert.deepEqual(failedRows(report), ['uid']);
  assert.equal(report.rows.find((r) => r.id === 'uid')!.observed, 'uid 0: root');
  assert.equal(report.user, '0:0');
});

test('lower limits are the ones the probes find', { timeout: 60_000 }, async () => {
  const small = await sessionSandbox({ settings: { image: BUSYBOX_IMAGE, stopGraceSeconds: 1, user: PERSON, limits: { pids: 64, memoryBytes: 256 * 1024 ** 2, cpus: 1 } } });
  try {
    const report = (await new OperationRegistry([createIsolationOperation(small.service)]).invoke('isolation.check', {}, silentContext('test', small.root))) as IsolationReport;
    assert.equal(report.passed, true);
    assert.match(report.rows.find((r) => r.id === 'pidsLimit')!.observed, /: 64$/);
    assert.match(report.rows.find((r) => r.id === 'memoryLimit')!.observed, /: 256 MiB$/);
  } finally {
    await small.cleanup();
  }
});

test('berth isolation check prints the table and exits 1 when a row fails', { timeout: 90_000 }, async () => {
  const env = { ...box.env, BERTH_SESSION_USER: PERSON };
  const ok = await cli(['isolation', 'check', '--image', BUSYBOX_IMAGE], { env });
  assert.equal(ok.code, 0, ok.stderr);
  assert.match(ok.stdout, /^CHECK\s+RESULT\s+TRIED\s+OBSERVED$/m);
  assert.match(ok.stdout, /^PID namespace\s+passed\s+listed \/proc/m);
  assert.match(ok.stdout, /All 8 checks passed\./);

  const relaxed = await cli(['isolation', 'check', '--image', BUSYBOX_IMAGE, '--network', 'host', '--user', 'root'], { env });
  assert.equal(relaxed.code, 1, relaxed.stderr);
  assert.match(relaxed.stdout, /^User not root\s+FAILED\s+ran id -u\s+uid 0: root$/m);
  assert.match(relaxed.stdout, /^No network but loopback\s+FAILED/m);
  assert.match(relaxed.stdout, /2 of 8 checks FAILED: User not root, No network but loopback\./);

  const json = await cli(['isolation', 'check', '--image', BUSYBOX_IMAGE, '--json'], { env });
  assert.equal(json.code, 0, json.stderr);
  assert.equal((JSON.parse(json.stdout) as IsolationReport).passed, true);

  const wrong = await cli(['isolation', 'check', '--user', 'admin'], { env });
  assert.equal(wrong.code, 2);
  assert.match(wrong.stderr, /root or uid:gid/);
});

test('every command README\'s "Isolation report" documents runs as it says', { timeout: 120_000 }, async () => {
  const readme = readFileSync(join(REPO, 'README.md'), 'utf8');
  const block = /```console\n([\s\S]*?)```/.exec(readme.slice(readme.indexOf('### Isolation report')))![1]!;
  const commands = block.split('\n').filter((line) => line.startsWith('$ berth ')).map((line) => line.slice('$ berth '.length).trim().split(/\s+/));
  assert.deepEqual(commands.map((args) => args.join(' ')), ['isolation check', 'isolation check --network host', 'isolation check --user root --json']);
  const env = { ...box.env, BERTH_SESSION_USER: PERSON, BERTH_IMAGE: BUSYBOX_IMAGE };
  const results = [];
  for (const args of commands) results.push(await cli(args, { env }));
  assert.deepEqual(results.map((r) => r.code), [0, 1, 1], results.map((r) => r.stderr).join('\n'));
  // The output shown under the first command is what it prints, but for the pids and the scratch names.
  const shown = block.split('\n').slice(1, block.split('\n').findIndex((line, i) => i > 0 && line.startsWith('$ ')));
  const normalize = (text: string) => text.replace(/pid \d+/g, 'pid N').replace(/processes visible \([\d, ]+\)/, 'processes visible (P)').replace(/isolation-\w+\/host-only-[0-9a-f]+/, 'isolation-X/host-only-X').replace(/\(\d+\.\d s\)/, '(T)').replace(/ +/g, ' ');
  assert.deepEqual(results[0]!.stdout.trim().split('\n').map(normalize), shown.map(normalize));
  assert.deepEqual(failedRows(JSON.parse(results[2]!.stdout) as IsolationReport), ['uid']);
});
