/**
 * `npm run mutate`: StrykerJS on the pure logic of the core, against the unit layer. Each test
 * file runs as its own node process (the tap runner: node:test prints TAP when piped), so Stryker
 * learns which files reach which mutant and runs only those. The integration layer is left out:
 * it needs Docker and takes minutes per run, too long to repeat for thousands of mutants.
 *
 * @type {import('@stryker-mutator/api/core').PartialStrykerOptions}
 */
export default {
  testRunner: 'tap',
  tap: { testFiles: ['test/unit/*.test.ts'], nodeArgs: ['--import', 'tsx', '-r', '{{hookFile}}'], forceBail: true },
  coverageAnalysis: 'perTest',
  // The modules whose rules are decided in code the unit tests can reach without an engine.
  mutate: [
    'src/core/sessions/{spec,hardening,labels,secrets,user,settings}.ts',
    'src/core/sessions/agent/*.ts',
    'src/core/vault/{resolve,score,links}.ts',
    'src/core/text.ts',
    'src/core/operations.ts',
  ],
  concurrency: 2,
  reporters: ['clear-text', 'progress', 'html', 'json'],
  // A run keeps its results beside the report; the next one tests again only the mutants whose
  // code or covering tests changed (a full run takes over an hour on two busy cores).
  incremental: true,
  incrementalFile: 'reports/mutation/stryker-incremental.json',
  // What the sandbox need not copy: builds, caches and screenshots.
  ignorePatterns: ['dist', 'out', 'test-results', 'bench/results', '.vscode-test', '.cache'],
};
