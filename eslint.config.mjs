// Lint for the boundaries the design relies on (core never sees vscode; the extension reaches the
// core only through its lazy loader) and typescript-eslint's recommended checks. Formatting is
// left to the authors: no stylistic rules.
import js from '@eslint/js';
import { defineConfig } from 'eslint/config';
import globals from 'globals';
import tseslint from 'typescript-eslint';

/**
 * An import path that reaches src/core from a folder beside or below it (src/extension,
 * src/extension/vault). Slashes are written \x2F because a regex in a selector cannot hold "/".
 */
const CORE_PATH = String.raw`^(\.\.\x2F)+core(\x2F|$)`;

export default defineConfig(
  { ignores: ['dist/', 'out/', 'test-results/', 'bench/results/', '.vscode-test/', '.cache/', '.stryker-tmp/', 'reports/mutation/'] },
  js.configs.recommended,
  tseslint.configs.recommended,
  {
    rules: {
      // Dropping a key by destructuring it into a named, unused variable is the house idiom.
      '@typescript-eslint/no-unused-vars': ['error', { ignoreRestSiblings: true }],
      // Control characters in regular expressions are the point where the code escapes them in
      // names and terminal output.
      'no-control-regex': 'off',
    },
  },
  {
    // Plain JavaScript that TypeScript does not check: the bootstrap, the bundler, the bench stubs.
    files: ['**/*.mjs', '**/*.cjs'],
    languageOptions: { globals: globals.node },
  },
  {
    // CommonJS by design: the bench loads built bundles and stubs `vscode` through require().
    files: ['**/*.cjs', 'bench/**'],
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
  {
    // The core runs in the CLI, in tests and in containers: it never imports vscode, not even its types.
    files: ['src/core/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [{ name: 'vscode', message: 'src/core runs outside VS Code too; the extension adapts the core to vscode, not the other way round.' }],
          patterns: [{ regex: String.raw`^(\.\./)+(extension|cli)(/|$)`, message: 'The core knows no face: the CLI and the extension call the core, never the reverse.' }],
        },
      ],
    },
  },
  {
    // Activation stays cheap: the extension takes only types from the core; its code arrives on
    // first use through coreLoader.ts (dist/core.js), the one file allowed to load it.
    files: ['src/extension/**'],
    ignores: ['src/extension/coreLoader.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              regex: CORE_PATH,
              allowTypeImports: true,
              message: 'Import the core as types only (import type); its code is loaded lazily through loadCore() in coreLoader.ts.',
            },
          ],
        },
      ],
      'no-restricted-syntax': [
        'error',
        {
          selector: `ImportExpression[source.value=/${CORE_PATH}/]`,
          message: 'The core is loaded through loadCore() in coreLoader.ts; a dynamic import would bundle it into dist/extension.js.',
        },
        {
          selector: `CallExpression[callee.name='require'][arguments.0.value=/${CORE_PATH}/]`,
          message: 'The core is loaded through loadCore() in coreLoader.ts; a require() would bundle it into dist/extension.js.',
        },
      ],
    },
  },
);
