import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, posix, resolve } from 'node:path';
import { buffer } from 'node:stream/consumers';
import { after, before, test } from 'node:test';
import * as yauzl from 'yauzl';
import { packageExtension } from '../support/vsix.js';

const repoRoot = resolve(__dirname, '..', '..');

let dir: string;
let vsix: string;
let output: string;
let files: Map<string, Buffer>;

async function readZip(path: string): Promise<Map<string, Buffer>> {
  const zip = await yauzl.openPromise(path, { lazyEntries: true });
  const entries = new Map<string, Buffer>();
  for await (const entry of zip.eachEntry()) {
    if (!entry.fileName.endsWith('/')) entries.set(entry.fileName, await buffer(await zip.openReadStreamPromise(entry)));
  }
  return entries;
}

const text = (name: string) => {
  const file = files.get(name);
  assert.ok(file, `${name} is in the package`);
  return file.toString('utf8');
};

before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'berth-package-test-'));
  vsix = join(dir, 'berth.vsix');
  output = await packageExtension(vsix);
  files = await readZip(vsix);
});

after(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

test('npm run package writes the .vsix and prints no warning', async (t) => {
  assert.match(output, /DONE\s+Packaged: .*berth\.vsix/);
  assert.doesNotMatch(output, /\bWARN(ING)?\b|\bERROR\b/);
  t.diagnostic(`${(await stat(vsix)).size} bytes; ${[...files.keys()].join(', ')}`);
});

test('the .vsix is a zip whose extension/package.json is the manifest', async () => {
  const manifest = JSON.parse(await readFile(join(repoRoot, 'package.json'), 'utf8'));
  assert.deepEqual(JSON.parse(text('extension/package.json')), manifest);
  assert.match(
    text('extension.vsixmanifest'),
    new RegExp(`<Identity [^>]*Id="${manifest.name}" Version="${manifest.version}" Publisher="${manifest.publisher}"`),
  );
});

test('it holds the five bundles and every file the manifest and the engine load', () => {
  const manifest = JSON.parse(text('extension/package.json'));
  const needed = new Set(['dist/extension.js', 'dist/core.js', 'dist/cli.js', 'dist/cli-engine.js', 'dist/docker-ssh.js', 'media/agent-image/Dockerfile', 'LICENSE.txt', 'readme.md']);
  // The transcript panel's webview loads these at run time (src/extension/sessions/transcriptPanel.ts).
  needed.add('dist/transcript.js').add('media/transcript/transcript.css');
  needed.add(posix.normalize(manifest.main));
  needed.add(posix.normalize(manifest.bin.berth));
  // Files the contributions name, such as the activity-bar and view icons.
  JSON.stringify(manifest.contributes, (_key, value) => {
    if (typeof value === 'string' && /^(\.\/)?media\//.test(value)) needed.add(posix.normalize(value));
    return value;
  });
  assert.ok(needed.has('media/berth.svg'), 'the manifest names its activity-bar icon');
  const missing = [...needed].filter((file) => !files.has(`extension/${file}`));
  assert.deepEqual(missing, []);
});

test('the packaged README is the repository README, its links as written', async () => {
  // Without a public repository there is no host to point relative links at; a made-up one
  // would only make them dead links. VS Code shows the README's text, and the images' alt text.
  assert.equal(text('extension/readme.md'), await readFile(join(repoRoot, 'README.md'), 'utf8'));
});

test('it holds nothing else: no sources, tests, dependencies or source maps', () => {
  const expected =
    /^(\[Content_Types\]\.xml|extension\.vsixmanifest|extension\/(package\.json|readme\.md|LICENSE\.txt|dist\/(extension|core|cli|cli-engine|docker-ssh|transcript)\.js|media\/(berth\.svg|agent-image\/.+|transcript\/transcript\.css|walkthrough\/[^/]+\.md)))$/;
  assert.deepEqual([...files.keys()].filter((name) => !expected.test(name)), []);
});
