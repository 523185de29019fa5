import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { test } from 'node:test';

const REPO = join(__dirname, '..', '..');
const REAL = join(REPO, 'src', 'cli', 'main.ts');
/** The same process entry with the test operations (test/support/cliOperations.ts). */
const FIXTURE = join(REPO, 'test', 'support', 'cliFixture.ts');
/**
 * util-linux `script` runs a command on a pseudo-terminal, as a person's shell would. It comes with
 * Debian's essential bsdutils; a machine without it fails these tests saying so, never skips them.
 */
function needScript(): void {
  if (spawnSync('script', ['--version']).status !== 0) throw new Error('These tests need util-linux `script` (Debian: apt-get install bsdutils).');
}

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs a CLI entry as a child process with piped stdio; `onStderr` sees stderr as it comes. */
function run(entry: string, args: string[], options: { stdin?: string; onStderr?: (text: string, child: ReturnType<typeof spawn>) => void } = {}): Promise<Run> {
  const child = spawn(process.execPath, ['--import', 'tsx', entry, ...args], { cwd: REPO, stdio: 'pipe' });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
    options.onStderr?.(stderr, child);
  });
  child.stdin.end(options.stdin ?? '');
  const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
  return new Promise((resolve) =>
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    }),
  );
}

/** Runs a CLI entry on a pseudo-terminal; what it wrote to stdout and stderr comes back as one text. */
function onTerminal(entry: string, args: string[], typed = ''): Run {
  const quote = (word: string) => `'${word.replace(/'/g, `'\\''`)}'`;
  const command = [process.execPath, '--import', 'tsx', entry, ...args].map(quote).join(' ');
  const result = spawnSync('script', ['-qfec', command, '/dev/null'], { cwd: REPO, input: typed, encoding: 'utf8', timeout: 60_000 });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

test('berth session, berth session --help and berth vault show the group’s commands', async () => {
  const [bare, help, vault] = await Promise.all([run(REAL, ['session']), run(REAL, ['session', '--help']), run(REAL, ['vault'])]);
  for (const result of [bare, help]) {
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stdout, /^Usage: berth session <command> \[options\]\n\nCommands:\n {2}start +Start a session\n/);
  }
  assert.equal(vault.code, 0, vault.stderr);
  assert.match(vault.stdout, /\n {2}health +Scan a vault/);
});

test('usage errors: one line, exit status 2, and the --version still answers', async () => {
  const [typo, missing, flag, version] = await Promise.all([
    run(REAL, ['sesion', 'list']),
    run(REAL, ['session', 'stop']),
    run(REAL, ['vault', 'health', '--exclud', 'x']),
    run(REAL, ['--version']),
  ]);
  assert.deepEqual(typo, { code: 2, stdout: '', stderr: 'berth: unknown command "sesion" (did you mean "session"?). Run "berth --help" for usage.\n' });
  assert.equal(missing.code, 2);
  assert.match(missing.stderr, /^berth session stop: missing <ids?>: [^\n]+\. Run "berth session stop --help" for usage\.\n$/);
  assert.deepEqual(flag, { code: 2, stdout: '', stderr: 'berth vault health: unknown flag --exclud (did you mean --exclude?). Run "berth vault health --help" for usage.\n' });
  assert.equal(version.code, 0);
  assert.match(version.stdout, /^\d+\.\d+\.\d+\n$/);
});

test('-- hands --help and --json to the command, not to Berth', async () => {
  const result = await run(FIXTURE, ['box', 'exec', 'b1', '--', 'grep', '--help', '--json']);
  assert.deepEqual(result, { code: 0, stdout: 'b1 ["grep","--help","--json"]\n', stderr: '' });
});

test('Ctrl-C aborts the operation: one line and exit status 130', async () => {
  let sent = false;
  const result = await run(FIXTURE, ['box', 'watch', '--hang'], {
    onStderr: (text, child) => {
      if (!sent && text.includes('ready')) {
        sent = true;
        child.kill('SIGINT');
      }
    },
  });
  assert.deepEqual(result, { code: 130, stdout: '', stderr: 'ready\nberth box watch: interrupted\n' });
});

test('piped stdin reaches the operation through the terminal it is lent; nobody can confirm', async () => {
  const attach = await run(FIXTURE, ['box', 'attach'], { stdin: 'abc\n' });
  assert.equal(attach.code, 0, attach.stderr);
  assert.deepEqual(JSON.parse(attach.stdout), { terminal: true, isTTY: false, size: { columns: 80, rows: 24 }, read: 'abc\n' });
  assert.deepEqual(await run(FIXTURE, ['box', 'stop', 'a']), { code: 1, stdout: '', stderr: 'berth box stop: Nobody can confirm here. Pass --yes.\n' });
});

test('on a terminal: progress stays on one line, confirm asks and reads the answer', () => {
  needScript();
  const watched = onTerminal(FIXTURE, ['box', 'watch']);
  assert.equal(watched.code, 0, watched.stdout);
  assert.equal(watched.stdout, '\r\u001b[2K… step 1 33%\r\u001b[2K… step 2 67%\r\u001b[2K… step 3 100%\r\u001b[2Kwatched 3 steps\r\n');

  const stopped = onTerminal(FIXTURE, ['box', 'stop', 'a', 'b'], 'y\n');
  assert.equal(stopped.code, 0, stopped.stdout);
  assert.match(stopped.stdout, /Stop 2 boxes\? \[y\/N\] /);
  assert.match(stopped.stdout, /stopped a b\r\n$/);
});

test('Ctrl-C at a question on a terminal interrupts the run: exit status 130', async () => {
  needScript();
  const command = [process.execPath, '--import', 'tsx', FIXTURE, 'box', 'stop', 'a'].join(' ');
  const child = spawn('script', ['-qfec', command, '/dev/null'], { cwd: REPO, stdio: 'pipe' });
  let seen = '';
  child.stdout.on('data', (chunk: Buffer) => {
    seen += chunk.toString();
    // Typed once the question is up: readline then reads it as a key, not the terminal as a signal.
    if (seen.includes('[y/N]') && !child.stdin.writableEnded) child.stdin.end('\u0003');
  });
  const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
  const code = await new Promise((resolve) => child.on('close', resolve));
  clearTimeout(timer);
  assert.equal(code, 130, seen);
  assert.match(seen, /Stop 1 boxes\? \[y\/N\] [^\n]*\nberth box stop: interrupted\r\n$/);
});

test('a real vault health on a terminal prints no line per progress update', () => {
  needScript();
  const scan = onTerminal(REAL, ['vault', 'health', join('test', 'fixtures', 'demo-vault')]);
  assert.equal(scan.code, 0, scan.stdout);
  assert.match(scan.stdout, /\r\u001b\[2K…/);
  assert.doesNotMatch(scan.stdout, /…[^\r\n]*\r?\n/);
  assert.match(scan.stdout, /Score 51\/100/);
});
