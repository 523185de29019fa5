import * as z from 'zod';
import { BerthError, describeError } from '../errors.js';
import { defineOperation, type AnyOperation, type OperationContext, type TerminalIo } from '../operations.js';
import { callerPath } from '../paths.js';
import { printable } from '../text.js';
import { formatTranscriptEvent, transcriptEventSchema, transcriptEvents, type TranscriptEvent } from './agent/transcript.js';
import { DEFAULT_LIMITS } from './hardening.js';
import { buildAgentImage } from './image.js';
import { newOwner } from './owner.js';
import type { ReconcileReason } from './reconcile.js';
import type { CallContext, SessionService } from './service.js';
import type { SessionRequest } from './spec.js';
import { sessionHealthSchema, sessionSchema, sessionStatsSchema } from './schemas.js';
import type { Session } from './types.js';

const id = z.string({ error: 'give a session id (run "berth session list")' }).min(1, 'give a session id (run "berth session list")').describe('Session id or a unique prefix of it');
const ids = z.array(z.string().min(1), { error: 'give at least one session id (run "berth session list")' }).min(1, 'give at least one session id').describe('Session ids or unique prefixes');
/** Output kept per stream in a result when there is no stream to write it to (MCP, --json); the newest is kept. */
const MAX_COLLECTED_BYTES = 1024 * 1024;
/** Transcript events kept in a result under the same rule. */
const MAX_COLLECTED_EVENTS = 2000;

const execOutput = z.object({
  id: z.string(),
  exitCode: z.number(),
  stdout: z.string().nullable().describe('null when the output was streamed to the caller'),
  stderr: z.string().nullable(),
  truncated: z.boolean().describe('More was printed than a result keeps (the newest 1 MiB per stream)'),
});

const logsOutput = z.object({
  id: z.string(),
  stdout: z.string().nullable().describe('null when streamed, or with --transcript'),
  stderr: z.string().nullable(),
  events: z.array(transcriptEventSchema).nullable().describe('Claude Code’s transcript as typed events, with --transcript'),
  truncated: z.boolean().describe('More was printed than a result keeps (the newest 1 MiB per stream, 2,000 events)'),
});

/** Runs an operation body so that no error leaves with a secret in it, and audits failures. */
async function guarded<T>(service: SessionService, ctx: OperationContext, action: string, body: () => Promise<T>): Promise<T> {
  try {
    return await body();
  } catch (error) {
    const { message, hint } = describeError(error);
    const code = error instanceof BerthError ? error.code : 'INTERNAL';
    const safe = new BerthError(await service.redact(message), hint && (await service.redact(hint)), code);
    await (await service.audit()).append({ origin: ctx.origin, action: `${action}-failed`, detail: { error: safe.message, code } }).catch(() => undefined);
    throw safe;
  }
}

const call = (ctx: OperationContext): CallContext => ({ origin: ctx.origin, signal: ctx.signal, ...(ctx.warn ? { warn: ctx.warn } : {}), ...(ctx.owner ? { owner: ctx.owner } : {}) });

function age(created: string): string {
  const seconds = Math.max(0, (Date.now() - Date.parse(created)) / 1000);
  if (!Number.isFinite(seconds)) return '?';
  if (seconds < 60) return `${Math.round(seconds)}s`;
  if (seconds < 3600) return `${Math.round(seconds / 60)}m`;
  return `${Math.round(seconds / 3600)}h`;
}

export function formatSessions(sessions: Session[]): string {
  if (sessions.length === 0) return 'No sessions. Start one with `berth session start`.';
  const rows = [
    ['ID', 'AGENT', 'STATE', 'AGE', 'ISOLATION', 'OWNER', 'POLICY', 'WORKSPACE'],
    ...sessions.map((s) =>
      [
        s.id,
        s.agent,
        s.state === 'exited' && s.exitCode !== null ? `exited (${s.exitCode})` : s.state,
        age(s.created),
        s.isolated ? s.provider : 'NOT ISOLATED',
        s.owner ?? '-',
        policyCell(s),
        s.workspace,
      ].map(printable),
    ),
  ];
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((row) => row[i]!.length)));
  return rows.map((row) => row.map((cell, i) => (i === row.length - 1 ? cell : cell.padEnd(widths[i]!))).join('  ')).join('\n');
}

/** The policy, and for a session whose owner is gone, how long until it stops. */
function policyCell(session: Session): string {
  if (!session.policy) return '-';
  if (!session.stopsAt) return session.policy;
  const seconds = Math.max(0, Math.round((Date.parse(session.stopsAt) - Date.now()) / 1000));
  return `owner gone: stops in ${seconds}s`;
}

const REASONS: Record<ReconcileReason, string> = {
  'owner-gone': 'its owner is gone',
  'max-age': 'past its maximum age',
  'half-made': 'a start that never finished',
  retention: 'ended longer ago than the retention period; output archived',
};

/** The newest `limit` bytes of a stream, for a result that must stay bounded whatever the session printed. */
class TailBuffer {
  private chunks: Buffer[] = [];
  private size = 0;
  truncated = false;

  constructor(private readonly limit: number) {}

  push(chunk: Buffer): void {
    this.chunks.push(chunk);
    this.size += chunk.length;
    while (this.size > this.limit) {
      const first = this.chunks[0]!;
      const excess = this.size - this.limit;
      if (first.length <= excess) this.chunks.shift();
      else this.chunks[0] = first.subarray(excess);
      this.size -= Math.min(first.length, excess);
      this.truncated = true;
    }
  }

  text(): string {
    let bytes = Buffer.concat(this.chunks);
    // A cut may land inside a character: start at the next whole one.
    if (this.truncated) while (bytes.length && (bytes[0]! & 0xc0) === 0x80) bytes = bytes.subarray(1);
    return bytes.toString('utf8');
  }
}

/** Output goes to the face as it comes when it can take it (CLI text), else into a bounded result. */
function collector(ctx: OperationContext) {
  const tails = { stdout: new TailBuffer(MAX_COLLECTED_BYTES), stderr: new TailBuffer(MAX_COLLECTED_BYTES) };
  const sink = (stream: 'stdout' | 'stderr') => (chunk: Buffer) => (ctx.emit ? ctx.emit(chunk, stream) : tails[stream].push(chunk));
  return {
    stdout: sink('stdout'),
    stderr: sink('stderr'),
    result: () =>
      ctx.emit
        ? { stdout: null, stderr: null, truncated: false }
        : { stdout: tails.stdout.text(), stderr: tails.stderr.text(), truncated: tails.stdout.truncated || tails.stderr.truncated },
  };
}

/** Connects the person's terminal in raw mode for as long as `run` lasts, and gives it back as it was. */
async function withRawTerminal<T>(terminal: TerminalIo, run: () => Promise<T>): Promise<T> {
  terminal.setRawMode(true);
  try {
    return await run();
  } finally {
    terminal.setRawMode(false);
    terminal.input.pause();
  }
}

const startInput = z.object({
    workspace: z.string().optional().describe('Folder to mount at /workspace (default: the current folder)'),
    image: z.string().optional().describe('Image to run (default: BERTH_IMAGE, else berth/agent:latest)'),
    agent: z.string().default('claude').describe('claude, shell, or an agent with a BERTH_AGENT_<NAME> command template'),
    prompt: z.string().optional().describe('Task for the agent; without it the session is interactive'),
    network: z
    .enum(['egress', 'none', 'bridge', 'host'])
    .optional()
    .describe('egress (default for agents: no network, one door that lets only allowed hosts through), none (default for shells), bridge or host (unrestricted)'),
  allow: z.array(z.string()).default([]).describe('A host an egress session may reach besides the settings\' list (api.anthropic.com, BERTH_EGRESS_ALLOW): a name, *.suffix or host:port; repeatable'),
    mount: z.enum(['rw', 'ro']).optional().describe('Workspace mount: rw (default) or ro'),
    env: z.array(z.string()).default([]).describe('NAME=VALUE, repeatable (visible in docker inspect: no secrets)'),
    pidsLimit: z.number().int().positive().optional().describe(`Most processes at once (default: ${DEFAULT_LIMITS.pids})`),
    memoryMb: z.number().positive().optional().describe(`Memory limit in MiB, no swap (default: ${DEFAULT_LIMITS.memoryBytes / 1024 ** 2})`),
    cpus: z.number().positive().optional().describe(`CPU limit, such as 1.5 (default: ${DEFAULT_LIMITS.cpus})`),
    maxAge: z.number().int().nonnegative().optional().describe('Seconds before the reconciler stops it; 0 for never (default: BERTH_MAX_AGE, else 8 hours)'),
    command: z.array(z.string()).default([]).describe('The command to run instead of the agent, with its arguments'),
    detach: z.boolean().default(false).describe('Keep running after its owner is gone (bounded by the maximum age)'),
    foreground: z.boolean().default(false).describe('Stay with the session: stream its output until it ends, and end it when this caller goes away'),
  });

/** What a start asks the engine for, with the workspace resolved against the caller's folder. */
function sessionRequest(input: z.infer<typeof startInput>, ctx: OperationContext): SessionRequest {
  return {
    workspace: callerPath(ctx, input.workspace ?? '.', 'The workspace'),
    ...(input.image ? { image: input.image } : {}),
    agent: input.agent,
    ...(input.prompt !== undefined ? { prompt: input.prompt } : {}),
    ...(input.network ? { network: input.network } : {}),
    ...(input.mount ? { mount: input.mount } : {}),
    env: input.env,
    ...(input.command.length ? { command: input.command } : {}),
    ...(input.pidsLimit !== undefined ? { pidsLimit: input.pidsLimit } : {}),
    ...(input.memoryMb !== undefined ? { memoryMb: input.memoryMb } : {}),
    ...(input.cpus !== undefined ? { cpus: input.cpus } : {}),
    ...(input.maxAge !== undefined ? { maxAgeSeconds: input.maxAge } : {}),
    detach: input.detach,
    ...(input.allow.length ? { allow: input.allow } : {}),
  };
}

export function createSessionOperations(service: SessionService): AnyOperation[] {
  const start = defineOperation({
    name: 'session.start',
    title: 'Start a session',
    description:
      'Starts a hardened container on the workspace running Claude Code (with --prompt, headless with a transcript; without, an interactive session to attach to), a shell, or the command after --. Falls back to an unisolated local process only when no Docker engine is configured or reachable, and says so.',
    input: startInput,
    output: sessionSchema.extend({ foreground: z.boolean().describe('The call stayed with the session until it ended; exitCode is its exit code') }),
    annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: false, openWorldHint: true },
    cli: {
      command: ['session', 'start'],
      rest: 'command',
      examples: [
        'berth session start --prompt "Fix the failing test"  # headless Claude Code; follow it with berth session logs',
        'berth session start  # interactive Claude Code; then berth session attach ID',
        'berth session start --agent shell -- make test  # any command in the image',
        'berth session start --agent shell --network none --mount ro  # a shell to exec into, read-only',
        'berth session start --foreground --agent shell -- make test  # its output here; it ends with this command',
      ],
    },
    async run(input, ctx) {
      return guarded(service, ctx, 'start', async () => {
        ctx.progress({ message: 'Starting the session…' });
        // A caller in the foreground that has no lease of its own (the CLI) holds one while it stays.
        const own = input.foreground && !ctx.owner ? newOwner('cli', true) : undefined;
        const lease = own && (await service.holdLease(own));
        const owner = own ?? ctx.owner;
        try {
          const session = await service.start(sessionRequest(input, ctx), { ...call(ctx), ...(owner ? { owner } : {}) });
          return input.foreground ? { ...(await stayWith(session, ctx)), foreground: true } : { ...session, foreground: false };
        } finally {
          lease?.dispose();
        }
      });
    },
    format: (s) => {
      if (s.foreground) return `Session ${printable(s.id)} ended${s.exitCode === null ? '' : ` with code ${s.exitCode}`}.`;
      const what = `${printable(s.id)} (${printable(s.agent)}${s.isolated ? `, ${printable(s.image ?? '')}` : ', NOT ISOLATED: a local process'}) on ${printable(s.workspace)}`;
      if (s.state === 'exited') return `Started ${what}; it has already exited with code ${s.exitCode}. See its output with: berth session logs ${s.id}`;
      return [`Started ${what}`, s.interactive ? `Attach with: berth session attach ${s.id}` : `Follow with: berth session logs ${s.id} --follow`].join('\n');
    },
    exitCode: (s) => (s.foreground ? (s.exitCode ?? 1) : 0),
  });

  /** Streams a session's output to the caller until it ends; a caller that goes away first stops it. */
  async function stayWith(session: Session, ctx: OperationContext): Promise<Session> {
    const out = collector(ctx);
    const { stream } = await service.logs(session.id, { follow: true, signal: ctx.signal });
    try {
      stream.stderr.on('data', out.stderr);
      for await (const chunk of stream.stdout) out.stdout(chunk as Buffer);
    } finally {
      stream.dispose();
    }
    const { provider } = await service.find(session.id);
    if (ctx.signal.aborted) {
      await service.stop(session.id, { origin: ctx.origin });
      throw new BerthError(`Stopped session ${session.id}: it ran in the foreground, and its caller was interrupted.`, undefined, 'CANCELLED');
    }
    await provider.wait(session.id, { timeoutMs: 10_000 }).catch(() => undefined);
    return (await provider.get(session.id)) ?? session;
  }

  const list = defineOperation({
    name: 'session.list',
    title: 'List sessions',
    description: 'Lists the sessions the engine (and the process fallback) holds: running ones, or all with --all.',
    input: z.object({ all: z.boolean().default(false).describe('Include sessions that have ended') }),
    output: z.object({ sessions: z.array(sessionSchema) }),
    annotations: { readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: true },
    cli: { command: ['session', 'list'], examples: ['berth session list --all --json'] },
    async run(input, ctx) {
      return guarded(service, ctx, 'list', async () => ({ sessions: await service.list({ all: input.all }) }));
    },
    format: (output) => formatSessions(output.sessions),
  });

  const exec = defineOperation({
    name: 'session.exec',
    title: 'Run a command in a session',
    description: 'Runs a command inside a running session and passes its output and exit code through; -i passes your standard input, -t gives it a terminal.',
    input: z.object({
      id,
      interactive: z.boolean().default(false).describe('Pass standard input to the command'),
      tty: z.boolean().default(false).describe('Run the command on a terminal (with -i, as you would a shell)'),
      command: z.array(z.string(), { error: 'give the command after --' }).min(1, 'give the command after --').describe('The command to run, with its arguments'),
    }),
    output: execOutput,
    annotations: { readOnlyHint: false, destructiveHint: true, idempotentHint: false, openWorldHint: true },
    cli: {
      command: ['session', 'exec'],
      positional: ['id'],
      rest: 'command',
      short: { interactive: 'i', tty: 't' },
      examples: ['berth session exec 3f2a -- git status', 'echo hello | berth session exec -i 3f2a -- cat', 'berth session exec -it 3f2a -- sh  # a shell in the session'],
    },
    async run(input, ctx) {
      return guarded(service, ctx, 'exec', async () => {
        const terminal = ctx.terminal;
        if ((input.interactive || input.tty) && !terminal) {
          throw new BerthError('-i and -t need a standard input to pass on, and this caller has none.', 'Run the command without -i and -t.', 'NO_TERMINAL');
        }
        if (input.tty && !terminal!.isTTY) {
          throw new BerthError('-t needs a terminal, and standard input or output is not one.', 'Leave out -t when you pipe input or output.', 'NOT_A_TERMINAL');
        }
        const out = collector(ctx);
        const execute = () =>
          service.exec(
            input.id,
            input.command,
            {
              stdout: out.stdout,
              stderr: out.stderr,
              ...(input.interactive ? { stdin: terminal!.input } : {}),
              ...(input.tty
                ? {
                    tty: terminal!.size(),
                    onStarted: ({ resize }) => {
                      const stop = terminal!.onResize(() => void resize(terminal!.size().columns, terminal!.size().rows).catch(() => undefined));
                      ctx.signal.addEventListener('abort', stop, { once: true });
                    },
                  }
                : {}),
            },
            call(ctx),
          );
        const { id: sessionId, exitCode } = input.tty && input.interactive ? await withRawTerminal(terminal!, execute) : await execute();
        return { id: sessionId, exitCode, ...out.result() };
      });
    },
    format: (output) => [output.stdout?.replace(/\n$/, ''), output.stderr?.replace(/\n$/, '')].filter(Boolean).join('\n'),
    exitCode: (output) => output.exitCode,
  });

  const attach = defineOperation({
    name: 'session.attach',
    title: 'Attach your terminal to a session',
    description: 'Connects your terminal to an interactive session (Claude Code started without a prompt). Ctrl-P Ctrl-Q detaches and leaves it running.',
    input: z.object({ id }),
    output: z.object({ id: z.string(), state: z.enum(['running', 'exited']).describe('running: detached and still running'), exitCode: z.number().nullable() }),
    annotations: { readOnlyHint: false, destructiveHint: true, idempotentHint: false, openWorldHint: true },
    faces: ['cli', 'command'],
    cli: { command: ['session', 'attach'], positional: ['id'], examples: ['berth session attach 3f2a  # Ctrl-P Ctrl-Q detaches'] },
    async run(input, ctx) {
      return guarded(service, ctx, 'attach', async () => {
        const terminal = ctx.terminal;
        if (!terminal?.isTTY) throw new BerthError('Attaching needs a terminal, and standard input or output is not one.', 'Run berth session attach in a terminal.', 'NOT_A_TERMINAL');
        const { id: sessionId, terminal: session } = await service.attach(input.id, call(ctx));
        await withRawTerminal(terminal, async () => {
          const resize = () => void session.resize(terminal.size().columns, terminal.size().rows).catch(() => undefined);
          resize();
          const stopResizing = terminal.onResize(resize);
          terminal.input.pipe(session.stream);
          session.stream.on('data', (chunk: Buffer) => terminal.output.write(chunk));
          try {
            await new Promise<void>((resolve) => {
              session.stream.once('end', resolve);
              session.stream.once('close', resolve);
              session.stream.once('error', () => resolve());
              ctx.signal.addEventListener('abort', () => resolve(), { once: true });
            });
          } finally {
            stopResizing();
            terminal.input.unpipe(session.stream);
            session.dispose();
          }
        });
        // The stream ends both when the person detaches and when the session's process exits; the
        // engine needs a moment to record an exit, so a short wait tells the two apart.
        const { provider } = await service.find(sessionId);
        const ended = await provider.wait(sessionId, { timeoutMs: 2000 }).catch(() => null);
        return { id: sessionId, state: ended ? ('exited' as const) : ('running' as const), exitCode: ended?.exitCode ?? null };
      });
    },
    format: (output) =>
      output.state === 'running'
        ? `Detached from ${output.id}; it is still running (berth session attach ${output.id} to come back).`
        : `Session ${output.id} ended${output.exitCode === null ? '' : ` with code ${output.exitCode}`}.`,
  });

  const logs = defineOperation({
    name: 'session.logs',
    title: 'Show a session’s output',
    description:
      'Prints what the session wrote, also after its container was removed (the output is archived first); --follow keeps streaming until it ends; --transcript parses Claude Code’s stream-json into events.',
    input: z.object({
      id,
      follow: z.boolean().default(false).describe('Keep streaming until the session ends'),
      transcript: z.boolean().default(false).describe('Parse Claude Code stream-json into events'),
      tail: z.number().int().nonnegative().optional().describe('Only the last N lines (default: all)'),
    }),
    output: logsOutput,
    annotations: { readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: true },
    cli: {
      command: ['session', 'logs'],
      positional: ['id'],
      examples: ['berth session logs 3f2a --follow', 'berth session logs 3f2a --transcript --json  # typed events'],
    },
    async run(input, ctx) {
      return guarded(service, ctx, 'logs', async () => {
        const { session, stream } = await service.logs(input.id, { follow: input.follow, signal: ctx.signal, ...(input.tail !== undefined ? { tail: input.tail } : {}) });
        try {
          const out = collector(ctx);
          stream.stderr.on('data', out.stderr);
          if (!input.transcript) {
            for await (const chunk of stream.stdout) out.stdout(chunk as Buffer);
            return { id: session.id, events: null, ...out.result() };
          }
          const events: TranscriptEvent[] = [];
          let dropped = 0;
          const streamed = Boolean(ctx.emitEvent ?? ctx.emit);
          for await (const event of transcriptEvents(stream.stdout as AsyncIterable<Buffer>)) {
            if (ctx.emitEvent) ctx.emitEvent(event);
            else if (ctx.emit) ctx.emit(`${formatTranscriptEvent(event)}\n`);
            else if (events.push(event) > MAX_COLLECTED_EVENTS) dropped += events.splice(0, 1).length;
          }
          return { id: session.id, stdout: null, stderr: null, events: streamed ? null : events, truncated: dropped > 0 };
        } finally {
          stream.dispose();
        }
      });
    },
    format: (output) => output.events?.map(formatTranscriptEvent).join('\n') ?? [output.stdout, output.stderr].filter(Boolean).join('').replace(/\n$/, ''),
  });

  const stats = defineOperation({
    name: 'session.stats',
    title: 'Show a session’s health and resource use',
    description: 'Checks that the session runs and its workspace is mounted, and samples CPU, memory and process count.',
    input: z.object({ id }),
    output: z.object({ session: sessionSchema, health: sessionHealthSchema, stats: sessionStatsSchema.nullable().describe('null when the session is not running') }),
    annotations: { readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: true },
    cli: { command: ['session', 'stats'], positional: ['id'], examples: ['berth session stats 3f2a'] },
    async run(input, ctx) {
      return guarded(service, ctx, 'stats', async () => {
        const { provider, session } = await service.find(input.id);
        const health = await provider.health(session.id);
        return { session, health, stats: health.state === 'running' ? await provider.stats(session.id) : null };
      });
    },
    format: ({ session, health, stats }) => {
      const mib = (bytes: number | null) => (bytes === null ? '?' : `${(bytes / 1024 ** 2).toFixed(1)} MiB`);
      return [
        `${session.id}  ${health.healthy ? 'healthy' : 'UNHEALTHY'}: ${health.detail}${session.isolated ? '' : ' (NOT ISOLATED)'}`,
        ...(stats ? [`cpu ${stats.cpuPercent?.toFixed(1) ?? '?'}%  memory ${mib(stats.memoryBytes)} of ${mib(stats.memoryLimitBytes)}  pids ${stats.pids ?? '?'}`] : []),
      ].join('\n');
    },
    exitCode: (output) => (output.health.healthy ? 0 : 1),
  });

  const stop = defineOperation({
    name: 'session.stop',
    title: 'Stop sessions',
    description: 'Stops sessions: SIGTERM, then SIGKILL after the grace period. Their containers stay until rm or prune.',
    input: z.object({ ids }),
    output: z.object({ stopped: z.array(z.object({ id: z.string(), exitCode: z.number().nullable() })) }),
    annotations: { readOnlyHint: false, destructiveHint: true, idempotentHint: true, openWorldHint: true },
    cli: { command: ['session', 'stop'], positional: ['ids'], examples: ['berth session stop 3f2a', 'berth session stop 3f2a 9c1e'] },
    async run(input, ctx) {
      return guarded(service, ctx, 'stop', async () => ({ stopped: await Promise.all(input.ids.map((one) => service.stop(one, call(ctx)))) }));
    },
    format: (output) => output.stopped.map((s) => `Stopped ${s.id}${s.exitCode === null ? '' : ` (exit code ${s.exitCode})`}`).join('\n'),
  });

  const remove = defineOperation({
    name: 'session.rm',
    title: 'Remove sessions',
    description: 'Removes sessions, stopping them first if they still run.',
    input: z.object({ ids }),
    output: z.object({ removed: z.array(z.string()) }),
    annotations: { readOnlyHint: false, destructiveHint: true, idempotentHint: true, openWorldHint: true },
    cli: { command: ['session', 'rm'], positional: ['ids'], examples: ['berth session rm 3f2a 9c1e'] },
    async run(input, ctx) {
      return guarded(service, ctx, 'remove', async () => ({ removed: (await Promise.all(input.ids.map((one) => service.remove(one, call(ctx))))).map((r) => r.id) }));
    },
    format: (output) => output.removed.map((removed) => `Removed ${removed}`).join('\n'),
  });

  const prune = defineOperation({
    name: 'session.prune',
    title: 'Remove ended sessions',
    description:
      'Stops sessions past their maximum age, then removes every Berth session that has ended, from any workspace. Asks first on a terminal; --yes for scripts, --dry-run to only list them.',
    input: z.object({
      dryRun: z.boolean().default(false).describe('Only list what would be removed'),
      yes: z.boolean().default(false).describe('Remove without asking'),
    }),
    output: z.object({ dryRun: z.boolean().describe('true: nothing was removed, removed lists what would be'), reaped: z.array(z.string()), removed: z.array(z.string()) }),
    annotations: { readOnlyHint: false, destructiveHint: true, idempotentHint: true, openWorldHint: true },
    cli: { command: ['session', 'prune'], examples: ['berth session prune --dry-run', 'berth session prune --yes  # in scripts'] },
    async run(input, ctx) {
      return guarded(service, ctx, 'prune', async () => {
        if (input.dryRun) return { dryRun: true, ...(await service.prune({ dryRun: true }, call(ctx))) };
        if (!input.yes) {
          const { removed } = await service.prune({ dryRun: true }, call(ctx));
          if (removed.length > 0) {
            const question = `Remove ${removed.length} ended session${removed.length === 1 ? '' : 's'} (${removed.slice(0, 6).join(', ')}${removed.length > 6 ? ', …' : ''})?`;
            if (!ctx.confirm) {
              throw new BerthError(`Pruning would remove ${removed.length} ended session${removed.length === 1 ? '' : 's'}, and there is nobody to ask.`, 'Pass --yes to remove them, or --dry-run to list them.', 'CONSENT_REQUIRED');
            }
            if (!(await ctx.confirm(question))) return { dryRun: true, reaped: [], removed: [] };
          }
        }
        return { dryRun: false, ...(await service.prune({ dryRun: false }, call(ctx))) };
      });
    },
    format: (output) => {
      if (output.dryRun && output.removed.length === 0) return 'Nothing to remove.';
      if (output.dryRun) return `Would remove ${output.removed.length}: ${output.removed.join(', ')}`;
      return [
        output.reaped.length ? `Stopped ${output.reaped.length} past their maximum age.` : '',
        output.removed.length ? `Removed ${output.removed.length}: ${output.removed.join(', ')}` : 'Nothing to remove.',
      ]
        .filter(Boolean)
        .join('\n');
    },
  });

  const gc = defineOperation({
    name: 'session.gc',
    title: 'Apply the session policies now',
    description:
      'Runs the reconciler that also runs whenever a face starts: stops sessions whose owner has been gone for the grace period or that are past their maximum age, removes starts that never finished, and archives then removes sessions that ended longer ago than the retention period. --dry-run prints what it would do.',
    input: z.object({ dryRun: z.boolean().default(false).describe('Only print what would be done') }),
    output: z.object({
      dryRun: z.boolean(),
      actions: z.array(
        z.object({
          id: z.string(),
          provider: z.enum(['docker', 'process']),
          action: z.enum(['stop', 'remove']),
          reason: z.enum(['owner-gone', 'max-age', 'half-made', 'retention']),
          done: z.boolean(),
          error: z.string().nullable(),
        }),
      ),
    }),
    annotations: { readOnlyHint: false, destructiveHint: true, idempotentHint: true, openWorldHint: true },
    cli: { command: ['session', 'gc'], examples: ['berth session gc --dry-run', 'berth session gc'] },
    async run(input, ctx) {
      return guarded(service, ctx, 'gc', async () => ({
        dryRun: input.dryRun,
        actions: (await service.reconcile(call(ctx), { dryRun: input.dryRun })).map((a) => ({ ...a, error: a.error ?? null })),
      }));
    },
    format: (output) => {
      if (output.actions.length === 0) return 'Nothing to do: every session is where its policy wants it.';
      const verb = (a: (typeof output.actions)[number]) => (output.dryRun ? `Would ${a.action}` : a.done ? (a.action === 'stop' ? 'Stopped' : 'Removed') : `Could not ${a.action}`);
      return output.actions.map((a) => `${verb(a)} ${a.id}: ${REASONS[a.reason]}${a.error ? ` (${printable(a.error)})` : ''}`).join('\n');
    },
    exitCode: (output) => (output.actions.some((a) => !output.dryRun && !a.done) ? 1 : 0),
  });

  const egress = defineOperation({
    name: 'session.egress',
    title: 'Show what an egress session reached and was refused',
    description: 'Lists the hosts an egress session’s door allowed and refused, with counts, and whether the door is up; --restart starts a door that died (until then the session has no egress at all).',
    input: z.object({ id, restart: z.boolean().default(false).describe('Start the door again if it is down') }),
    output: z.object({
      id: z.string(),
      allow: z.array(z.string()),
      door: z.enum(['up', 'down']).nullable(),
      restarted: z.boolean(),
      requests: z.array(z.object({ host: z.string(), port: z.number(), allowed: z.boolean(), count: z.number(), last: z.string(), reason: z.string().nullable() })),
    }),
    annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: true, openWorldHint: true },
    cli: { command: ['session', 'egress'], positional: ['id'], examples: ['berth session egress 3f2a', 'berth session egress 3f2a --restart'] },
    async run(input, ctx) {
      return guarded(service, ctx, 'egress', async () => {
        const restarted = input.restart ? (await service.restartDoor(input.id, call(ctx))).restarted : false;
        return { ...(await service.egress(input.id)), restarted };
      });
    },
    format: (output) => {
      const head = `${output.id}: door ${output.door ?? 'stopped (the session ended)'}${output.restarted ? ' (restarted)' : ''}; allows ${output.allow.join(', ')}`;
      const rows = output.requests.map((r) => `  ${r.allowed ? 'allowed' : 'REFUSED'}  ${printable(r.host)}:${r.port}  ${r.count}x${r.reason ? `  ${printable(r.reason)}` : ''}`);
      return [head, ...(rows.length ? rows : ['  no requests yet'])].join('\n');
    },
  });

  const build = defineOperation({
    name: 'image.build',
    title: 'Build the agent image',
    description: 'Builds the agent image (Claude Code, git, ripgrep, a non-root user) from media/agent-image/Dockerfile, showing the build output.',
    input: z.object({
      tag: z.string().optional().describe('Image tag (default: BERTH_IMAGE, else berth/agent:latest)'),
      base: z.string().optional().describe('Base image (default: node:20-bookworm-slim); offline, one with git and ripgrep'),
      claudeBinary: z.string().optional().describe('A claude binary to copy in instead of installing from npm'),
      network: z.string().optional().describe('Network for the build steps (e.g. none or host)'),
    }),
    output: z.object({ tag: z.string(), id: z.string() }),
    annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: true, openWorldHint: true },
    cli: {
      command: ['image', 'build'],
      examples: ['berth image build', 'berth image build --base my/debian:12 --claude-binary ./claude --network none  # offline'],
    },
    async run(input, ctx) {
      return guarded(service, ctx, 'image-build', async () => {
        const engine = await service.dockerEngine();
        if (!engine.docker) throw new BerthError(engine.down!.message, engine.down!.hint, 'ENGINE_DOWN');
        const tag = input.tag ?? service.settings().image;
        const image = await buildAgentImage(engine.docker.docker, {
          tag,
          ...(input.base ? { base: input.base } : {}),
          ...(input.claudeBinary ? { claudeBinary: callerPath(ctx, input.claudeBinary, 'The claude binary') } : {}),
          ...(input.network ? { networkMode: input.network } : {}),
          signal: ctx.signal,
          onProgress: (line) => (ctx.emit ? ctx.emit(`${line}\n`, 'stderr') : ctx.progress({ message: line })),
        });
        await (await service.audit()).append({ origin: ctx.origin, action: 'image-build', detail: { tag: image.tag, id: image.id } });
        return image;
      });
    },
    format: (output) => `Built ${output.tag} (${output.id.slice(0, 19)})`,
  });

  return [start, list, exec, attach, logs, stats, stop, remove, prune, gc, egress, build];
}

