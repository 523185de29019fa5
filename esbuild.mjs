// Bundles the extension and the CLI. Plain JavaScript so that it runs before anything is compiled.
import * as esbuild from 'esbuild';
import { chmod } from 'node:fs/promises';

const watch = process.argv.includes('--watch');
const production = process.argv.includes('--production');
const vscodeTests = process.argv.includes('--vscode-tests');

// dockerode loads its BuildKit session support (gRPC + protobuf, about half the core bundle and
// most of its load time) at startup. Berth builds with the classic builder, so that module is
// replaced by one that explains itself if it is ever reached.
const withoutBuildKitSessions = {
  name: 'without-buildkit-sessions',
  setup(build) {
    build.onResolve({ filter: /^\.\/(session|buildkit)$/ }, (args) =>
      args.importer.includes('node_modules/dockerode/') ? { path: args.path, namespace: 'berth-stub' } : undefined,
    );
    build.onLoad({ filter: /.*/, namespace: 'berth-stub' }, () => ({
      contents:
        "module.exports = function () { throw new Error('BuildKit sessions are not included in Berth; images are built with the classic builder.'); };",
      loader: 'js',
    }));
  },
};

const common = {
  plugins: [withoutBuildKitSessions],
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  sourcemap: true,
  minify: production,
  logLevel: 'info',
  // ssh2 (through docker-modem) has optional native helpers; leaving them out keeps the bundle pure JS.
  external: ['cpu-features', './crypto/build/Release/sshcrypto.node'],
};

const builds = [
  // The extension entry stays small; it requires dist/core.js on first use (src/extension/coreLoader.ts).
  { ...common, entryPoints: ['src/extension/extension.ts'], outfile: 'dist/extension.js', external: [...common.external, 'vscode', './core.js'] },
  { ...common, entryPoints: ['src/core/index.ts'], outfile: 'dist/core.js' },
  { ...common, entryPoints: ['src/cli/main.ts'], outfile: 'dist/cli.js', banner: { js: '#!/usr/bin/env node' } },
  // The transcript webview's script: it renders the agent's markdown in the browser, so markdown-it
  // stays out of dist/extension.js (src/extension/sessions/transcriptPanel.ts).
  { entryPoints: ['media/transcript/main.js'], outfile: 'dist/transcript.js', bundle: true, platform: 'browser', format: 'iife', target: 'chrome120', sourcemap: true, minify: production, logLevel: 'info' },
];

if (vscodeTests) {
  builds.push({ ...common, entryPoints: ['test/vscode/extension.test.ts'], outfile: 'out/test/vscode/extension.test.js', external: ['vscode', 'mocha'] });
}

if (watch) {
  for (const options of builds) await (await esbuild.context(options)).watch();
} else {
  await Promise.all(builds.map((options) => esbuild.build(options)));
  await chmod('dist/cli.js', 0o755);
}
