// Bundles the extension and the CLI. Plain JavaScript so that it runs before anything is compiled.
import * as esbuild from 'esbuild';
import { chmod } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { resolve } from 'node:path';

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

// docker-modem requires ssh2 at startup, though only ssh:// engines use it, and ssh2 with its crypto
// is a quarter of a bundle (730 KB) that every run would read. A stand-in with the same signature
// requires dist/docker-ssh.js, a bundle of its own, on the first ssh:// connection.
const SSH_BUNDLE = './docker-ssh.js';
const sshOnDemand = {
  name: 'ssh-on-demand',
  setup(build) {
    build.onResolve({ filter: /^\.\/ssh$/ }, (args) => (args.importer.includes('node_modules/docker-modem/') ? { path: args.path, namespace: 'berth-ssh' } : undefined));
    build.onLoad({ filter: /.*/, namespace: 'berth-ssh' }, () => ({
      contents: `module.exports = function (options) { return require(${JSON.stringify(SSH_BUNDLE)})(options); };`,
      loader: 'js',
    }));
    build.onResolve({ filter: /^\.\/docker-ssh\.js$/ }, (args) => (args.namespace === 'berth-ssh' ? { path: args.path, external: true } : undefined));
  },
};

const common = {
  plugins: [withoutBuildKitSessions, sshOnDemand],
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

/**
 * dist/cli.js holds no operation: its src/cli/describeCatalog.ts is replaced by that module's own
 * result, computed here from the catalog (and again in watch mode when an operation changes), so
 * that help, finding a command and reading its flags load no schema. Running a command requires
 * dist/cli-engine.js (src/cli/load.ts).
 */
const bakedCommands = {
  name: 'baked-commands',
  setup(build) {
    build.onLoad({ filter: /src[\\/]cli[\\/]describeCatalog\.ts$/ }, async (args) => {
      const result = await esbuild.build({ ...common, entryPoints: [args.path], write: false, metafile: true, sourcemap: false, minify: false, logLevel: 'silent', outfile: 'describe.js' });
      const module = { exports: {} };
      new Function('module', 'exports', 'require', result.outputFiles[0].text)(module, module.exports, createRequire(import.meta.url));
      return {
        contents: `export const describeCatalog = () => ${JSON.stringify(module.exports.describeCatalog())};`,
        loader: 'js',
        watchFiles: Object.keys(result.metafile.inputs).map((input) => resolve(input)),
      };
    });
  },
};

const builds = [
  // The extension entry stays small; it requires dist/core.js on first use (src/extension/coreLoader.ts).
  { ...common, entryPoints: ['src/extension/extension.ts'], outfile: 'dist/extension.js', external: [...common.external, 'vscode', './core.js'] },
  { ...common, entryPoints: ['src/core/index.ts'], outfile: 'dist/core.js' },
  {
    ...common,
    plugins: [...common.plugins, bakedCommands],
    entryPoints: ['src/cli/main.ts'],
    outfile: 'dist/cli.js',
    define: { BERTH_ENGINE_BUNDLE: JSON.stringify('cli-engine.js') },
    banner: { js: '#!/usr/bin/env node' },
  },
  { ...common, entryPoints: ['src/cli/engine.ts'], outfile: 'dist/cli-engine.js' },
  { ...common, plugins: [], entryPoints: ['node_modules/docker-modem/lib/ssh.js'], outfile: `dist/${SSH_BUNDLE.slice(2)}` },
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
