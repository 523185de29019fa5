import assert from 'node:assert/strict';
import { readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { join, posix } from 'node:path';
import { test } from 'node:test';
import { VaultIndex } from '../../src/core/vault/index.js';
import { isNotePath, joinRelative } from '../../src/core/vault/resolve.js';
import { makeVault, removeVault } from './vault-support.js';

const EDGE_CASES = join(__dirname, '..', 'fixtures', 'vault-edge-cases');

interface Expected {
  target?: string;
  status?: 'ambiguous' | 'broken';
  candidates?: string[];
  /** true: the heading or block exists; false: it is missing. */
  fragment?: boolean;
  embed?: boolean;
}

/** What each link of test/fixtures/vault-edge-cases/Links.md must resolve to, by the label its line starts with. */
const LINKS: Record<string, Expected> = {
  Plain: { target: 'Target.md' },
  'With the extension': { target: 'Target.md' },
  Alias: { target: 'Target.md' },
  Heading: { target: 'Target.md', fragment: true },
  'Nested headings': { target: 'Target.md', fragment: true },
  'Heading written without the characters a link cannot hold': { target: 'Target.md', fragment: true },
  'Missing heading': { target: 'Target.md', fragment: false },
  'Same-note heading': { target: 'Links.md', fragment: true },
  'Same-note missing heading': { target: 'Links.md', fragment: false },
  Block: { target: 'Target.md', fragment: true },
  'Missing block': { target: 'Target.md', fragment: false },
  'Embedded image': { target: 'assets/img.png', embed: true },
  'Sized image': { target: 'assets/my image.png', embed: true },
  'PDF page': { target: 'assets/doc.pdf', embed: true },
  'Markdown link': { target: 'Target.md' },
  'Markdown link without .md': { target: 'Folder/Deep Note.md' },
  'Angle brackets': { target: 'Folder/Deep Note.md' },
  'With a title': { target: 'Folder/Deep Note.md' },
  'Markdown image': { target: 'assets/img.png', embed: true },
  'Markdown heading as a slug': { target: 'Target.md', fragment: true },
  'Markdown heading percent-encoded': { target: 'Target.md', fragment: true },
  Reference: { target: 'Target.md' },
  'Collapsed reference': { target: 'Target.md' },
  'Any case': { target: 'Target.md' },
  'Decomposed Unicode': { target: 'Café.md' },
  'Surrounding whitespace': { target: 'Target.md' },
  'Path form': { target: 'Folder/Deep Note.md' },
  'Path suffix': { target: 'Folder/Deep Note.md' },
  Ambiguous: { status: 'ambiguous', candidates: ['Other/Dup.md', 'Same/Dup.md'] },
  Disambiguated: { target: 'Same/Dup.md' },
  Broken: { status: 'broken' },
  'Broken markdown link': { status: 'broken' },
  'An attachment needs its extension': { status: 'broken', embed: true },
  Table: { target: 'Folder/Sibling.md' },
};

function label(line: string): string {
  return line.startsWith('|') ? 'Table' : line.slice(0, line.indexOf(':'));
}

test('every edge case of test/fixtures/vault-edge-cases resolves as Obsidian would', async () => {
  const index = new VaultIndex(EDGE_CASES, { exclude: ['Templates'] });
  await index.scan();
  const lines = (await readFile(join(EDGE_CASES, 'Links.md'), 'utf8')).split('\n');
  const seen = new Set<string>();
  for (const link of index.linksFrom('Links.md')) {
    const name = label(lines[link.line - 1]!);
    const expected = LINKS[name];
    assert.ok(expected, `unexpected link on line ${link.line}: ${lines[link.line - 1]}`);
    assert.ok(!seen.has(name), `two links labelled ${name}`);
    seen.add(name);
    const what = `${name} (${link.raw})`;
    assert.equal(link.status, expected.status ?? 'resolved', what);
    assert.equal(link.target, expected.target, what);
    assert.deepEqual(link.candidates, expected.candidates, what);
    assert.equal(link.fragmentFound, expected.fragment, what);
    assert.equal(link.embed, expected.embed ?? false, what);
  }
  assert.deepEqual([...seen].sort(), Object.keys(LINKS).sort(), 'every expected link was found');
  assert.deepEqual(index.linksFrom('Not Links.md'), [], 'Not Links.md holds no link');
  assert.deepEqual(index.linksFrom('Frontmatter Links.md'), [], 'frontmatter values are not links');
  assert.deepEqual(
    index.linksFrom('Folder/Sibling.md').map((l) => l.target),
    ['Target.md', 'Folder/Deep Note.md', 'Target.md'],
    'markdown links are relative to the note, then from the vault root',
  );
});

test('the edge-case vault report: counts, problems and what the walk leaves out', async () => {
  const index = new VaultIndex(EDGE_CASES, { exclude: ['Templates'] });
  const report = await index.scan();
  assert.equal(report.notes, 12);
  assert.equal(report.attachments, 4);
  assert.equal(report.links, 39);
  assert.deepEqual(
    report.brokenLinks.map(({ source, line, column, target }) => ({ source, line, column, target })),
    [
      { source: 'Links.md', line: 35, column: 9, target: 'Nowhere' },
      { source: 'Links.md', line: 36, column: 23, target: 'missing.md' },
      { source: 'Links.md', line: 37, column: 36, target: 'img' },
    ],
  );
  assert.deepEqual(
    report.ambiguousLinks.map((l) => [l.source, l.line, l.target, l.candidates]),
    [['Links.md', 33, 'Dup', ['Other/Dup.md', 'Same/Dup.md']]],
  );
  assert.deepEqual(
    report.missingFragments.map((l) => [l.line, l.note, l.fragment]),
    [
      [11, 'Target.md', 'No Such Heading'],
      [13, 'Links.md', 'Nowhere Heading'],
      [15, 'Target.md', '^no-such-block'],
    ],
  );
  assert.deepEqual(report.orphans, [
    'Bad Frontmatter.md',
    'Empty.md',
    'Frontmatter Links.md',
    'Not Links.md',
    'Only Frontmatter.md',
    'Other/Dup.md',
  ]);
  assert.deepEqual(report.unusedAttachments, ['assets/unused.png']);
  assert.deepEqual(report.emptyNotes, ['Empty.md', 'Only Frontmatter.md']);
  assert.equal(report.invalidFrontmatter.length, 1);
  assert.equal(report.invalidFrontmatter[0]!.path, 'Bad Frontmatter.md');
  assert.match(report.invalidFrontmatter[0]!.message, /Invalid YAML/);
  assert.deepEqual(report.nameClashes, []);
  for (const skipped of [
    '.obsidian/workspace.md',
    'node_modules/pkg/README.md',
    'ignored/Secret.md',
    'scratch.tmp.md',
    'Templates/Daily Template.md',
  ]) {
    assert.equal(index.has(skipped), false, `${skipped} is not part of the vault`);
  }
  assert.equal(index.has('.gitignore'), false);

  const withTemplates = await new VaultIndex(EDGE_CASES).scan();
  assert.equal(withTemplates.notes, 13, 'without the exclude glob the template is a note');
  assert.ok(withTemplates.brokenLinks.some((l) => l.source === 'Templates/Daily Template.md'));
});

test('names that differ only by case or Unicode form clash, and links to them are ambiguous', async () => {
  const root = await makeVault({
    'Note.md': '# Note',
    'note.md': '# note',
    'Caf\u00e9.md': 'NFC',
    'Cafe\u0301.md': 'NFD',
    'Links.md': '[[NOTE]] [[café]]',
  });
  try {
    const index = new VaultIndex(root);
    const report = await index.scan();
    assert.deepEqual(
      report.nameClashes.map((c) => c.paths),
      [['Cafe\u0301.md', 'Caf\u00e9.md'], ['Note.md', 'note.md']],
    );
    assert.deepEqual(
      index.linksFrom('Links.md').map((l) => l.status),
      ['ambiguous', 'ambiguous'],
    );
  } finally {
    await removeVault(root);
  }
});

test('a note at the vault root wins its bare name over a namesake in a folder (exact path first)', async () => {
  const root = await makeVault({
    'Dup.md': 'root',
    'sub/Dup.md': 'nested',
    'a/Dup.md': 'another',
    'Links.md': '[[Dup]] [[sub/Dup]] [t](sub/Dup.md) [[b/Dup]]',
  });
  try {
    const index = new VaultIndex(root);
    await index.scan();
    assert.deepEqual(
      index.linksFrom('Links.md').map((l) => l.target ?? l.status),
      ['Dup.md', 'sub/Dup.md', 'sub/Dup.md', 'broken'],
    );
  } finally {
    await removeVault(root);
  }
});

test('a root file keeps its bare name however a link writes it, and takes it over or gives it back as it comes and goes', async () => {
  // Two namesakes in folders make a bare name ambiguous, except that a file at the root keeps it (Obsidian).
  const links = '[[Dup]] [[Dup.md]] [[Dup#H]] ![[Dup]] [[/Dup]] [t](Dup.md) [[pic.png]] [p](pic.png)';
  const root = await makeVault({ 'Dup.md': '# H', 'sub/Dup.md': '# H', 'a/Dup.md': '# H', 'pic.png': 'png', 'sub/pic.png': 'png', 'other/Links.md': links });
  try {
    const index = new VaultIndex(root);
    const targets = () => index.linksFrom('other/Links.md').map((l) => l.target ?? l.status);
    const fresh = async () => assert.deepEqual(index.report(), await new VaultIndex(root).scan());
    await index.scan();
    assert.deepEqual(targets(), ['Dup.md', 'Dup.md', 'Dup.md', 'Dup.md', 'Dup.md', 'Dup.md', 'pic.png', 'pic.png']);

    await rm(join(root, 'Dup.md'));
    await index.remove('Dup.md');
    assert.deepEqual(targets().slice(0, 6), Array(6).fill('ambiguous'), 'without the root note, two namesakes');
    await fresh();
    await writeFile(join(root, 'Dup.md'), '# H');
    await index.update('Dup.md');
    assert.deepEqual(targets().slice(0, 6), Array(6).fill('Dup.md'), 'the root note takes its name back');
    await fresh();

    // With one namesake left, links resolve to it by name until a root note comes.
    await rm(join(root, 'Dup.md'));
    await index.remove('Dup.md');
    await rm(join(root, 'a'), { recursive: true });
    await index.remove('a');
    assert.deepEqual(targets().slice(0, 6), Array(6).fill('sub/Dup.md'));
    await writeFile(join(root, 'Dup.md'), '# H');
    await index.update('Dup.md');
    assert.deepEqual(targets().slice(0, 6), Array(6).fill('Dup.md'), 'a root note takes the name over from its namesake');
    await fresh();
  } finally {
    await removeVault(root);
  }
});

test('walk: nested .gitignore, folder globs and name globs', async () => {
  const root = await makeVault({
    'keep.md': 'kept',
    'sub/.gitignore': 'local.md\n',
    'sub/local.md': 'ignored by sub/.gitignore',
    'sub/other.md': 'kept',
    'local.md': 'kept: the rule lives in sub/',
    'Archive/2020/old.md': 'excluded by Archive/**',
    'Drawing.excalidraw.md': 'excluded by *.excalidraw.md',
    'deep/x/Drawing 2.excalidraw.md': 'excluded at any depth',
    '.trash/gone.md': 'a dot-folder',
  });
  try {
    const index = new VaultIndex(root, { exclude: ['Archive/**', '*.excalidraw.md'] });
    await index.scan();
    const kept = ['keep.md', 'sub/other.md', 'local.md'];
    for (const path of kept) assert.equal(index.has(path), true, path);
    for (const path of ['sub/local.md', 'Archive/2020/old.md', 'Drawing.excalidraw.md', 'deep/x/Drawing 2.excalidraw.md', '.trash/gone.md']) {
      assert.equal(index.has(path), false, path);
    }
    assert.equal(index.report().notes, kept.length);
  } finally {
    await removeVault(root);
  }
});

test('walk: a symbolic link to a file counts, one to a folder is not followed, a dangling one is left out', async () => {
  const root = await makeVault({ 'Notes/Real.md': '[[Alias]] [[Inside]]', 'Elsewhere/Inside.md': 'i' });
  try {
    await symlink(join(root, 'Notes/Real.md'), join(root, 'Alias.md'));
    await symlink(join(root, 'Elsewhere'), join(root, 'Linked folder'));
    await symlink(join(root, 'missing.md'), join(root, 'Dangling.md'));
    const index = new VaultIndex(root);
    const report = await index.scan();
    assert.equal(index.has('Alias.md'), true);
    assert.equal(index.has('Linked folder/Inside.md'), false, 'folders behind links can loop: not followed');
    assert.equal(index.has('Dangling.md'), false);
    assert.deepEqual([report.notes, report.brokenLinks], [3, []]);
  } finally {
    await removeVault(root);
  }
});

test('a missing folder or a file is a BerthError with a hint', async () => {
  await assert.rejects(new VaultIndex('/no/such/vault').scan(), (error: Error & { hint?: string; code?: string }) => {
    assert.equal(error.name, 'BerthError');
    assert.equal(error.code, 'VAULT_NOT_FOUND');
    assert.match(error.message, /No folder at \/no\/such\/vault/);
    assert.ok(error.hint);
    return true;
  });
  await assert.rejects(new VaultIndex(join(EDGE_CASES, 'Target.md')).scan(), /is a file, not a folder/);
});

test('a note is a file ending with .md in any case, and nothing else', () => {
  for (const path of ['a.md', 'a.MD', 'dir/a.Md', 'x.mD', '.md']) assert.equal(isNotePath(path), true, path);
  for (const path of ['a.mdx', 'a.m', 'md', 'a.nd', 'a.me', 'a_md', 'a.md.png', '']) assert.equal(isNotePath(path), false, path);
});

test('paths with a leading /, //, . or .. segments are normalized before the lookup', async () => {
  const links = [
    ['[[/Target]]', 'Target.md'],
    ['[[Folder//Deep Note]]', 'Folder/Deep Note.md'],
    ['[[Folder/./Deep Note]]', 'Folder/Deep Note.md'],
    ['[[Other/../Target]]', 'Target.md'],
    ['[[./Target]]', 'Target.md'],
    ['[x](/Folder/Deep%20Note.md)', 'Folder/Deep Note.md'],
    ['[x](./Folder/Deep%20Note.md)', 'Folder/Deep Note.md'],
    ['[x](Folder/../Target.md)', 'Target.md'],
    ['[[..]]', undefined],
    ['[[Folder/..]]', undefined],
  ] as const;
  const root = await makeVault({ 'Target.md': 't', 'Folder/Deep Note.md': 'd', 'Home.md': links.map(([link]) => link).join('\n') });
  try {
    const index = new VaultIndex(root);
    await index.scan();
    assert.deepEqual(
      index.linksFrom('Home.md').map((l) => [l.raw, l.target]),
      links.map(([link, target]) => [link.replace(/^\[x\]\(|^\[\[|\]\]$|\)$/g, ''), target]),
    );
  } finally {
    await removeVault(root);
  }
});

test('joinRelative is posix.join for a note folder and a relative path', () => {
  const folders = ['', 'a', 'a/b', 'a/b/c'];
  const parts = ['x.md', 'y', '.', '..', '', 'z z', '.hidden'];
  const paths = new Set<string>();
  for (const first of parts) for (const second of parts) for (const third of parts) paths.add(`${first}/${second}/${third}`);
  for (const part of parts) paths.add(part);
  for (const extra of ['../x.md', '../../x.md', '../../../../x.md', './x.md', '././x.md', 'a//b.md', '/abs.md', 'x/', '../', './', 'x/./y', 'x/../y', '.../x']) paths.add(extra);
  for (const folder of folders) for (const path of paths) assert.equal(joinRelative(folder, path), posix.join(folder, path), `${folder} + ${path}`);
});
