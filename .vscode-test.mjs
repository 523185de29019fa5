import { defineConfig } from '@vscode/test-cli';

export default defineConfig({
  files: 'out/test/vscode/**/*.test.js',
  workspaceFolder: 'test/fixtures/demo-vault',
  mocha: { ui: 'tdd', timeout: 30000 },
});
