// The repair commands as a person types them: every command of README's "Repair" section, in
// order, by the real CLI entry (src/cli/main.ts through tsx) with a home folder of the test's own,
// on the demo vault kept in git with a note renamed since; then the failures a person must read.
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { cpSync, existsSync, lstatSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { pathToFileURL } from 'node:url';
import { readmeCommands } from '../support/readme.js';

const REPO = join(__dirname, '..', '..');
const home = mkdtempSync(join(tmpdir(), 'berth-repair-cli-'));
after(() => rmSync(home, { recursive: true, force: true }));

// HOME decides where backups and the journal go: no XDG_STATE_HOME, as on a fresh machine.
const { XDG_STATE_HOME: _state, ...inherited } = process.env;
const env = { ...inherited, HOME: home, XDG_CACHE_HOME: join(home, '.cache') };

function berth(args: string[], extraEnv: NodeJS.ProcessEnv = {}) {
  const tsx = pathToFileURL(join(REPO, 'node_modules', 'tsx', 'dist', 'loader.mjs')).href;
  const result = spawnSync(process.execPath, ['--import', tsx, join(REPO, 'src', 'cli', 'main.ts'), ...args], { cwd: home, env: { ...env, ...extraEnv }, encoding: 'utf8', timeout: 60_000 });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

function snapshot(root: string): Map<string, string> {
  const files = new Map<string, string>();
  const walk = (folder: string, prefix: string) => {
    for (const name of readdirSync(folder).sort()) {
      if (name === '.git') continue;
      const path = join(folder, name);
      if (lstatSync(path).isDirectory()) walk(path, `${prefix}${name}/`);
      else files.set(`${prefix}${name}`, `${(lstatSync(path).mode & 0o777).toString(8)} ${readFileSync(path).toString('base64')}`);
    }
  };
  walk(root, '');
  return files;
}

const git = (root: string, ...args: string[]) => execFileSync('git', ['-c', 'user.name=Test', '-c', 'user.email=test@example.com', ...args], { cwd: root, encoding: 'utf8' });
const notes = join(home, 'Notes');

/** The demo vault in git: Welcome links to Projects, which is renamed afterwards, and to ideas in lower case. */
function demoInGit(): void {
  rmSync(notes, { recursive: true, force: true });
  cpSync(join(REPO, 'test', 'fixtures', 'demo-vault'), notes, { recursive: true });
  writeFileSync(join(notes, 'Welcome.md'), `${readFileSync(join(notes, 'Welcome.md'), 'utf8')}\nWhat I work on: [[Projects]]; what I might: [[ideas]].\n`);
  writeFileSync(join(notes, 'Empty.md'), '');
  git(notes, 'init', '-q');
  git(notes, 'add', '-A');
  git(notes, 'commit', '-qm', 'notes');
  git(notes, 'mv', 'Projects.md', 'Current Projects.md');
  git(notes, 'commit', '-qm', 'rename');
}

test('every command the README documents for repair runs as it says', () => {
  demoInGit();
  const original = snapshot(notes);
  const commands = readmeCommands('### Repair', home);
  assert.deepEqual(
    commands.map((args) => args.slice(0, 2).join(' ')),
    ['vault repair', 'vault repair', 'vault repair', 'vault repair', 'vault undo'],
  );
  const outputs = commands.map((args) => {
    const result = berth(args);
    assert.equal(result.code, 0, `berth ${args.join(' ')}: ${result.stderr}`);
    assert.equal(result.stderr, '', `berth ${args.join(' ')} said something on stderr`);
    return { args, ...result };
  });
  const [plan, json, stubs, apply, undo] = outputs.map((output) => output.stdout);

  assert.match(plan!, /^Repair of .*Notes \(score \d+\): a plan, nothing written \(--apply applies it\)\n {2}Renames from git's history: 1\n/);
  assert.match(plan!, /retarget {2}Welcome\.md:13:17 {2}Projects → Current Projects\n {12}renamed in git: Projects\.md → Current Projects\.md \([0-9a-f]+\)\n/);
  assert.match(plan!, /case {6}Welcome\.md:13:45 {2}ideas → Ideas\n/);
  assert.match(plan!, /Left alone \(1\):\n {2}Ideas\.md:5:66 {2}Reading List\n/);
  assert.match(plan!, /1 empty note kept \(Empty\.md\): --remove-empty removes those nothing links to\./);
  assert.match(plan!, /\n--- a\/Welcome\.md\n\+\+\+ b\/Welcome\.md\n@@ .* @@\n[\s\S]*-What I work on: \[\[Projects\]\]; what I might: \[\[ideas\]\]\.\n\+What I work on: \[\[Current Projects\]\]; what I might: \[\[Ideas\]\]\.\n$/);

  const parsed = JSON.parse(json!);
  assert.equal(parsed.applied, null);
  assert.deepEqual(
    parsed.edits.textEdits.map((edit: { path: string; newText: string }) => [edit.path, edit.newText]),
    [
      ['Welcome.md', 'Current Projects'],
      ['Welcome.md', 'Ideas'],
    ],
  );
  assert.match(parsed.digest, /^[0-9a-f]{64}$/);

  assert.match(stubs!, /stub {6}Reading List\.md {2}\(new note\)\n {12}you picked "Reading List" for a new note \(linked from Ideas\.md:5:66\)/);
  assert.match(stubs!, /remove {4}Empty\.md\n {12}empty, and nothing links to it/);

  const [, before, afterScore] = /Applied\. Score (\d+) → (\d+)\./.exec(apply!) ?? [];
  assert.ok(Number(afterScore) > Number(before), apply);
  assert.match(apply!, /Backed up first \(verified\): .*\/\.local\/state\/berth\/backups\/Notes-[0-9a-f]{8}\/Notes-.*\.tar\.gz\n {2}Undo with: berth vault undo .*Notes\n$/);
  assert.match(undo!, /^Undid the repair of .* in .*Notes: restored Welcome\.md\. Score \d+\.\n$/);
  // The stub plan wrote nothing; undo gave back every byte.
  assert.deepEqual(snapshot(notes), original);
  assert.equal(existsSync(join(notes, 'Reading List.md')), false);
});

test('--help lists the flags; undo with nothing to undo, or after a change, exits 1 in one line that says why; a stub no link names is a usage error', () => {
  demoInGit();
  const help = berth(['vault', 'repair', '--help']).stdout;
  for (const flag of ['--apply', '--stub', '--remove-empty', '--exclude', '--expect', '--json']) assert.ok(help.includes(flag), `${flag} in\n${help}`);
  assert.match(berth(['vault', 'undo', '--help']).stdout, /berth vault undo/);

  const nothing = berth(['vault', 'undo', notes]);
  assert.equal(nothing.code, 1);
  assert.equal(nothing.stderr.trim().split('\n').length, 1);
  assert.match(nothing.stderr, /^berth vault undo: There is no applied repair of .*Notes to undo\./);

  assert.equal(berth(['vault', 'repair', notes, '--apply', '--json']).code, 0);
  writeFileSync(join(notes, 'Welcome.md'), 'rewritten after the repair\n');
  const refused = berth(['vault', 'undo', notes]);
  assert.equal(refused.code, 1);
  assert.match(refused.stderr, /^berth vault undo: Undo refused: Welcome\.md \(edited\) changed since the repair of .*Nothing was written\./);
  assert.equal(readFileSync(join(notes, 'Welcome.md'), 'utf8'), 'rewritten after the repair\n');

  const unknown = berth(['vault', 'repair', notes, '--stub', 'Nope']);
  assert.equal(unknown.code, 2, unknown.stderr);
  assert.match(unknown.stderr, /^berth vault repair: No broken link names "Nope"\./);
});

test('without git on the PATH the repair goes by names and says why', () => {
  demoInGit();
  const result = berth(['vault', 'repair', notes], { PATH: join(home, 'no-such-bin') });
  assert.equal(result.code, 0, result.stderr);
  assert.match(result.stdout, /Renames: not from git \(git is not installed\); names and aliases only/);
  assert.match(result.stdout, /Left alone \(2\):\n {2}Ideas\.md:5:66 {2}Reading List\n[\s\S]*Welcome\.md:13:17 {2}Projects\n/);
});
