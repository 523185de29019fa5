// The boundary rules of eslint.config.mjs, run through ESLint's API on code that exists only in
// memory at a path inside the tree: a clean `npm run lint` proves nothing if a rule stopped firing.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import { ESLint } from 'eslint';

const REPO = join(__dirname, '..', '..');
const eslint = new ESLint({ cwd: REPO });

/** The rules that report `code` as if it were the file at `path` (relative to the repository). */
async function violations(path: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath: join(REPO, path) });
  assert.ok(result, `ESLint linted nothing for ${path}`);
  return result.messages.map((message) => message.ruleId ?? `fatal: ${message.message}`);
}

test('the core may not import vscode, not even its types', async () => {
  assert.deepEqual(await violations('src/core/probe.ts', "import * as vscode from 'vscode';\nexport const folders = vscode.workspace.workspaceFolders;\n"), ['no-restricted-imports']);
  assert.deepEqual(await violations('src/core/sessions/probe.ts', "import type { Uri } from 'vscode';\nexport type Where = Uri;\n"), ['no-restricted-imports']);
  // Control: the same import is what the extension is made of.
  assert.deepEqual(await violations('src/extension/probe.ts', "import * as vscode from 'vscode';\nexport const folders = vscode.workspace.workspaceFolders;\n"), []);
});

test('the extension takes only types from the core; only coreLoader.ts loads its code', async () => {
  const value = "import { OperationRegistry } from '../core/operations.js';\nexport const registry = new OperationRegistry();\n";
  assert.deepEqual(await violations('src/extension/probe.ts', value), ['no-restricted-imports']);
  assert.deepEqual(await violations('src/extension/vault/probe.ts', value.replace('../core/', '../../core/')), ['no-restricted-imports']);
  assert.deepEqual(await violations('src/extension/probe.ts', "export { printable } from '../core/text.js';\n"), ['no-restricted-imports']);
  assert.deepEqual(await violations('src/extension/probe.ts', "export const load = () => import('../core/index.js');\n"), ['no-restricted-syntax']);

  assert.deepEqual(await violations('src/extension/probe.ts', "import type { OperationRegistry } from '../core/operations.js';\nexport let registry: OperationRegistry | undefined;\n"), []);
  assert.deepEqual(await violations('src/extension/probe.ts', "import { type OperationRegistry } from '../core/operations.js';\nexport let registry: OperationRegistry | undefined;\n"), []);
  assert.deepEqual(await violations('src/extension/coreLoader.ts', value), []);
  // The CLI is a face that runs in a process of its own: it imports the core's code freely.
  assert.deepEqual(await violations('src/cli/probe.ts', value), []);
});
