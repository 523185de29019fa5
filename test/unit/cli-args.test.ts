import assert from 'node:assert/strict';
import { test } from 'node:test';
import { z } from 'zod';
import { runCli } from '../../src/cli/main.js';
import { argsToInput, UsageError, usageOf } from '../../src/cli/schemaArgs.js';
import { defineOperation, OperationRegistry } from '../../src/core/operations.js';
import { BerthError } from '../../src/core/errors.js';

const echo = defineOperation({
  name: 'thing.make',
  title: 'Make a thing',
  description: 'Makes a thing for the tests.',
  input: z.object({
    dir: z.string().optional(),
    count: z.number().int().positive().default(1),
    verbose: z.boolean().default(false),
    env: z.array(z.string()).default([]),
    command: z.array(z.string()).optional(),
    fail: z.boolean().default(false),
  }),
  annotations: { readOnly: true, destructive: false },
  cli: { command: ['thing', 'make'], positional: ['dir'], rest: 'command' },
  async run(input) {
    if (input.fail) throw new BerthError('The thing broke.', 'Try a smaller thing.');
    return input;
  },
  format: (output) => `made ${output.count} in ${output.dir ?? '.'}`,
});

function capture() {
  const out: string[] = [];
  const err: string[] = [];
  return { out, err, io: { stdout: (t: string) => out.push(t), stderr: (t: string) => err.push(t), isTTY: false } };
}

test('flags, positionals, repeated options and -- are mapped from the schema', () => {
  const input = argsToInput(echo, ['vault', '--count', '3', '--verbose', '--env', 'A=1', '--env', 'B=2', '--', 'ls', '-la']);
  assert.deepEqual(input, { dir: 'vault', count: 3, verbose: true, env: ['A=1', 'B=2'], command: ['ls', '-la'] });
});

test('unknown flags, extra positionals and non-numbers are usage errors', () => {
  assert.throws(() => argsToInput(echo, ['--nope']), UsageError);
  assert.throws(() => argsToInput(echo, ['a', 'b']), /unexpected argument "b"/);
  assert.throws(() => argsToInput(echo, ['--count', 'many']), /--count takes a number/);
});

test('usage lists the positional, the flags and the trailing command', () => {
  const usage = usageOf(echo);
  assert.match(usage, /^berth thing make \[dir\] \[--count <n>\] \[--verbose\] \[--env <value>\]\.\.\. \[--fail\] \[--json\] \[-- CMD\.\.\.\]/);
});

test('runCli prints text or JSON and returns the exit status', async () => {
  const registry = new OperationRegistry([echo]);
  const text = capture();
  assert.equal(await runCli(['thing', 'make', 'notes', '--count', '2'], text.io, registry), 0);
  assert.deepEqual(text.out, ['made 2 in notes']);

  const json = capture();
  assert.equal(await runCli(['thing', 'make', '--json'], json.io, registry), 0);
  assert.equal(JSON.parse(json.out[0]!).count, 1);
});

test('runCli turns bad input and failures into one line on stderr with a non-zero status', async () => {
  const registry = new OperationRegistry([echo]);
  const invalid = capture();
  assert.equal(await runCli(['thing', 'make', '--count', '0'], invalid.io, registry), 2);
  assert.equal(invalid.err.length, 1);
  assert.match(invalid.err[0]!, /^berth thing make: count: .*Run "berth thing make --help"/);

  const unknown = capture();
  assert.equal(await runCli(['nothing'], unknown.io, registry), 2);
  assert.match(unknown.err[0]!, /unknown command "nothing"/);

  const failed = capture();
  assert.equal(await runCli(['thing', 'make', '--fail'], failed.io, registry), 1);
  assert.deepEqual(failed.err, ['berth thing make: The thing broke. Try a smaller thing.']);
});
