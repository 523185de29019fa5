import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { createOperationCatalog } from '../../src/core/catalog.js';
import { InputError } from '../../src/core/errors.js';
import { silentContext } from '../../src/core/operations.js';
import type { EditSet } from '../../src/core/vault/edits.js';
import { Vaults } from '../../src/core/vault/live.js';
import { cli } from '../support/sessions.js';
import { makeVault, removeVault, writeFiles } from './vault-support.js';

let root: string;
const files = {
  'Reading List.md': '# Reading List\n',
  'Projects/Weather Station.md': '# Weather Station\n',
  'Projects/Plan.md': 'See [the station](Weathr%20Station.md "title") and [[Readng List#Books|the list]].\n',
  'Ideas.md': 'A ![[Readng List]] embed, a [md](Projects/Weather%20Statin.md#Parts) link, <[angled](<Readng List.md>)>.\nAnd [[Nothing Like It]].\n[ref][r]\n\n[r]: Readng%20List.md\n',
};

before(async () => {
  root = await makeVault(files);
});
after(async () => removeVault(root));

const ops = () => createOperationCatalog({ vaults: new Vaults() });
const invoke = (name: string, input: Record<string, unknown>) => ops().invoke(name, { dir: root, ...input }, silentContext('test', root)) as Promise<{ edits: EditSet; newTarget?: string; path?: string }>;

/** Applies a set of text edits to a text, as a face would. */
function apply(text: string, edits: EditSet): string {
  const lines = text.split('\n');
  for (const edit of [...edits.textEdits].reverse()) {
    const line = lines[edit.range.start.line]!;
    lines[edit.range.start.line] = line.slice(0, edit.range.start.character) + edit.newText + line.slice(edit.range.end.character);
  }
  return lines.join('\n');
}

/** Where the link written as `written` starts in a note, 1-based, as the report gives it. */
async function at(note: string, written: string): Promise<{ line: number; column: number }> {
  const lines = (await readFile(join(root, note), 'utf8')).split('\n');
  const line = lines.findIndex((text) => text.includes(written));
  return { line: line + 1, column: lines[line]!.indexOf(written) + 1 };
}

test('a broken wikilink is pointed at the closest note, keeping its embed mark, heading and alias', async () => {
  const plan = await invoke('vault.link.retarget', { note: 'Projects/Plan.md', ...(await at('Projects/Plan.md', '[[Readng')) });
  assert.equal(plan.newTarget, 'Reading List');
  assert.equal(plan.edits.root, root);
  const fixed = apply(files['Projects/Plan.md'], plan.edits);
  assert.equal(fixed, 'See [the station](Weathr%20Station.md "title") and [[Reading List#Books|the list]].\n');

  const embed = await invoke('vault.link.retarget', { note: 'Ideas.md', ...(await at('Ideas.md', '![[Readng')) });
  assert.match(apply(files['Ideas.md'], embed.edits), /^A !\[\[Reading List\]\] embed/);
});

test('a broken markdown link gets the path to the closest note, relative to its note and encoded', async () => {
  const beside = await invoke('vault.link.retarget', { note: 'Projects/Plan.md', ...(await at('Projects/Plan.md', '[the station]')) });
  assert.equal(beside.newTarget, 'Weather Station.md');
  assert.equal(apply(files['Projects/Plan.md'], beside.edits), 'See [the station](Weather%20Station.md "title") and [[Readng List#Books|the list]].\n');

  const below = await invoke('vault.link.retarget', { note: 'Ideas.md', ...(await at('Ideas.md', '[md]')) });
  assert.equal(below.newTarget, 'Projects/Weather Station.md');
  assert.match(apply(files['Ideas.md'], below.edits), /\[md\]\(Projects\/Weather%20Station\.md#Parts\) link/);

  const angled = await invoke('vault.link.retarget', { note: 'Ideas.md', ...(await at('Ideas.md', '[angled]')) });
  assert.match(apply(files['Ideas.md'], angled.edits), /\[angled\]\(<Reading List\.md>\)/, 'inside <...> spaces stay spaces');
});

test('no fix is a guess: a name far from every note, a link that is fine and a reference link are refused with the reason', async () => {
  await assert.rejects(invoke('vault.link.retarget', { note: 'Ideas.md', ...(await at('Ideas.md', '[[Nothing')) }), /No note has a name close to "Nothing Like It"/);
  await writeFiles(root, { 'Fine.md': 'Go to [[Reading List]].\n' });
  const fresh = () => createOperationCatalog({ vaults: new Vaults() });
  await assert.rejects(fresh().invoke('vault.link.retarget', { dir: root, note: 'Fine.md', line: 1, column: 7 }, silentContext('test', root)), /is not broken/);
  await assert.rejects(fresh().invoke('vault.link.retarget', { dir: root, note: 'Fine.md', line: 1, column: 2 }, silentContext('test', root)), /no link at line 1, column 2/);
  await assert.rejects(invoke('vault.link.retarget', { note: 'Ideas.md', ...(await at('Ideas.md', '[ref]')) }), /reference link/);
  await assert.rejects(invoke('vault.link.retarget', { note: 'Ideas.md', line: 0, column: 1 }), (error: unknown) => error instanceof InputError);
});

test('the note a broken link names is created where Obsidian would put it', async () => {
  const wiki = await invoke('vault.note.create', { note: 'Ideas.md', ...(await at('Ideas.md', '[[Nothing')) });
  assert.deepEqual(wiki.edits, { root, textEdits: [], creates: [{ path: 'Nothing Like It.md', content: '# Nothing Like It\n\n' }] });
  const markdown = await invoke('vault.note.create', { note: 'Projects/Plan.md', ...(await at('Projects/Plan.md', '[the station]')) });
  assert.equal(markdown.path, 'Projects/Weathr Station.md', 'beside the linking note');
});

test('the CLI prints the planned fixes and their edits, and says why when there is none', async () => {
  const near = await at('Projects/Plan.md', '[[Readng');
  const retarget = await cli(['vault', 'link', 'retarget', 'Projects/Plan.md', '--line', String(near.line), '--column', String(near.column)], { cwd: root });
  assert.equal(retarget.code, 0, retarget.stderr);
  assert.equal(retarget.stdout, `Projects/Plan.md:${near.line}:${near.column + 2}  → Reading List\n`);
  const far = await at('Ideas.md', '[[Nothing');
  const json = await cli(['vault', 'note', 'create', 'Ideas.md', '--line', String(far.line), '--column', String(far.column), '--json'], { cwd: root });
  assert.equal(json.code, 0, json.stderr);
  assert.deepEqual(JSON.parse(json.stdout).edits.creates, [{ path: 'Nothing Like It.md', content: '# Nothing Like It\n\n' }]);
  const none = await cli(['vault', 'link', 'retarget', 'Ideas.md', '--line', String(far.line), '--column', String(far.column)], { cwd: root });
  assert.equal(none.code, 1);
  assert.match(none.stderr, /^berth vault link retarget: No note has a name close to "Nothing Like It"\. Create the note, or edit the link by hand\.\n$/);
});
