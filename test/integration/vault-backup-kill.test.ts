// A backup killed with SIGKILL (no handler runs, no cleanup) at random points of its writing:
// nothing may appear under the final name, and a backup already there stays intact.
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { once } from 'node:events';
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { after, test } from 'node:test';
import { exited, prose } from '../support/backups.js';
import { seededRandom } from '../support/random.js';

const REPO = join(__dirname, '..', '..');
const work = mkdtempSync(join(tmpdir(), 'berth-backup-kill-'));
after(() => rmSync(work, { recursive: true, force: true }));

// The built CLI, as a person runs it (scripts/test.ts builds dist/ first): tsx's own cache would be
// one more file a kill could interrupt.
const cli = (args: string[]) => [process.execPath, [join(REPO, 'dist', 'cli.js'), ...args]] as const;
const env = { ...process.env, XDG_STATE_HOME: join(work, 'state'), XDG_CACHE_HOME: join(work, 'cache') };

function berth(args: string[]) {
  const [command, argv] = cli(args);
  const result = spawnSync(command, argv, { encoding: 'utf8', env, timeout: 120_000 });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

const digest = (path: string) => createHash('sha256').update(readFileSync(path)).digest('hex');

/** A vault that takes a second or two to back up: 160 MB that does not compress, and 2,000 notes. */
function makeVault(root: string): void {
  const rand = seededRandom(3);
  mkdirSync(join(root, 'attachments'), { recursive: true });
  for (let i = 0; i < 8; i++) writeFileSync(join(root, 'attachments', `scan-${i}.pdf`), randomBytes(20 * 1024 * 1024));
  for (let f = 0; f < 20; f++) {
    mkdirSync(join(root, `area-${f}`));
    for (let i = 0; i < 100; i++) writeFileSync(join(root, `area-${f}`, `Note ${i}.md`), `# Note ${i}\n${prose(rand, 300)}\n`);
  }
}

/** Starts a backup to `out`, waits until its temporary file exists, waits a random while more, and kills it. */
async function killMidway(vault: string, out: string, rand: () => number): Promise<{ delay: number; pid: number }> {
  const [command, argv] = cli(['vault', 'backup', vault, '--out', out]);
  const child = spawn(command, argv, { env, stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  try {
    const folder = join(out, '..');
    const deadline = Date.now() + 60_000;
    // Its own temporary file, named with its process id: an older one may still lie there.
    const own = `.vault.tar.gz.${child.pid}.`;
    while (!readdirSync(folder).some((name) => name.startsWith(own) && name.endsWith('.partial'))) {
      if (child.exitCode !== null) {
        await once(child.stderr!, 'end');
        assert.fail(`the backup ended (status ${child.exitCode}) before it began writing: ${stderr}`);
      }
      assert.ok(Date.now() < deadline, `no temporary file appeared: ${stderr}`);
      await sleep(5);
    }
    const delay = Math.floor(rand() * 1500);
    await sleep(delay);
    child.kill('SIGKILL');
    return { delay, pid: child.pid! };
  } finally {
    if (child.exitCode === null) child.kill('SIGKILL');
    await exited(child);
  }
}

test('SIGKILL at random points of a backup: no file under the final name, and the previous backup intact', { timeout: 600_000 }, async () => {
  const vault = join(work, 'vault');
  makeVault(vault);
  const folder = join(work, 'backups');
  mkdirSync(folder);
  const out = join(folder, 'vault.tar.gz');
  const rand = seededRandom(Number(process.env.BERTH_KILL_SEED ?? Date.now() % 100_000));

  // No backup yet: a killed one leaves nothing under the name (unless it had renamed: then it is whole).
  for (let round = 0; round < 3; round++) {
    const { delay } = await killMidway(vault, out, rand);
    if (existsSync(out)) {
      assert.equal(berth(['vault', 'verify', out]).code, 0, `killed ${delay} ms in, after the rename: the file must be whole`);
      rmSync(out);
    }
  }

  const first = berth(['vault', 'backup', vault, '--out', out]);
  assert.equal(first.code, 0, first.stderr);
  const firstVerified = berth(['vault', 'verify', out]);
  assert.equal(firstVerified.code, 0, firstVerified.stderr);
  const previous = digest(out);
  let survived = 0;
  for (let round = 0; round < 5; round++) {
    const { delay, pid } = await killMidway(vault, out, rand);
    assert.ok(existsSync(out), `killed ${delay} ms in: the previous backup is gone`);
    if (digest(out) === previous) {
      survived++;
      assert.ok(readdirSync(folder).some((name) => name.startsWith(`.vault.tar.gz.${pid}.`)), 'the killed run left its temporary file, not a file under the name');
    } else assert.equal(berth(['vault', 'verify', out]).code, 0, `killed ${delay} ms in: the file under the name is neither the previous backup nor a whole new one`);
  }
  assert.ok(survived > 0, 'at least one kill landed before the rename');
  const verified = berth(['vault', 'verify', out]);
  assert.equal(verified.code, 0, verified.stderr);

  // The next run into the folder removes what killed runs left.
  const next = berth(['vault', 'backup', vault, '--out', out]);
  assert.equal(next.code, 0, next.stderr);
  assert.deepEqual(readdirSync(folder), ['vault.tar.gz']);
});
