import assert from 'node:assert/strict';
import { test } from 'node:test';
import { z } from 'zod';
import { findCommand } from '../../src/cli/commands.js';
import { defineOperation, OperationRegistry } from '../../src/core/operations.js';
import { berth, make } from '../support/cliOperations.js';

/** `berth thing WHAT`: an operation whose command words begin `thing make`'s. */
const thing = defineOperation({
  name: 'thing',
  title: 'Show a thing',
  description: 'Shows a thing by name.',
  input: z.object({ what: z.string() }),
  output: z.any(),
  annotations: { readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: false },
  cli: { command: ['thing'], positional: ['what'] },
  async run(input) {
    return input;
  },
  format: (output) => `thing ${output.what}`,
});

// Both orders: a registry that kept the first or the last match would pass in one of them.
const registries = () => [new OperationRegistry([thing, make]), new OperationRegistry([make, thing])];

test('the CLI runs the longer command, not the shorter one with its words as positionals', async () => {
  for (const registry of registries()) {
    assert.deepEqual(findCommand(registry, ['thing', 'lamp']), { kind: 'operation', operation: thing, rest: ['lamp'] });
    assert.deepEqual(findCommand(registry, ['box', 'make']), { kind: 'group', prefix: [], next: 'box' }, 'no command begins with box');
    assert.deepEqual(findCommand(registry, ['thing', 'make', 'here']), { kind: 'operation', operation: make, rest: ['here'] });
    assert.deepEqual(await berth(['thing', 'make', 'here'], {}, registry), { code: 0, stdout: 'made 1 in here\n', stderr: '' });
    assert.deepEqual(await berth(['thing', 'lamp'], {}, registry), { code: 0, stdout: 'thing lamp\n', stderr: '' });
  }
});
