import assert from 'node:assert/strict';
import { test } from 'node:test';
import { loadAll } from 'js-yaml';
import { isPlainMapping } from '../../src/core/vault/frontmatter.js';
import { own, parseNote, type ParsedLink } from '../../src/core/vault/links.js';

const targets = (text: string) => parseNote(text).links.map((l) => l.raw);
const only = (text: string): ParsedLink => {
  const { links } = parseNote(text);
  assert.equal(links.length, 1, `expected one link in ${JSON.stringify(text)}, got ${JSON.stringify(links)}`);
  return links[0]!;
};

test('wikilinks: name, extension, alias, table alias, headings, blocks, whitespace', () => {
  const cases: [string, Partial<ParsedLink>][] = [
    ['[[Note]]', { path: 'Note', fragment: undefined, syntax: 'wikilink', embed: false }],
    ['[[Note.md]]', { path: 'Note.md' }],
    ['[[Note|an alias]]', { path: 'Note', raw: 'Note' }],
    ['| [[Note\\|alias]] |', { path: 'Note', raw: 'Note' }],
    ['[[Note#Heading]]', { path: 'Note', fragment: 'Heading' }],
    ['[[Note#A#B]]', { path: 'Note', fragment: 'A#B' }],
    ['[[#Heading]]', { path: '', fragment: 'Heading' }],
    ['[[Note#^block-1]]', { path: 'Note', fragment: '^block-1' }],
    ['[[  Note  ]]', { path: 'Note', raw: 'Note' }],
    ['[[folder/Note]]', { path: 'folder/Note' }],
    ['![[file.png]]', { path: 'file.png', embed: true }],
    ['![[img.png|100x145]]', { path: 'img.png', embed: true }],
    ['![[doc.pdf#page=3]]', { path: 'doc.pdf', fragment: 'page=3', embed: true }],
  ];
  for (const [text, expected] of cases) {
    const link = only(text);
    for (const [key, value] of Object.entries(expected)) {
      assert.deepEqual(link[key as keyof ParsedLink], value, `${text}: ${key}`);
    }
  }
});

test('markdown links: relative, encoded, angle brackets, titles, images, references', () => {
  const cases: [string, Partial<ParsedLink>][] = [
    ['[t](path.md)', { path: 'path.md', syntax: 'markdown', embed: false }],
    ['[t](path)', { path: 'path' }],
    ['[t](My%20Note.md)', { path: 'My Note.md', raw: 'My%20Note.md' }],
    ['[t](<path with spaces.md>)', { path: 'path with spaces.md' }],
    ['[t](path.md "a title")', { path: 'path.md' }],
    ["[t](path.md 'a title')", { path: 'path.md' }],
    ['[t](path.md (a title))', { path: 'path.md' }],
    ['[t](../up/note.md#Some%20Heading)', { path: '../up/note.md', fragment: 'Some Heading' }],
    ['[t](#local)', { path: '', fragment: 'local' }],
    ['![alt](img.png)', { path: 'img.png', embed: true }],
    ['[a [nested] text](nested.md)', { path: 'nested.md' }],
    ['[t](file_(1).md)', { path: 'file_(1).md' }],
    ['[t][ref]\n\n[ref]: target.md "Title"', { path: 'target.md', line: 1, column: 1, length: 8 }],
    ['[ref][]\n\n[ref]: <target one.md>', { path: 'target one.md' }],
    ['[Ref]\n\n[ref]: target.md', { path: 'target.md' }],
  ];
  for (const [text, expected] of cases) {
    const link = only(text);
    for (const [key, value] of Object.entries(expected)) {
      assert.deepEqual(link[key as keyof ParsedLink], value, `${text}: ${key}`);
    }
  }
});

test('not links: code, comments, footnotes, URLs, malformed brackets, frontmatter values', () => {
  const notLinks = [
    '```\n[[In Fence]]\n```',
    '~~~md\n[[In Tilde Fence]]\n~~~',
    '````\n```\n[[Still In Fence]]\n```\n````',
    '- item\n\n    ```\n    [[In Indented Fence]]\n    ```',
    '> ```\n> [[In Quoted Fence]]\n> ```',
    '`[[Inline]]`',
    '``[[Double `tick`]]``',
    '%% [[In Comment]] %%',
    '%%\n[[Comment Over Lines]]\n%%',
    '<!-- [[In Html Comment]] -->',
    '<!--\n[[Html Comment Over Lines]]\n-->',
    'A footnote[^1].\n\n[^1]: The note.',
    '[site](https://example.com/x.md) [m](mailto:a@b.c) [f](obsidian://open?vault=x) [p](//cdn.example.com/a.md)',
    '[[unclosed',
    '[[unclosed\non two lines]]',
    '[[a]b]]',
    '[[]] [[ ]] [[#]] [t]()',
    '- [ ] task\n- [x] done',
    '[undefined reference][nowhere] and [shortcut]',
    '---\nrelated: "[[In Frontmatter]]"\nsee: "[x](in-frontmatter.md)"\n---\nBody.',
    '\\[[escaped]]',
  ];
  for (const text of notLinks) assert.deepEqual(targets(text), [], text);
});

test('links around code and comments still count', () => {
  assert.deepEqual(targets('`code` [[A]] `more` [[B]]'), ['A', 'B']);
  assert.deepEqual(targets('%% hidden %% [[After Comment]]'), ['After Comment']);
  assert.deepEqual(targets('```\ncode\n```\n[[After Fence]]'), ['After Fence']);
  assert.deepEqual(targets('<!-- unclosed html comment is text [[Counted]]'), ['Counted']);
  assert.deepEqual(targets('Text [[Before]] %% an unclosed Obsidian comment hides the rest\n[[Hidden]]'), ['Before']);
  assert.deepEqual(targets('```a``` is inline code, not a fence [[Counted]]'), ['Counted']);
  assert.deepEqual(targets('[see [[Inner]] here]'), ['Inner']);
  assert.deepEqual(targets('[[[Triple]]'), ['Triple']);
});

test('positions are 1-based lines and UTF-16 columns, with CRLF and a BOM', () => {
  const note = parseNote('\uFEFF# Title\r\n\r\nSee 😀 [[Target|x]] and ![[a.png]]\r\n');
  assert.deepEqual(
    note.links.map(({ line, column, length }) => ({ line, column, length })),
    [
      { line: 3, column: 8, length: 12 },
      { line: 3, column: 25, length: 10 },
    ],
  );
  const withFrontmatter = parseNote('---\na: 1\n---\n[[X]]');
  assert.equal(withFrontmatter.links[0]!.line, 4);
});

test('frontmatter: valid, invalid (reported, scan goes on), unclosed, empty', () => {
  assert.equal(parseNote('---\ntags: [a, b]\n---\n').frontmatterProblem, undefined);
  assert.equal(parseNote('---\n---\nbody').frontmatterProblem, undefined);
  assert.equal(parseNote('---\n# only a comment\n---\nbody').frontmatterProblem, undefined);
  const invalid = parseNote('---\ntitle: ok\ntags: [a\n---\n[[Still Counted]]');
  assert.equal(invalid.frontmatterProblem?.line, 4);
  assert.match(invalid.frontmatterProblem!.message, /^Invalid YAML/);
  assert.deepEqual(invalid.links.map((l) => l.raw), ['Still Counted']);
  assert.match(parseNote('---\n- a list\n---\n').frontmatterProblem!.message, /not a list/);
  // Without a closing line there is no frontmatter: the text is the note.
  const unclosed = parseNote('---\n[[Counted]]');
  assert.equal(unclosed.frontmatterProblem, undefined);
  assert.deepEqual(unclosed.links.map((l) => l.raw), ['Counted']);
});

test('the frontmatter fast path accepts only what js-yaml accepts as a mapping', () => {
  const samples = [
    ['tags: [a, b]\ncreated: 2024-01-21', true],
    ['title: Hello world\nalias: my note', true],
    ['tags:\n  - a\n  - b', true],
    ['tags:\n- a\n- b', true],
    ['x: []\nk:', true],
    ['a: 1\na: 2', false],
    ['tags:\n  - a\n - b', false],
    ['a: 1\n- x', false],
    ['key: value: other', false],
    ['key: - x', false],
    ['a: b\n  c: d', false],
    ['x: !tag', false],
    ['x: [a, [b]]', false],
    ['url: http://x', false],
    ['a: 1\n\nb: [x, y]  \r\nc:', true],
    ['a: 1\nb: 2\na: 3', false],
    ['a b: c\na  b: d', false],
    // Longer than the fast path takes: the line by line check decides.
    [Array.from({ length: 200 }, (_, i) => `key${i}: value ${i}`).join('\n'), true],
    [Array.from({ length: 200 }, (_, i) => `key${i}: value ${i}`).join('\n') + '\nkey7: again', false],
  ] as const;
  for (const [yaml, fast] of samples) {
    assert.equal(isPlainMapping(yaml), fast, yaml);
    if (fast) assert.equal(typeof loadAll(yaml)[0], 'object', `js-yaml reads ${JSON.stringify(yaml)} as a mapping`);
    else assert.equal(parseNote(`---\n${yaml}\n---\n`).frontmatterProblem === undefined, /^(x: \[a|url|a b)/.test(yaml), yaml);
  }
});

test('empty notes: nothing but whitespace after the frontmatter', () => {
  assert.equal(parseNote('').empty, true);
  assert.equal(parseNote(' \n\t\n').empty, true);
  assert.equal(parseNote('---\ntags: [x]\n---\n\n').empty, true);
  assert.equal(parseNote('---\ntags: [x]\n---\nx').empty, false);
  assert.equal(parseNote('# Title').empty, false);
});

test('headings and block ids, outside code', () => {
  const note = parseNote(
    [
      '# One',
      '## Two ##',
      '#tag is not a heading',
      '####### seven is not a heading',
      '```',
      '# In Code',
      'code ^in-code',
      '```',
      'A paragraph. ^Para-1',
      '- item ^item-2',
      '^solo',
      'not^glued',
    ].join('\n'),
  );
  assert.deepEqual(note.headings, ['One', 'Two']);
  assert.deepEqual([...note.blocks].sort(), ['item-2', 'para-1', 'solo']);
});

test('the first definition of a reference wins and definitions may follow their use', () => {
  assert.deepEqual(targets('[a][r]\n\n[r]: first.md\n[r]: second.md'), ['first.md']);
  assert.deepEqual(targets('[r]: def.md\n\n[x][r] and [y][R]'), ['def.md', 'def.md']);
  assert.deepEqual(targets('[r]: https://example.com\n\n[x][r]'), []);
});

test('frontmatter ends at the first `---` line, whitespace after the dashes allowed', () => {
  assert.equal(parseNote('---\ntags: [a]  \n\nk: v\r\n---  \n[[X]]').links[0]!.line, 6);
  assert.equal(parseNote('---\r\na: 1\r\n---\r\n[[X]]').links[0]!.line, 4);
  // `----` opens none: the note starts at its first line.
  assert.equal(parseNote('----\na: 1\n---\n[[X]]').links[0]!.line, 4);
});

test('a lone % or < is text; %% and <!-- begin comments', () => {
  assert.deepEqual(targets('100% sure [[A]] 50% <b> a<!- [[B]] %'), ['A', 'B']);
  assert.deepEqual(targets('[t](a%20b.md) %% [[Hidden]] %% [[C]]'), ['a%20b.md', 'C']);
});

test('a wikilink ends at its first `]`, which must begin `]]`; one that names nothing leaves its brackets to markdown', () => {
  assert.deepEqual(targets('[[a]]] [[b]c]] [[d|e]f]]'), ['a']);
  // `[[#]]` is no wikilink, but the `[#]` inside it is a shortcut reference, a link once defined.
  const { links } = parseNote('[[#]]\n\n[#]: d.md');
  assert.deepEqual(links.map(({ raw, syntax, column, length }) => ({ raw, syntax, column, length })), [{ raw: 'd.md', syntax: 'markdown', column: 2, length: 3 }]);
});

test('a block id is the last `^` of its line, after a blank or at the start', () => {
  assert.deepEqual(parseNote('a ^x b ^id\nx^y ^Two\n^3 \t\nno ^ \nq ^a_b').blocks, ['id', 'two', '3']);
});

test('a line on which a comment closes begins nothing: no heading, no block id', () => {
  const note = parseNote('%% a\nb %% # Not a heading ^nope [[After]]\n# Heading');
  assert.deepEqual(note.headings, ['Heading']);
  assert.deepEqual(note.blocks, []);
  assert.deepEqual(note.links.map((l) => [l.raw, l.line, l.column]), [['After', 2, 28]]);
});

test('own() copies a text exactly, with or without %, escapes, control characters and lone surrogates', () => {
  const texts = ['short', 'a/longer/path/Note 12.md', '../a/Note%20b.md', '%E0%A4%A', 'x%', '\0w\x01m/dir\0[[x]] raw', 'lone \uD800 surrogate here', 'Ünïcödé nämes, long enough', ''];
  for (const text of texts) assert.equal(own(text), text);
  const note = `# Title\n\nsee [[${'a'.repeat(40)}]]`;
  assert.equal(own(note.slice(15, 55)), 'a'.repeat(40));
});
