import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';

const codeCache = join(__dirname, '..', '..', 'src', 'cli', 'codeCache.ts');
const root = mkdtempSync(join(tmpdir(), 'berth-code-cache-'));
after(() => rmSync(root, { recursive: true, force: true }));

/** A bundle as esbuild writes one: CommonJS, requiring a built-in, throwing from a known line when asked. */
const bundle = (value: string) =>
  ["'use strict';", "const { sep } = require('node:path');", `exports.value = '${value}';`, 'exports.sep = sep;', "exports.fail = () => { throw new Error('from line 5'); };", ''].join('\n');

/** Requires `file` through the code cache in a fresh process, as the CLI's entry does, and reports what it saw. */
function load(file: string, dir: string) {
  const script = `
    const { requireCached } = require(${JSON.stringify(codeCache)});
    const loaded = requireCached(process.argv[1], 'part', process.argv[2]);
    let line = null;
    try { loaded.fail(); } catch (error) { line = Number(/:(\\d+):\\d+\\)?$/m.exec(error.stack.split('\\n')[1])[1]); }
    process.stdout.write(JSON.stringify({ value: loaded.value, sep: loaded.sep, line }));`;
  const result = spawnSync(process.execPath, ['--import', 'tsx', '-e', script, file, dir], { encoding: 'utf8' });
  assert.equal(result.status, 0, result.stderr);
  assert.equal(result.stderr, '');
  return JSON.parse(result.stdout) as { value: string; sep: string; line: number };
}

const caches = (dir: string) => readdirSync(dir).filter((name) => name.endsWith('.v8'));

test('the first run writes the cache, private to the person; the next runs use it as it is', () => {
  const dir = join(root, 'first', 'cache');
  const file = join(root, 'first-bundle.js');
  writeFileSync(file, bundle('a'));
  assert.deepEqual(load(file, dir), { value: 'a', sep: '/', line: 5 });
  const [name] = caches(dir);
  assert.match(name ?? '', /^first-bundle-part-[0-9a-f]{16}\.v8$/);
  assert.equal(statSync(dir).mode & 0o777, 0o700);
  assert.equal(statSync(join(dir, name!)).mode & 0o777, 0o600);
  const written = statSync(join(dir, name!));
  // Line numbers are the file's, through the wrapper around it.
  assert.deepEqual(load(file, dir), { value: 'a', sep: '/', line: 5 });
  const reread = statSync(join(dir, name!));
  // V8 took the cache: a rejected one would have been written anew.
  assert.deepEqual([reread.ino, reread.mtimeMs], [written.ino, written.mtimeMs]);
  assert.deepEqual(caches(dir), [name]);
});

test('a changed bundle of the same length runs its new code and replaces the stale cache', () => {
  // V8 would accept the old cache for this source (it checks only the length) and run the old code.
  const dir = join(root, 'changed');
  const file = join(root, 'changed-bundle.js');
  writeFileSync(file, bundle('a'));
  load(file, dir);
  const [before] = caches(dir);
  writeFileSync(file, bundle('b'));
  assert.equal(load(file, dir).value, 'b');
  const [now, ...others] = caches(dir);
  assert.notEqual(now, before);
  assert.deepEqual(others, []);
});

test('a cache that V8 refuses is replaced, and one that cannot be written is no cache: the module loads either way', () => {
  const dir = join(root, 'refused');
  const file = join(root, 'refused-bundle.js');
  writeFileSync(file, bundle('a'));
  load(file, dir);
  const [name] = caches(dir);
  writeFileSync(join(dir, name!), 'not a code cache');
  assert.equal(load(file, dir).value, 'a');
  assert.ok(statSync(join(dir, name!)).size > 100, 'the refused cache was written anew');

  // A file where the folder should be: nothing can be cached there.
  const blocked = join(root, 'blocked');
  writeFileSync(blocked, '');
  assert.equal(load(file, join(blocked, 'cache')).value, 'a');
});
