// Sets up what each test layer needs (a Docker engine, code-server, Chromium), builds, then runs
// every layer in one node:test run so that the output ends with one summary.
import { spawn } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ensureCodeServer } from '../test/support/codeServer.js';
import { ensureDebianPackages } from '../test/support/debian.js';
import { ensureDocker, type DockerHandle } from '../test/support/docker.js';
import { run } from '../test/support/run.js';
import { packageExtension } from '../test/support/vsix.js';

const LAYERS = ['unit', 'integration', 'e2e'] as const;
type Layer = (typeof LAYERS)[number];

function testFiles(layer: Layer): string[] {
  const dir = join('test', layer);
  return readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .filter((file) => file.endsWith('.test.ts'))
    .sort()
    .map((file) => join(dir, file));
}

async function main(): Promise<number> {
  const requested = process.argv.slice(2);
  const unknown = requested.filter((layer) => !(LAYERS as readonly string[]).includes(layer));
  if (unknown.length) {
    console.error(`test: unknown layer ${unknown.join(', ')}; the layers are ${LAYERS.join(', ')}.`);
    return 2;
  }
  const layers: Layer[] = requested.length ? (requested as Layer[]) : [...LAYERS];

  console.error('[setup] type-checking, linting and building…');
  await run('npx', ['tsc', '--noEmit', '-p', '.']);
  // Quiet: on failure the error carries ESLint's report, so it is printed once.
  await run('npx', ['eslint', '.'], { quiet: true });
  await run(process.execPath, ['esbuild.mjs'], { quiet: true });

  let docker: DockerHandle | undefined;
  let vsixDir: string | undefined;
  try {
    if (layers.includes('integration') || layers.includes('e2e')) {
      docker = await ensureDocker();
      console.error(`[setup] Docker engine ${docker.version} answers.`);
    }
    if (layers.includes('e2e')) {
      await ensureDebianPackages(['chromium'], 'the e2e tests (a real browser)');
      await ensureCodeServer();
      // Packaged once for all e2e files, each of which installs it into its own code-server.
      console.error('[setup] packaging the extension (npm run package)…');
      vsixDir = await mkdtemp(join(tmpdir(), 'berth-vsix-'));
      process.env.BERTH_VSIX = join(vsixDir, 'berth.vsix');
      await packageExtension(process.env.BERTH_VSIX);
    }
    const files = layers.flatMap(testFiles);
    return await new Promise<number>((resolve) => {
      const child = spawn(
        process.execPath,
        ['--import', 'tsx', '--test', '--test-concurrency=1', '--test-reporter=spec', ...files],
        { stdio: 'inherit' },
      );
      child.on('close', (code) => resolve(code ?? 1));
    });
  } finally {
    await docker?.stop();
    if (vsixDir) await rm(vsixDir, { recursive: true, force: true });
  }
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(`\n[setup] ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  },
);
