import { mkdir, stat } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type * as z from 'zod';
import { BerthError, type ErrorCode } from '../../errors.js';
import { checkIsolation, type IsolationReport } from '../../isolation/check.js';
import type { OperationContext } from '../../operations.js';
import { stateDir } from '../../sessions/audit.js';
import { SessionService } from '../../sessions/service.js';
import { settingsFromEnv } from '../../sessions/settings.js';
import { printable } from '../../text.js';
import { vaultBackupFolder } from '../backup/retention.js';
import { backupOutputSchema } from '../backupOperations.js';
import { repairOutputSchema } from '../repairOperations.js';
import { vaultReportSchema, type VaultReport } from '../reportSchema.js';
import { checkVaultFolder } from '../walk.js';
import { runCliInContainer, type CliRun, type CliRunRequest } from './runCli.js';

export interface ContainerDependencies {
  /** The face's sessions service (its settings: image, limits, user); one from BERTH_* variables otherwise. */
  sessions?: SessionService;
  dockerHost?: () => string | undefined;
  env?: NodeJS.ProcessEnv;
}

const serviceOf = (deps: ContainerDependencies) =>
  deps.sessions ?? new SessionService({ ...(deps.dockerHost ? { dockerHost: deps.dockerHost } : {}), settings: () => settingsFromEnv(deps.env ?? process.env) });

const excludeArgs = (exclude: readonly string[]) => exclude.map((glob) => `--exclude=${glob}`);

/** What the CLI inside said, checked against the same schema as a local result; its failure as the error it was. */
function parsed<T extends z.ZodType>(run: CliRun, schema: T, what: string): z.infer<T> {
  if (run.exitCode !== 0) {
    // The CLI's one error line: "berth vault health: message hint".
    const line = run.stderr.trim().split('\n').filter((l) => !l.startsWith('berth: warning:')).at(-1) ?? `exit status ${run.exitCode}`;
    const code: ErrorCode = run.exitCode === 2 ? 'INPUT_INVALID' : run.exitCode === 130 ? 'CANCELLED' : 'CONTAINER_RUN_FAILED';
    throw new BerthError(`${what} in a container failed: ${line.replace(/^berth [\w ]+: /, '')}`, undefined, code);
  }
  try {
    return schema.parse(JSON.parse(run.stdout)) as z.infer<T>;
  } catch {
    throw new BerthError(
      `${what} in a container printed no result Berth could read (${printable(run.stdout.slice(0, 200))}).`,
      `The image ${printable(run.image)} may hold another Node than Berth needs (20 or later); the agent image has the right one.`,
      'CONTAINER_RUN_FAILED',
    );
  }
}

/** Runs Berth's CLI in the container, reads its result as a local run's, and adds the isolation report when asked. */
async function runInContainer<T extends z.ZodType<object>>(
  deps: ContainerDependencies,
  ctx: OperationContext,
  job: Pick<CliRunRequest, 'args' | 'mounts' | 'workingDir' | 'containerEnv'> & { message: string; schema: T; what: string; verbose: boolean },
): Promise<z.infer<T> & { isolation?: IsolationReport }> {
  const service = serviceOf(deps);
  ctx.progress({ message: job.message });
  const run = await runCliInContainer(service, {
    args: job.args,
    mounts: job.mounts,
    workingDir: job.workingDir,
    origin: ctx.origin,
    signal: ctx.signal,
    ...(job.containerEnv ? { containerEnv: job.containerEnv } : {}),
    ...(deps.env ? { env: deps.env } : {}),
  });
  return Object.assign(parsed(run, job.schema, job.what), await isolationIf(job.verbose, service, run.image, ctx));
}

/** The report on the same image, when the person asked to see it (--verbose). */
async function isolationIf(verbose: boolean, service: SessionService, image: string, ctx: OperationContext): Promise<{ isolation?: IsolationReport }> {
  if (!verbose) return {};
  ctx.progress({ message: 'Checking the container’s isolation…' });
  const isolation = await checkIsolation(service, { image, network: 'none', origin: ctx.origin, signal: ctx.signal, progress: (message) => ctx.progress({ message }) });
  const failed = isolation.rows.filter((row) => !row.passed);
  if (failed.length) ctx.warn?.(`The container's isolation report has failed rows: ${failed.map((row) => `${row.check} (${row.observed})`).join('; ')}.`);
  return { isolation };
}

/**
 * The health scan by Berth's CLI in a container: the vault mounted read-only at its own path, so
 * that every path in the report is the one a local scan gives.
 */
export async function healthInContainer(
  deps: ContainerDependencies,
  request: { root: string; exclude: readonly string[]; verbose: boolean },
  ctx: OperationContext,
): Promise<VaultReport & { isolation?: IsolationReport }> {
  await checkVaultFolder(request.root);
  return runInContainer(deps, ctx, {
    message: 'Scanning the vault in a container…',
    args: ['vault', 'health', request.root, '--json', ...excludeArgs(request.exclude)],
    mounts: [{ source: request.root, target: request.root, readOnly: true }],
    workingDir: request.root,
    schema: vaultReportSchema,
    what: 'The vault health scan',
    verbose: request.verbose,
  });
}

/**
 * A backup by Berth's CLI in a container: the vault read-only at its real path (the manifest records
 * it), and only the folder the archive goes to writable, at its own path.
 */
export async function backupInContainer(
  deps: ContainerDependencies,
  request: { root: string; out?: string; keep: number; exclude: readonly string[]; skipDotFolders: boolean; verbose: boolean },
  ctx: OperationContext,
): Promise<z.infer<typeof backupOutputSchema> & { isolation?: IsolationReport }> {
  const realRoot = await checkVaultFolder(request.root);
  const { folder, out } = await destination(request.out, realRoot, deps.env);
  await mkdir(folder, { recursive: true, mode: 0o700 });
  return runInContainer(deps, ctx, {
    message: 'Backing up the vault in a container…',
    args: ['vault', 'backup', realRoot, `--out=${out}`, `--keep=${request.keep}`, '--json', ...excludeArgs(request.exclude), ...(request.skipDotFolders ? ['--skip-dot-folders'] : [])],
    mounts: [
      { source: realRoot, target: realRoot, readOnly: true },
      { source: folder, target: folder, readOnly: false },
    ],
    workingDir: realRoot,
    schema: backupOutputSchema,
    what: 'The vault backup',
    verbose: request.verbose,
  });
}

/**
 * A repair by Berth's CLI in a container: a plan sees the vault read-only; an applied repair gets it
 * read-write, with only the folders it writes besides (its backups and its undo journal, under the
 * person's state folder at their own paths, which the CLI inside is pointed at), so that `berth
 * vault undo` on the host finds the journal.
 */
export async function repairInContainer(
  deps: ContainerDependencies,
  request: { root: string; apply: boolean; stub: readonly string[]; removeEmpty: boolean; exclude: readonly string[]; expect?: string | undefined; verbose: boolean },
  ctx: OperationContext,
): Promise<z.infer<typeof repairOutputSchema> & { isolation?: IsolationReport }> {
  const realRoot = await checkVaultFolder(request.root);
  const state = stateDir(deps.env);
  const written = [join(state, 'backups'), join(state, 'repairs')];
  if (request.apply) await Promise.all(written.map((folder) => mkdir(folder, { recursive: true, mode: 0o700 })));
  return runInContainer(deps, ctx, {
    message: request.apply ? 'Repairing the vault in a container…' : 'Planning the repair in a container…',
    args: [
      'vault',
      'repair',
      realRoot,
      '--json',
      ...(request.apply ? ['--apply'] : []),
      ...request.stub.map((target) => `--stub=${target}`),
      ...(request.removeEmpty ? ['--remove-empty'] : []),
      ...excludeArgs(request.exclude),
      ...(request.expect ? [`--expect=${request.expect}`] : []),
    ],
    mounts: [{ source: realRoot, target: realRoot, readOnly: !request.apply }, ...(request.apply ? written.map((folder) => ({ source: folder, target: folder, readOnly: false })) : [])],
    workingDir: realRoot,
    containerEnv: { XDG_STATE_HOME: dirname(state) },
    schema: repairOutputSchema,
    what: 'The vault repair',
    verbose: request.verbose,
  });
}

/**
 * The folder to mount writable and the --out to give inside, as a local backup would choose them:
 * the state folder's backups for this vault, a folder (retention), or a file's folder.
 */
async function destination(out: string | undefined, realRoot: string, env?: NodeJS.ProcessEnv): Promise<{ folder: string; out: string }> {
  if (out === undefined) {
    const folder = vaultBackupFolder(join(stateDir(env), 'backups'), realRoot);
    return { folder, out: `${folder}/` };
  }
  const isFolder = out.endsWith('/') || (await stat(out).then((s) => s.isDirectory(), () => false));
  if (isFolder) return { folder: out.replace(/\/+$/, '') || '/', out: out.endsWith('/') ? out : `${out}/` };
  return { folder: dirname(out), out };
}
