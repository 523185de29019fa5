// OperationRegistry.invoke is the one path every face takes: what it refuses, no face sees.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { z } from 'zod';
import { BerthError, InputError } from '../../src/core/errors.js';
import { defineOperation, OperationRegistry, silentContext } from '../../src/core/operations.js';

/** Returns what it is told to: a count, or (when asked to misbehave) a string in its place. */
const count = defineOperation({
  name: 'thing.count',
  title: 'Count things',
  description: 'Counts things.',
  input: z.object({ limit: z.number().int().positive(), misbehave: z.boolean().default(false) }),
  output: z.object({ count: z.number() }),
  annotations: { readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: false },
  cli: { command: ['thing', 'count'] },
  async run(input) {
    return (input.misbehave ? { count: 'many' } : { count: input.limit }) as { count: number };
  },
  format: (output) => String(output.count),
});

const ctx = silentContext('test', '/');

test('invoke returns what the output schema allows, and refuses what it does not', async () => {
  const registry = new OperationRegistry([count]);
  assert.equal(registry.get('thing.count'), count);
  assert.deepEqual(await registry.invoke('thing.count', { limit: 3 }, ctx), { count: 3 });
  await assert.rejects(
    registry.invoke('thing.count', { limit: 3, misbehave: true }, ctx),
    (error: unknown) => error instanceof BerthError && error.code === 'INTERNAL' && /thing\.count returned what its output schema does not allow/.test(error.message),
  );
});

test('invoke checks the input first and names the value it refused', async () => {
  const registry = new OperationRegistry([count]);
  await assert.rejects(registry.invoke('thing.count', { limit: -1 }, ctx), (error: unknown) => {
    assert.ok(error instanceof InputError);
    assert.equal(error.code, 'INPUT_INVALID');
    assert.deepEqual(error.issues[0]?.path, ['limit']);
    assert.equal(error.issues[0]?.input, -1, 'a face words the problem with the value it was given');
    return true;
  });
});

test('a name is registered once, and an unknown name is a bug of the face that asked', async () => {
  assert.throws(() => new OperationRegistry([count, count]), /thing\.count is registered twice/);
  await assert.rejects(
    new OperationRegistry([count]).invoke('thing.nothing', {}, ctx),
    (error: unknown) => error instanceof BerthError && error.code === 'INTERNAL' && /There is no operation "thing\.nothing"/.test(error.message),
  );
});
