import { existsSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { cachePath } from './cache.js';
import { ensureNode24 } from './codeServer.js';
import { run } from './run.js';

export const CONFORMANCE_VERSION = '0.1.16';
const prefix = cachePath(`mcp-conformance-${CONFORMANCE_VERSION}`);
const entry = join(prefix, 'node_modules', '@modelcontextprotocol', 'conformance', 'dist', 'index.js');

/**
 * The MCP conformance suite, installed once into the cache folder and run with Node 24 (it
 * declares Node >= 22; the machine has Node 20). Returns the argv that runs its CLI.
 */
export async function ensureConformance(): Promise<string[]> {
  const node = await ensureNode24();
  if (!existsSync(entry)) {
    process.stderr.write(`[setup] npm install @modelcontextprotocol/conformance@${CONFORMANCE_VERSION} into ${prefix} (once)\n`);
    await mkdir(prefix, { recursive: true });
    await writeFile(join(prefix, 'package.json'), '{"private":true}\n');
    await run('npm', ['install', '--prefix', prefix, '--no-save', '--no-audit', '--no-fund', `@modelcontextprotocol/conformance@${CONFORMANCE_VERSION}`], { quiet: true });
    if (!existsSync(entry)) throw new Error(`@modelcontextprotocol/conformance@${CONFORMANCE_VERSION} installed into ${prefix} but ${entry} is missing.`);
  }
  return [node, entry];
}
