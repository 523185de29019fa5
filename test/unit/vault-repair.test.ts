// Vault repair through the operations table: the plan is exactly the expected edits and diff on
// the fixture vaults and on crafted ones (a real git history for renames), and apply then undo
// gives back every byte. The state folder (backups, journal) is the test's own.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { chmodSync, cpSync, existsSync, lstatSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { createOperationCatalog } from '../../src/core/catalog.js';
import { BerthError } from '../../src/core/errors.js';
import { silentContext } from '../../src/core/operations.js';
import { VaultIndex } from '../../src/core/vault/index.js';
import { Vaults } from '../../src/core/vault/live.js';
import { applyRepair } from '../../src/core/vault/repair/apply.js';
import { planRepair } from '../../src/core/vault/repair/plan.js';
import { parseRenames } from '../../src/core/vault/repair/renames.js';
import type { RepairOutput } from '../../src/core/vault/repairOperations.js';

const REPO = join(__dirname, '..', '..');
const scratch = mkdtempSync(join(tmpdir(), 'berth-repair-test-'));
process.env.XDG_STATE_HOME = join(scratch, 'state');
after(() => rmSync(scratch, { recursive: true, force: true }));

let vaults = 0;
function vault(files: Record<string, string>): string {
  const root = join(scratch, `vault-${++vaults}`);
  for (const [path, content] of Object.entries(files)) {
    const file = join(root, path);
    execFileSync('mkdir', ['-p', join(file, '..')]);
    writeFileSync(file, content);
  }
  return root;
}

function fixture(name: string): string {
  const root = join(scratch, `${name}-${++vaults}`);
  cpSync(join(REPO, 'test', 'fixtures', name), root, { recursive: true });
  return root;
}

const git = (root: string, ...args: string[]) => execFileSync('git', ['-c', 'user.name=Test', '-c', 'user.email=test@example.com', '-c', 'init.defaultBranch=main', ...args], { cwd: root, encoding: 'utf8' });

const repair = (input: Record<string, unknown>) => createOperationCatalog({ vaults: new Vaults() }, ['vault']).invoke('vault.repair', input, silentContext('test', scratch)) as Promise<RepairOutput>;
const undo = (dir: string) => createOperationCatalog({ vaults: new Vaults() }, ['vault']).invoke('vault.undo', { dir }, silentContext('test', scratch)) as Promise<{ restored: string[]; removed: string[]; recreated: string[]; score: number }>;

/** Every file and folder under root (the state folder aside) with its bytes and mode. */
function snapshot(root: string): Map<string, string> {
  const files = new Map<string, string>();
  const walk = (folder: string, prefix: string) => {
    for (const name of readdirSync(folder).sort()) {
      const path = join(folder, name);
      const info = lstatSync(path);
      const rel = `${prefix}${name}`;
      if (info.isDirectory()) {
        files.set(`${rel}/`, (info.mode & 0o7777).toString(8));
        walk(path, `${rel}/`);
      } else files.set(rel, `${(info.mode & 0o7777).toString(8)} ${readFileSync(path).toString('base64')}`);
    }
  };
  walk(root, '');
  return files;
}

const edit = (path: string, line: number, start: number, end: number, newText: string) => ({ path, range: { start: { line, character: start }, end: { line, character: end } }, newText });

/** A vault in git whose note was renamed (and moved) after other notes linked to it. */
function renamedInGit(): string {
  const root = vault({
    'Index.md': '# Index\n\nSee [[Old Name]] and [the old one](Old%20Name.md#Part).\nAlso [[index]] and [[Cap]] and [[Completely Different]].\nAnd [[Tgt Alis]].\n',
    'Old Name.md': '# Old Name\n\n## Part\n',
    'Cat.md': '# Cat\n',
    'Car.md': '# Car\n',
    'Target.md': '---\naliases: [Tgt Alias]\n---\n# Target\n',
  });
  git(root, 'init', '-q');
  git(root, 'add', '-A');
  git(root, 'commit', '-qm', 'notes');
  git(root, 'mv', 'Old Name.md', 'New Name.md');
  git(root, 'commit', '-qm', 'rename');
  execFileSync('mkdir', ['-p', join(root, 'Archive')]);
  git(root, 'mv', 'New Name.md', 'Archive/New Name.md');
  git(root, 'commit', '-qm', 'move');
  return root;
}

test('a rename in git is followed (through a later move); a case fix; an alias; a tie and a name too far are left alone and reported', async () => {
  const root = renamedInGit();
  const plan = await repair({ dir: root });
  assert.deepEqual(plan.renames, { source: 'git', count: 2 });
  assert.deepEqual(plan.edits, {
    root,
    textEdits: [
      edit('Index.md', 2, 6, 14, 'New Name'),
      edit('Index.md', 2, 35, 48, 'Archive/New%20Name.md'),
      edit('Index.md', 3, 7, 12, 'Index'),
      edit('Index.md', 4, 6, 14, 'Target|Tgt Alias'),
    ],
    creates: [],
    deletes: [],
  });
  assert.deepEqual(
    plan.changes.map(({ kind, line, from, to }) => [kind, line, from, to]),
    [
      ['retarget', 3, 'Old Name', 'New Name'],
      ['retarget', 3, 'Old%20Name.md', 'Archive/New%20Name.md'],
      ['case', 4, 'index', 'Index'],
      ['retarget', 5, 'Tgt Alis', 'Target|Tgt Alias'],
    ],
  );
  assert.match(plan.changes[0]!.why, /^renamed in git: Old Name\.md → New Name\.md \([0-9a-f]+\), then New Name\.md → Archive\/New Name\.md \([0-9a-f]+\)$/);
  assert.match(plan.changes[3]!.why, /the alias "Tgt Alias" of Target\.md \(1 edit away\)/);
  assert.deepEqual(
    plan.leftAlone.map(({ path, line, column, target, why }) => [path, line, column, target, why.split(':')[0]]),
    [
      ['Index.md', 4, 20, 'Cap', 'equally close to Car.md and Cat.md'],
      ['Index.md', 4, 32, 'Completely Different', 'no note name or alias is close enough (within a third of the name’s length); create it with --stub, or edit it by hand'],
    ],
  );
  assert.equal(
    plan.diff,
    [
      '--- a/Index.md',
      '+++ b/Index.md',
      '@@ -1,5 +1,5 @@',
      ' # Index',
      ' ',
      '-See [[Old Name]] and [the old one](Old%20Name.md#Part).',
      '-Also [[index]] and [[Cap]] and [[Completely Different]].',
      '-And [[Tgt Alis]].',
      '+See [[New Name]] and [the old one](Archive/New%20Name.md#Part).',
      '+Also [[Index]] and [[Cap]] and [[Completely Different]].',
      '+And [[Target|Tgt Alias]].',
      '',
    ].join('\n'),
  );
  assert.equal(plan.applied, null);
  assert.equal(readFileSync(join(root, 'Index.md'), 'utf8').includes('[[Old Name]]'), true, 'a plan writes nothing');
});

test('without git the same vault has only names to go by: the renamed note is too far from its old name and is left alone', async () => {
  const root = renamedInGit();
  rmSync(join(root, '.git'), { recursive: true });
  const plan = await repair({ dir: root });
  assert.deepEqual(plan.renames, { source: 'none', count: 0, why: 'the vault is not in a git repository' });
  assert.deepEqual(
    plan.changes.map(({ kind, from }) => [kind, from]),
    [
      ['case', 'index'],
      ['retarget', 'Tgt Alis'],
    ],
  );
  assert.deepEqual(
    plan.leftAlone.map(({ target }) => target),
    ['Old Name', 'Old%20Name.md#Part', 'Cap', 'Completely Different'],
  );
});

test('a typo is retargeted by name; a note name wins over an alias at the same distance; ties across notes are refused', async () => {
  const root = vault({
    'Weather Station.md': '# Weather Station\n',
    'Plan.md': '---\naliases: [Weather Stations]\n---\n',
    'Notes.md': '[[Weathr Station]] and [[Weather Stationz]] and [station](Weathr%20Station.md "title")\n',
  });
  const plan = await repair({ dir: root });
  assert.deepEqual(
    plan.edits.textEdits.map((e) => e.newText),
    ['Weather Station', 'Weather%20Station.md'],
  );
  // "Weather Stationz" is one edit from the note's name and one from Plan.md's alias.
  assert.deepEqual(
    plan.leftAlone.map(({ target, why }) => [target, why]),
    [['Weather Stationz', 'equally close to Plan.md and Weather Station.md: choosing one would be a guess']],
  );
});

test('the demo vault: nothing is a guess, so nothing changes; the broken link is reported; a stub only when picked', async () => {
  const root = fixture('demo-vault');
  const plan = await repair({ dir: root });
  assert.deepEqual(plan.edits, { root, textEdits: [], creates: [], deletes: [] });
  assert.equal(plan.diff, '');
  assert.deepEqual(plan.leftAlone, [
    { path: 'Ideas.md', line: 5, column: 66, target: 'Reading List', why: 'no note name or alias is close enough (within a third of the name’s length); create it with --stub, or edit it by hand' },
  ]);

  const stubbed = await repair({ dir: root, stub: ['Reading List'] });
  assert.deepEqual(stubbed.edits, { root, textEdits: [], creates: [{ path: 'Reading List.md', content: '# Reading List\n\n' }], deletes: [] });
  assert.deepEqual(stubbed.changes, [{ kind: 'stub', path: 'Reading List.md', why: 'you picked "Reading List" for a new note (linked from Ideas.md:5:66)' }]);
  assert.deepEqual(stubbed.leftAlone, []);
  assert.equal(stubbed.diff, ['--- /dev/null', '+++ b/Reading List.md', '@@ -0,0 +1,2 @@', '+# Reading List', '+', ''].join('\n'));
  assert.deepEqual(stubbed.files, [{ path: 'Reading List.md', sha256: null }]);

  await assert.rejects(repair({ dir: root, stub: ['Welcome', 'Nope'] }), (error: unknown) => {
    assert.ok(error instanceof BerthError);
    assert.equal(error.code, 'LINK_NOT_FOUND');
    assert.match(error.message, /^No broken link names "Welcome", "Nope"\.$/);
    return true;
  });
});

test('the edge-case vault: one case fix; empty notes are removed only with the flag, and one that is linked stays', async () => {
  const root = fixture('vault-edge-cases');
  const plan = await repair({ dir: root });
  assert.deepEqual(plan.edits, { root, textEdits: [edit('Links.md', 27, 12, 18, 'Target')], creates: [], deletes: [] });
  assert.deepEqual(plan.emptyNotes, ['Empty.md', 'Only Frontmatter.md']);
  assert.deepEqual(
    plan.leftAlone.map(({ path, line, target }) => [path, line, target]),
    [
      ['Links.md', 35, 'Nowhere'],
      ['Links.md', 36, 'missing.md'],
      ['Links.md', 37, 'img'],
      ['Templates/Daily Template.md', 6, '{{yesterday}}'],
    ],
  );
  assert.equal(plan.diff.split('\n').filter((line) => /^[-+][^-+]/.test(line)).join('\n'), '-Any case: [[target]]\n+Any case: [[Target]]');

  const removing = await repair({ dir: root, removeEmpty: true });
  assert.deepEqual(removing.edits.deletes, [{ path: 'Empty.md' }, { path: 'Only Frontmatter.md' }]);
  assert.deepEqual(removing.emptyNotes, []);
  assert.match(removing.diff, /^--- a\/Only Frontmatter\.md\n\+\+\+ \/dev\/null\n@@ -1,5 \+0,0 @@\n----\n-tags: \[stub\]\n----\n-\n- {3}\n/m);

  writeFileSync(join(root, 'Links.md'), `${readFileSync(join(root, 'Links.md'), 'utf8')}\nSee [[Empty]].\n`);
  const linked = await repair({ dir: root, removeEmpty: true });
  assert.deepEqual(linked.edits.deletes, [{ path: 'Only Frontmatter.md' }]);
  assert.deepEqual(linked.leftAlone.find((item) => item.path === 'Empty.md'), { path: 'Empty.md', why: 'empty, but 1 link points at it: removing it would break it' });
});

test('apply backs up first, then undo gives back every byte, mode and the file list (stubs in new folders, removed notes, edited notes)', async () => {
  const root = fixture('vault-edge-cases');
  writeFileSync(join(root, 'Links.md'), `${readFileSync(join(root, 'Links.md'), 'utf8')}[new](Deep/Er/New%20Note.md) and [[Target]]\r\n`);
  chmodSync(join(root, 'Links.md'), 0o640);
  const before = snapshot(root);
  const applied = await repair({ dir: root, apply: true, removeEmpty: true, stub: ['Nowhere', 'Deep/Er/New Note.md'] });
  assert.ok(applied.applied);
  assert.ok(applied.applied.scoreAfter > applied.score, `${applied.applied.scoreAfter} > ${applied.score}`);
  assert.ok(existsSync(applied.applied.backup!), 'the backup exists');
  assert.match(applied.applied.backup!, /state\/berth\/backups\//);
  assert.equal(readFileSync(join(root, 'Deep', 'Er', 'New Note.md'), 'utf8'), '# New Note\n\n');
  assert.equal(readFileSync(join(root, 'Nowhere.md'), 'utf8'), '# Nowhere\n\n');
  assert.equal(existsSync(join(root, 'Empty.md')), false);
  assert.match(readFileSync(join(root, 'Links.md'), 'utf8'), /Any case: \[\[Target\]\]\n[\s\S]*\r\n$/);
  assert.equal(lstatSync(join(root, 'Links.md')).mode & 0o777, 0o640, 'an edited note keeps its mode');
  assert.deepEqual(readdirSync(root).filter((name) => name.endsWith('.partial')), []);

  const undone = await undo(root);
  assert.deepEqual(undone.restored, ['Links.md']);
  assert.deepEqual(undone.removed.sort(), ['Deep/Er/New Note.md', 'Nowhere.md']);
  assert.deepEqual(undone.recreated, ['Empty.md', 'Only Frontmatter.md']);
  assert.deepEqual(snapshot(root), before);
  await assert.rejects(undo(root), /There is no applied repair of .* to undo/);
});

test('undo refuses, naming the files and writing nothing, when a file changed since the repair', async () => {
  const root = fixture('vault-edge-cases');
  await repair({ dir: root, apply: true, removeEmpty: true, stub: ['Nowhere'] });
  writeFileSync(join(root, 'Links.md'), 'my own edit after the repair\n');
  writeFileSync(join(root, 'Empty.md'), '');
  const changed = snapshot(root);
  await assert.rejects(undo(root), (error: unknown) => {
    assert.ok(error instanceof BerthError);
    assert.equal(error.code, 'VAULT_CHANGED');
    assert.match(error.message, /^Undo refused: Empty\.md \(made again\), Links\.md \(edited\) changed since the repair of .*, and undoing would lose those changes\. Nothing was written\.$/);
    assert.match(error.hint!, /The backup made before the repair is .*\.tar\.gz\./);
    return true;
  });
  assert.deepEqual(snapshot(root), changed);
});

test('apply refuses (EDIT_CONFLICT) when a file changed after planning, before backing up or writing anything', async () => {
  const root = fixture('vault-edge-cases');
  const index = new VaultIndex(root);
  await index.scan();
  const plan = await planRepair(index, { source: 'none', why: 'test' }, { stubs: ['Nowhere'], removeEmpty: true });
  writeFileSync(join(root, 'Links.md'), `${readFileSync(join(root, 'Links.md'), 'utf8')}typed meanwhile\n`);
  const changed = snapshot(root);
  let backedUp = false;
  await assert.rejects(
    applyRepair({
      plan,
      backup: async () => {
        backedUp = true;
        return null;
      },
    }),
    (error: unknown) => error instanceof BerthError && error.code === 'EDIT_CONFLICT' && /^Links\.md changed since the repair was planned; nothing was written\./.test(error.message),
  );
  assert.equal(backedUp, false);
  assert.deepEqual(snapshot(root), changed);

  // A stub whose place got taken meanwhile is a change too.
  const again = await planRepair(index, { source: 'none', why: 'test' }, { stubs: ['Nowhere'], removeEmpty: false });
  writeFileSync(join(root, 'Nowhere.md'), 'written by hand\n');
  await assert.rejects(applyRepair({ plan: { ...again, files: again.files.filter((file) => file.path === 'Nowhere.md') }, backup: async () => null }), /Nowhere\.md changed since the repair was planned/);

  // Through the operation, a reviewed plan is applied only if it is still the plan.
  const reviewed = await repair({ dir: root });
  writeFileSync(join(root, 'Folder', 'Sibling.md'), '[[target]]\n');
  await assert.rejects(repair({ dir: root, apply: true, expect: reviewed.digest }), /The vault changed since the plan you reviewed/);
  assert.equal(readFileSync(join(root, 'Links.md'), 'utf8').includes('[[target]]'), true);
});

test('git output with unusual names is read as it is', () => {
  assert.deepEqual(parseRenames('\x01abc123\0\nR100\0a\tb.md\0new\nname.md\0\x01def456\0\nR087\0x.md\0y.md\0'), [
    { from: 'a\tb.md', to: 'new\nname.md', commit: 'abc123' },
    { from: 'x.md', to: 'y.md', commit: 'def456' },
  ]);
});

test('a face that applies edits itself (VS Code) gets exactly the reviewed plan; the journal records what it wrote, and undo puts it back', async () => {
  const root = fixture('demo-vault');
  writeFileSync(join(root, 'Welcome.md'), `${readFileSync(join(root, 'Welcome.md'), 'utf8')}[[welcome]]\n`);
  const before = snapshot(root);
  const reviewed = await repair({ dir: root, stub: ['Reading List'] });
  const given: unknown[] = [];
  const ctx = {
    ...silentContext('test', scratch),
    applyEdits: async (edits: RepairOutput['edits']) => {
      given.push(edits);
      // As a WorkspaceEdit would: the text edits on the note, the new note created.
      const { applyTextEdits } = await import('../../src/core/vault/repair/textEdits.js');
      writeFileSync(join(root, 'Welcome.md'), applyTextEdits(readFileSync(join(root, 'Welcome.md'), 'utf8'), edits.textEdits));
      for (const create of edits.creates) writeFileSync(join(root, create.path), create.content);
    },
  };
  const applied = (await createOperationCatalog({ vaults: new Vaults() }, ['vault']).invoke('vault.repair', { dir: root, stub: ['Reading List'], apply: true, expect: reviewed.digest }, ctx)) as RepairOutput;
  assert.deepEqual(given, [reviewed.edits]);
  assert.ok(applied.applied);
  assert.match(readFileSync(join(root, 'Welcome.md'), 'utf8'), /\[\[Welcome\]\]\n$/);
  assert.ok(existsSync(join(root, 'Reading List.md')));
  await undo(root);
  assert.deepEqual(snapshot(root), before);
});
