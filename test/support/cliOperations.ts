import { z } from 'zod';
import type { Io } from '../../src/cli/io.js';
import { runCli } from '../../src/cli/main.js';
import { BerthError } from '../../src/core/errors.js';
import { defineOperation, OperationRegistry } from '../../src/core/operations.js';

/** Small operations with the shapes the real ones have, so that CLI tests need no engine. */
export const make = defineOperation({
  name: 'thing.make',
  title: 'Make a thing',
  description: 'Makes a thing for the tests.',
  input: z.object({
    dir: z.string().optional().describe('Where to make it'),
    count: z.number().int().positive().default(1).describe('How many'),
    verbose: z.boolean().default(false),
    env: z.array(z.string()).default([]).describe('NAME=VALUE'),
    command: z.array(z.string()).optional(),
    fail: z.boolean().default(false),
  }),
  output: z.any(),
  annotations: { readOnlyHint: true, destructiveHint: false, idempotentHint: false, openWorldHint: false },
  cli: { command: ['thing', 'make'], positional: ['dir'], rest: 'command' },
  async run(input) {
    if (input.fail) throw new BerthError('The thing broke.', 'Try a smaller thing.', 'START_FAILED');
    return input;
  },
  format: (output) => `made ${output.count} in ${output.dir ?? '.'}${output.command ? `: ${JSON.stringify(output.command)}` : ''}`,
});

export const exec = defineOperation({
  name: 'box.exec',
  title: 'Run a command in a box',
  description: 'Runs a command inside a box.',
  input: z.object({
    id: z.string().min(1).describe('Box id or a unique prefix of it'),
    interactive: z.boolean().default(false).describe('Keep stdin open'),
    tty: z.boolean().default(false).describe('Allocate a terminal'),
    command: z.array(z.string(), { error: 'give the command after --' }).min(1, 'give the command after --'),
  }),
  output: z.any(),
  annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: false, openWorldHint: false },
  cli: {
    command: ['box', 'exec'],
    positional: ['id'],
    rest: 'command',
    short: { interactive: 'i', tty: 't' },
    examples: ['berth box exec 3f2a -- ls -la  # list the files', 'berth box exec -it 3f2a -- sh'],
  },
  async run(input) {
    return input;
  },
  format: (output) => `${output.id}${output.interactive ? ' -i' : ''}${output.tty ? ' -t' : ''} ${JSON.stringify(output.command)}`,
});

export const start = defineOperation({
  name: 'box.start',
  title: 'Start a box',
  description: 'Starts a box.',
  input: z.object({
    memoryMb: z.number().positive().default(4096).describe('Memory limit in MiB'),
    pidsLimit: z.number().int().default(512).describe('Most processes at once'),
    cpus: z.number().positive().optional().describe('CPU limit (default: 2)'),
    agent: z.string().default('claude').describe('claude or shell'),
    mount: z.enum(['rw', 'ro']).default('rw').describe('Workspace mount'),
    network: z.enum(['none', 'bridge', 'host']).optional().describe('Network mode'),
    name: z.string().describe('A name for it'),
  }),
  output: z.any(),
  annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: false, openWorldHint: false },
  cli: { command: ['box', 'start'] },
  async run(input) {
    return input;
  },
  format: (output) => `started ${output.name} with ${output.memoryMb} MiB`,
});

/** Several ids; asks before it does anything unless --yes, or says it cannot ask. */
export const stop = defineOperation({
  name: 'box.stop',
  title: 'Stop boxes',
  description: 'Stops one or more boxes.',
  input: z.object({ id: z.array(z.string()).min(1).describe('Box ids'), yes: z.boolean().default(false).describe('Do not ask') }),
  output: z.any(),
  annotations: { readOnlyHint: false, destructiveHint: true, idempotentHint: false, openWorldHint: false },
  cli: { command: ['box', 'stop'], positional: ['id'] },
  async run(input, ctx) {
    if (!input.yes) {
      if (!ctx.confirm) throw new BerthError('Nobody can confirm here.', 'Pass --yes.', 'START_FAILED');
      if (!(await ctx.confirm(`Stop ${input.id.length} boxes?`))) return { stopped: [] as string[] };
    }
    return { stopped: input.id };
  },
  format: (output) => (output.stopped.length ? `stopped ${output.stopped.join(' ')}` : 'nothing stopped'),
});

/** Reports progress, warns, streams, and waits for Ctrl-C: what long operations do. */
export const watch = defineOperation({
  name: 'box.watch',
  title: 'Watch a box',
  description: 'Reports progress and, with --hang, waits until interrupted.',
  input: z.object({
    steps: z.number().int().default(3),
    warn: z.boolean().default(false),
    hang: z.boolean().default(false),
  }),
  output: z.any(),
  annotations: { readOnlyHint: true, destructiveHint: false, idempotentHint: false, openWorldHint: false },
  cli: { command: ['box', 'watch'] },
  async run(input, ctx) {
    for (let step = 1; step <= input.steps; step++) ctx.progress({ message: `step ${step}`, fraction: step / input.steps });
    if (input.warn) ctx.warn?.('this box is NOT ISOLATED');
    if (input.hang) {
      ctx.emit?.('ready\n', 'stderr');
      // The timer stands for the socket a real operation waits on: without it the process would just end.
      const alive = setInterval(() => undefined, 1000);
      await new Promise((resolve) => ctx.signal.addEventListener('abort', resolve, { once: true }));
      clearInterval(alive);
    }
    return { steps: input.steps };
  },
  format: (output) => `watched ${output.steps} steps`,
});

/** Reads the terminal it is lent: piped stdin passes through. */
export const attach = defineOperation({
  name: 'box.attach',
  title: 'Attach to a box',
  description: 'Reads the person’s terminal.',
  input: z.object({}),
  output: z.any(),
  annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: false, openWorldHint: false },
  cli: { command: ['box', 'attach'] },
  async run(_input, ctx) {
    const terminal = ctx.terminal;
    if (!terminal) return { terminal: false, isTTY: false, read: '' };
    let read = '';
    if (!terminal.isTTY) for await (const chunk of terminal.input) read += chunk.toString();
    return { terminal: true, isTTY: terminal.isTTY, size: terminal.size(), read };
  },
  format: (output) => JSON.stringify(output),
});

export const doctor = defineOperation({
  name: 'doctor',
  title: 'Check the setup',
  description: 'Checks.',
  input: z.object({}),
  output: z.any(),
  annotations: { readOnlyHint: true, destructiveHint: false, idempotentHint: false, openWorldHint: false },
  cli: { command: ['doctor'] },
  async run() {
    return {};
  },
  format: () => 'fine',
});

export const testRegistry = () => new OperationRegistry([doctor, make, start, exec, stop, watch, attach]);

/** Runs the CLI in this process with the test operations and collects what it writes. */
export async function berth(argv: string[], io: Partial<Io> = {}, registry: OperationRegistry = testRegistry()) {
  const text = { stdout: '', stderr: '' };
  const code = await runCli(argv, { write: (chunk, stream) => (text[stream] += Buffer.from(chunk).toString('utf8')), isTTY: false, ...io }, registry);
  return { code, ...text };
}
