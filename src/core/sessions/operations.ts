import { z } from 'zod';
import { BerthError, describeError } from '../errors.js';
import { defineOperation, type AnyOperation, type OperationContext } from '../operations.js';
import { formatTranscriptEvent, transcriptEvents, type TranscriptEvent } from './agent/transcript.js';
import { buildAgentImage } from './image.js';
import type { SessionService } from './service.js';
import type { Session, SessionHealth, SessionStats } from './types.js';

const id = z.string().min(1).describe('Session id or a unique prefix of it');
/** Output kept in a result when there is no stream to write it to (MCP); more is cut. */
const MAX_COLLECTED = 1024 * 1024;

/** Runs an operation body so that no error leaves with a secret in it, and audits failures. */
async function guarded<T>(service: SessionService, ctx: OperationContext, action: string, body: () => Promise<T>): Promise<T> {
  try {
    return await body();
  } catch (error) {
    const { message, hint } = describeError(error);
    const code = error instanceof BerthError ? error.code : 'ERROR';
    const safe = new BerthError(await service.redact(message), hint && (await service.redact(hint)), code);
    await (await service.audit()).append({ origin: ctx.origin, action: `${action}-failed`, detail: { error: safe.message, code } }).catch(() => undefined);
    throw safe;
  }
}

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
    ['ID', 'AGENT', 'STATE', 'AGE', 'ISOLATION', 'WORKSPACE'],
    ...sessions.map((s) => [s.id, s.agent, s.state === 'exited' && s.exitCode !== undefined ? `exited (${s.exitCode})` : s.state, age(s.created), s.isolated ? s.provider : 'NOT ISOLATED', s.workspace]),
  ];
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((row) => row[i]!.length)));
  return rows.map((row) => row.map((cell, i) => (i === row.length - 1 ? cell : cell.padEnd(widths[i]!))).join('  ')).join('\n');
}

function collector(ctx: OperationContext) {
  const parts = { stdout: '', stderr: '' };
  const sink = (stream: 'stdout' | 'stderr') => (chunk: Buffer) => {
    if (ctx.emit) ctx.emit(chunk, stream);
    else if (parts[stream].length < MAX_COLLECTED) parts[stream] += chunk.toString('utf8');
  };
  return { parts, stdout: sink('stdout'), stderr: sink('stderr') };
}

export function createSessionOperations(service: SessionService): AnyOperation[] {
  const audit = async (ctx: OperationContext, action: string, session?: string, detail?: Record<string, unknown>) =>
    (await service.audit()).append({ origin: ctx.origin, action, ...(session ? { session } : {}), ...(detail ? { detail } : {}) });

  const start = defineOperation({
    name: 'session.start',
    title: 'Start a session',
    description:
      'Starts a hardened container on the workspace running Claude Code (with --prompt, a transcript; without, a terminal to attach to), a shell, or the command after --. Falls back to an unisolated local process only when no Docker engine is configured or reachable.',
    input: z.object({
      workspace: z.string().optional().describe('Folder to mount at /workspace (default: the current folder)'),
      image: z.string().optional().describe('Image to run (default: the agent image)'),
      agent: z.string().default('claude').describe('claude, shell, or a configured agent'),
      prompt: z.string().optional().describe('Task for the agent; without it the session is interactive'),
      network: z.enum(['none', 'bridge', 'host']).optional().describe('none (shell default) | bridge (agent default) | host'),
      mount: z.enum(['rw', 'ro']).default('rw').describe('Workspace mount: rw or ro'),
      env: z.array(z.string()).default([]).describe('NAME=VALUE, repeatable (visible in docker inspect: no secrets)'),
      pidsLimit: z.number().int().optional().describe('Most processes at once'),
      memoryMb: z.number().optional().describe('Memory limit in MiB'),
      cpus: z.number().optional().describe('CPU limit'),
      maxAge: z.number().int().optional().describe('Seconds before the reaper stops it (0: never)'),
      command: z.array(z.string()).default([]),
    }),
    annotations: { readOnly: false, destructive: false },
    cli: { command: ['session', 'start'], rest: 'command' },
    async run(input, ctx): Promise<Session> {
      return guarded(service, ctx, 'start', async () => {
        ctx.progress({ message: 'Starting the session…' });
        const reaping = service.reap().catch(() => []);
        const session = await service.start(
          {
            workspace: input.workspace ?? process.cwd(),
            ...(input.image ? { image: input.image } : {}),
            agent: input.agent,
            ...(input.prompt !== undefined ? { prompt: input.prompt } : {}),
            ...(input.network ? { network: input.network } : {}),
            mount: input.mount,
            env: input.env,
            ...(input.command.length ? { command: input.command } : {}),
            ...(input.pidsLimit !== undefined ? { pidsLimit: input.pidsLimit } : {}),
            ...(input.memoryMb !== undefined ? { memoryMb: input.memoryMb } : {}),
            ...(input.cpus !== undefined ? { cpus: input.cpus } : {}),
            ...(input.maxAge !== undefined ? { maxAgeSeconds: input.maxAge } : {}),
          },
          { signal: ctx.signal, warn: (message) => ctx.progress({ message }) },
        );
        await audit(ctx, 'start', session.id, { provider: session.provider, image: session.image, workspace: session.workspace, agent: session.agent });
        const reaped = await reaping;
        if (reaped.length) await audit(ctx, 'reap', undefined, { sessions: reaped });
        return session;
      });
    },
    format: (s) =>
      [
        `Started ${s.id} (${s.agent}${s.isolated ? `, ${s.image}` : ', NOT ISOLATED: a local process'}) on ${s.workspace}`,
        s.interactive ? `Attach with: docker attach ${s.name}` : `Follow with: berth session logs ${s.id} --follow`,
      ].join('\n'),
  });

  const list = defineOperation({
    name: 'session.list',
    title: 'List sessions',
    description: 'Lists the sessions the engine (and the process fallback) holds: running ones, or all with --all.',
    input: z.object({ all: z.boolean().default(false).describe('Include sessions that have ended') }),
    annotations: { readOnly: true, destructive: false },
    cli: { command: ['session', 'list'] },
    async run(input, ctx): Promise<{ sessions: Session[] }> {
      return guarded(service, ctx, 'list', async () => ({ sessions: await service.list({ all: input.all }) }));
    },
    format: (output) => formatSessions(output.sessions),
  });

  const exec = defineOperation({
    name: 'session.exec',
    title: 'Run a command in a session',
    description: 'Runs a command inside a running session and passes its output and exit code through.',
    input: z.object({ id, command: z.array(z.string(), { error: 'give the command after --' }).min(1, 'give the command after --') }),
    annotations: { readOnly: false, destructive: false },
    cli: { command: ['session', 'exec'], positional: ['id'], rest: 'command' },
    async run(input, ctx): Promise<{ id: string; exitCode: number; stdout?: string; stderr?: string }> {
      return guarded(service, ctx, 'exec', async () => {
        const { provider, session } = await service.find(input.id);
        await audit(ctx, 'exec', session.id, { command: input.command });
        const out = collector(ctx);
        const { exitCode } = await provider.exec(session.id, input.command, { stdout: out.stdout, stderr: out.stderr, signal: ctx.signal });
        return { id: session.id, exitCode, ...(ctx.emit ? {} : out.parts) };
      });
    },
    format: (output) => [output.stdout?.replace(/\n$/, ''), output.stderr?.replace(/\n$/, '')].filter(Boolean).join('\n'),
    exitCode: (output) => output.exitCode,
  });

  const logs = defineOperation({
    name: 'session.logs',
    title: 'Show a session’s output',
    description: 'Prints what the session wrote; --follow keeps streaming until it ends; --transcript parses Claude Code’s stream-json into events.',
    input: z.object({
      id,
      follow: z.boolean().default(false).describe('Keep streaming until the session ends'),
      transcript: z.boolean().default(false).describe('Parse Claude Code stream-json into events'),
      tail: z.number().int().optional().describe('Only the last N lines'),
    }),
    annotations: { readOnly: true, destructive: false },
    cli: { command: ['session', 'logs'], positional: ['id'] },
    async run(input, ctx): Promise<{ id: string; output?: string; stderr?: string; events?: TranscriptEvent[] }> {
      return guarded(service, ctx, 'logs', async () => {
        const { provider, session } = await service.find(input.id);
        const stream = await provider.logs(session.id, { follow: input.follow, signal: ctx.signal, ...(input.tail !== undefined ? { tail: input.tail } : {}) });
        try {
          const out = collector(ctx);
          stream.stderr.on('data', out.stderr);
          if (!input.transcript) {
            for await (const chunk of stream.stdout) out.stdout(chunk as Buffer);
            return { id: session.id, ...(ctx.emit ? {} : { output: out.parts.stdout, stderr: out.parts.stderr }) };
          }
          const events: TranscriptEvent[] = [];
          for await (const event of transcriptEvents(stream.stdout as AsyncIterable<Buffer>)) {
            if (ctx.emit) ctx.emit(`${formatTranscriptEvent(event)}\n`);
            else events.push(event);
          }
          return { id: session.id, ...(ctx.emit ? {} : { events }) };
        } finally {
          stream.dispose();
        }
      });
    },
    format: (output) => output.events?.map(formatTranscriptEvent).join('\n') ?? [output.output, output.stderr].filter(Boolean).join('').replace(/\n$/, ''),
  });

  const stats = defineOperation({
    name: 'session.stats',
    title: 'Show a session’s health and resource use',
    description: 'Checks that the session runs and its workspace is mounted, and samples CPU, memory and process count.',
    input: z.object({ id }),
    annotations: { readOnly: true, destructive: false },
    cli: { command: ['session', 'stats'], positional: ['id'] },
    async run(input, ctx): Promise<{ session: Session; health: SessionHealth; stats?: SessionStats }> {
      return guarded(service, ctx, 'stats', async () => {
        const { provider, session } = await service.find(input.id);
        const health = await provider.health(session.id);
        const stats = health.state === 'running' ? await provider.stats(session.id) : undefined;
        return { session, health, ...(stats ? { stats } : {}) };
      });
    },
    format: ({ session, health, stats }) => {
      const mib = (bytes?: number) => (bytes === undefined ? '?' : `${(bytes / 1024 ** 2).toFixed(1)} MiB`);
      return [
        `${session.id}  ${health.healthy ? 'healthy' : 'UNHEALTHY'}: ${health.detail}${session.isolated ? '' : ' (NOT ISOLATED)'}`,
        ...(stats ? [`cpu ${stats.cpuPercent?.toFixed(1) ?? '?'}%  memory ${mib(stats.memoryBytes)} of ${mib(stats.memoryLimitBytes)}  pids ${stats.pids ?? '?'}`] : []),
      ].join('\n');
    },
    exitCode: (output) => (output.health.healthy ? 0 : 1),
  });

  const stop = defineOperation({
    name: 'session.stop',
    title: 'Stop a session',
    description: 'Stops a session: SIGTERM, then SIGKILL after the grace period. The container stays until rm or prune.',
    input: z.object({ id }),
    annotations: { readOnly: false, destructive: true },
    cli: { command: ['session', 'stop'], positional: ['id'] },
    async run(input, ctx): Promise<{ id: string; exitCode?: number }> {
      return guarded(service, ctx, 'stop', async () => {
        const { provider, session } = await service.find(input.id);
        await provider.stop(session.id, { graceSeconds: service.settings().stopGraceSeconds });
        await audit(ctx, 'stop', session.id);
        const after = await provider.get(session.id);
        return { id: session.id, ...(after?.exitCode !== undefined ? { exitCode: after.exitCode } : {}) };
      });
    },
    format: (output) => `Stopped ${output.id}${output.exitCode === undefined ? '' : ` (exit code ${output.exitCode})`}`,
  });

  const remove = defineOperation({
    name: 'session.rm',
    title: 'Remove a session',
    description: 'Removes a session, stopping it first if it still runs.',
    input: z.object({ id }),
    annotations: { readOnly: false, destructive: true },
    cli: { command: ['session', 'rm'], positional: ['id'] },
    async run(input, ctx): Promise<{ id: string }> {
      return guarded(service, ctx, 'remove', async () => {
        const { provider, session } = await service.find(input.id);
        await provider.remove(session.id);
        await audit(ctx, 'remove', session.id);
        return { id: session.id };
      });
    },
    format: (output) => `Removed ${output.id}`,
  });

  const prune = defineOperation({
    name: 'session.prune',
    title: 'Remove ended sessions',
    description: 'Stops sessions past their maximum age, then removes every Berth session that is no longer running.',
    input: z.object({}),
    annotations: { readOnly: false, destructive: true },
    cli: { command: ['session', 'prune'] },
    async run(_input, ctx): Promise<{ reaped: string[]; removed: string[] }> {
      return guarded(service, ctx, 'prune', async () => {
        const reaped = await service.reap();
        const removed = (await Promise.all((await service.providers()).map((provider) => provider.prune()))).flat();
        await audit(ctx, 'prune', undefined, { reaped, removed });
        return { reaped, removed };
      });
    },
    format: (output) =>
      [output.reaped.length ? `Stopped ${output.reaped.length} past their maximum age.` : '', output.removed.length ? `Removed ${output.removed.length}: ${output.removed.join(', ')}` : 'Nothing to remove.']
        .filter(Boolean)
        .join('\n'),
  });

  const build = defineOperation({
    name: 'image.build',
    title: 'Build the agent image',
    description: 'Builds the agent image (Claude Code, git, ripgrep, a non-root user) from media/agent-image/Dockerfile, showing the build output.',
    input: z.object({
      tag: z.string().optional().describe('Image tag (default: the configured image)'),
      base: z.string().optional().describe('Base image (default: a Node image); offline, one with git and ripgrep'),
      claudeBinary: z.string().optional().describe('A claude binary to copy in instead of installing from npm'),
      network: z.string().optional().describe('Network for the build steps (e.g. none or host)'),
    }),
    annotations: { readOnly: false, destructive: false },
    cli: { command: ['image', 'build'] },
    async run(input, ctx): Promise<{ tag: string; id: string }> {
      return guarded(service, ctx, 'image-build', async () => {
        const engine = await service.dockerEngine();
        if (!engine.docker) throw new BerthError(engine.down!.message, engine.down!.hint, 'ENGINE_DOWN');
        const tag = input.tag ?? service.settings().image;
        const image = await buildAgentImage(engine.docker.docker, {
          tag,
          ...(input.base ? { base: input.base } : {}),
          ...(input.claudeBinary ? { claudeBinary: input.claudeBinary } : {}),
          ...(input.network ? { networkMode: input.network } : {}),
          signal: ctx.signal,
          onProgress: (line) => (ctx.emit ? ctx.emit(`${line}\n`, 'stderr') : ctx.progress({ message: line })),
        });
        await audit(ctx, 'image-build', undefined, { tag: image.tag, id: image.id });
        return image;
      });
    },
    format: (output) => `Built ${output.tag} (${output.id.slice(0, 19)})`,
  });

  return [start, list, exec, logs, stats, stop, remove, prune, build];
}
