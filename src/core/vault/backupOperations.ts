/* eslint-disable @typescript-eslint/no-require-imports -- the archive code (and tar) is required when a backup runs, not with the catalog */
import * as z from 'zod';
import { defineOperation } from '../operations.js';
import type { SessionService } from '../sessions/service.js';
import { callerPath } from '../paths.js';
import { printable } from '../text.js';
import type * as Backup from './backup/backup.js';
import { megabytes, tally } from './backup/format.js';
import type * as Restore from './backup/restore.js';
import type * as Verify from './backup/verify.js';
import type * as InContainer from './container/vaultInContainer.js';
import type { Vaults } from './live.js';
import { excludeInput, excludeOf, inContainerInput, isolationOutput, runsInContainer, vaultDirInput, vaultRootOf, withIsolation } from './vaultOperation.js';

export interface VaultBackupDependencies {
  vaults: Vaults;
  /** The vault folder when the input names none (the open workspace folder); else the working folder. */
  vaultRoot?: () => string | undefined;
  vaultExclude?: () => readonly string[];
  /** Where the state folder is looked up (XDG_STATE_HOME); the process's environment when absent. */
  env?: NodeJS.ProcessEnv;
  vaultRunIn?: () => 'local' | 'container';
  sessions?: SessionService;
  dockerHost?: () => string | undefined;
}

const counts = {
  files: z.number().int(),
  folders: z.number().int(),
  links: z.number().int().describe('Symbolic links, stored as links'),
  bytes: z.number().int().describe('The files’ total size, uncompressed'),
};

const about = z.object({
  createdAt: z.string().describe('When the backup was made (ISO 8601)'),
  berthVersion: z.string().describe('The Berth that made it'),
  vault: z.object({ name: z.string(), path: z.string().describe('The vault’s real path when it was backed up'), score: z.number().int().describe('Its health score then, 0-100') }),
});

/** What a backup made; the same whether it ran here or in a container (container/vaultInContainer.ts). */
export const backupOutputSchema = z.object({
  file: z.string().describe('The archive written'),
  ...about.shape,
  ...counts,
  archiveBytes: z.number().int().describe('The archive’s size'),
  seconds: z.number(),
  skipped: z.array(z.object({ path: z.string(), reason: z.string() })).describe('What was left out although the filters let it in, and why'),
  removed: z.array(z.string()).describe('Older backups removed to keep the newest `keep`'),
});

const summary = (o: { files: number; folders: number; links: number; bytes: number }) =>
  `${o.files} file${o.files === 1 ? '' : 's'} (${megabytes(o.bytes)}), ${o.folders} folder${o.folders === 1 ? '' : 's'}, ${o.links} link${o.links === 1 ? '' : 's'}`;

export function createVaultBackupOperations(deps: VaultBackupDependencies) {
  const backup = defineOperation({
    name: 'vault.backup',
    title: 'Back up a vault to a verified archive',
    description:
      'Writes the vault to a gzip-compressed tar with a manifest (each file’s size, mode, time and SHA-256, the Berth version, the time and the vault’s score), ' +
      'atomically: a temporary file, flushed, then renamed. Dot-folders such as .obsidian are kept; node_modules, what .gitignore ignores and the exclude globs are left out; ' +
      'symbolic links are stored as links and never followed. By default it goes to the backups folder in Berth’s state folder, keeping the newest `keep`.',
    input: z.object({
      dir: vaultDirInput,
      out: z
        .string()
        .min(1)
        .optional()
        .describe('The archive to write, or an existing folder (or one ending in /) to write it into with retention; default: the backups folder of Berth’s state folder'),
      keep: z.number().int().min(1).max(10_000).default(10).describe('How many of this vault’s backups a backups folder keeps; older ones are removed'),
      exclude: excludeInput,
      skipDotFolders: z.boolean().default(false).describe('Leave out dot-folders and dot-files (.obsidian, .trash, .git), as the health scan does'),
      ...inContainerInput,
    }),
    output: backupOutputSchema.extend(isolationOutput),
    annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: false, openWorldHint: false },
    cli: {
      command: ['vault', 'backup'],
      positional: ['dir'],
      examples: [
        'berth vault backup ~/Notes  # into ~/.local/state/berth/backups/, keeping the last 10',
        'berth vault backup ~/Notes --out ~/Backups/ --keep 30',
        'berth vault backup --out notes.tar.gz --skip-dot-folders',
        'berth vault backup ~/Notes --in-container  # the vault read-only in a container without network; only the backups folder writable',
      ],
    },
    async run(input, ctx) {
      const root = vaultRootOf(input, deps, ctx);
      const out = input.out === undefined ? undefined : callerPath(ctx, input.out, 'The output') + (/[/\\]$/.test(input.out) ? '/' : '');
      const exclude = excludeOf(input, deps);
      if (runsInContainer(input.inContainer, deps)) {
        const { backupInContainer } = require('./container/vaultInContainer.js') as typeof InContainer;
        const result = await backupInContainer(deps, { root, ...(out === undefined ? {} : { out }), keep: input.keep, exclude, skipDotFolders: input.skipDotFolders, verbose: input.verbose === true }, ctx);
        for (const { path, reason } of result.skipped) ctx.warn?.(`Left out ${path}: ${reason}.`);
        return result;
      }
      const { backupVault } = require('./backup/backup.js') as typeof Backup;
      const result = await backupVault({
        root,
        ...(out === undefined ? {} : { out }),
        exclude,
        keepDotFolders: !input.skipDotFolders,
        keep: input.keep,
        score: async () => (await deps.vaults.index(root, { exclude, signal: ctx.signal, onProgress: (update) => ctx.progress(update) })).report().score,
        signal: ctx.signal,
        progress: (update) => ctx.progress(update),
        ...(deps.env ? { env: deps.env } : {}),
      });
      for (const { path, reason } of result.skipped) ctx.warn?.(`Left out ${path}: ${reason}.`);
      const { manifest } = result;
      return {
        file: result.file,
        createdAt: manifest.createdAt,
        berthVersion: manifest.berthVersion,
        vault: manifest.vault,
        ...tally(manifest.entries),
        archiveBytes: result.archiveBytes,
        seconds: result.seconds,
        skipped: result.skipped,
        removed: result.removed,
      };
    },
    format: (o) =>
      withIsolation([
        `Backed up ${printable(o.vault.path)} (score ${o.vault.score}) to ${printable(o.file)}`,
        `  ${summary(o)}; archive ${megabytes(o.archiveBytes)}, in ${o.seconds.toFixed(1)} s`,
        ...(o.removed.length ? [`  Removed ${o.removed.length} older backup${o.removed.length === 1 ? '' : 's'}`] : []),
      ].join('\n'), o),
  });

  const verify = defineOperation({
    name: 'vault.verify',
    title: 'Verify a vault backup',
    description:
      'Reads a backup to its end and checks every entry against its manifest: each file’s SHA-256, size, mode and time, each link’s target, and that the manifest and the entries agree. ' +
      'Fails with BACKUP_DAMAGED naming the damaged files.',
    input: z.object({
      file: z.string().min(1).describe('The backup (.tar.gz) to check'),
    }),
    output: z.object({ file: z.string(), ...about.shape, ...counts, archiveBytes: z.number().int(), seconds: z.number() }),
    annotations: { readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: false },
    cli: {
      command: ['vault', 'verify'],
      positional: ['file'],
      examples: ['berth vault verify ~/Backups/Notes-2025-01-31T12-00-00.000Z.tar.gz  # exit status 1 and the damaged files if it is damaged'],
    },
    async run(input, ctx) {
      const file = callerPath(ctx, input.file, 'The backup');
      const { openArchive, verifyArchive } = require('./backup/verify.js') as typeof Verify;
      const started = performance.now();
      const archive = await openArchive(file);
      try {
        const { manifest } = await verifyArchive(archive, file, { signal: ctx.signal, onBytes: (done, total) => ctx.progress({ message: 'Verifying', fraction: done / total }) });
        const { createdAt, berthVersion, vault } = manifest;
        return { file, createdAt, berthVersion, vault, ...tally(manifest.entries), archiveBytes: archive.size, seconds: (performance.now() - started) / 1000 };
      } finally {
        await archive.close();
      }
    },
    format: (o) => `${printable(o.file)} is intact: ${summary(o)}, every hash checked.\n  Backup of ${printable(o.vault.path)} (score ${o.vault.score}) made ${o.createdAt} by Berth ${o.berthVersion}`,
  });

  const restore = defineOperation({
    name: 'vault.restore',
    title: 'Restore a vault backup into a folder',
    description:
      'Restores a backup into a folder (created when missing), with each file’s mode and time, then reads the result back against the manifest. ' +
      'Checks the whole archive before writing anything, and refuses entries that would escape the folder (absolute paths, "..", symbolic links leading out, ' +
      'entries written through a link), hard links, devices and FIFOs, naming the entry and why. A folder that is not empty needs `force`: ' +
      'the backup’s files then replace those at the same paths, and other files stay.',
    input: z.object({
      file: z.string().min(1).describe('The backup (.tar.gz) to restore'),
      to: z.string().min(1).describe('The folder to restore into (created when missing)'),
      force: z.boolean().default(false).describe('Restore into a folder that is not empty, replacing files at the same paths'),
    }),
    output: z.object({ file: z.string(), to: z.string().describe('The folder restored into (its real path)'), ...about.shape, ...counts, seconds: z.number() }),
    annotations: { readOnlyHint: false, destructiveHint: true, idempotentHint: true, openWorldHint: false },
    cli: {
      command: ['vault', 'restore'],
      positional: ['file'],
      examples: ['berth vault restore Notes-2025-01-31T12-00-00.000Z.tar.gz --to ~/Notes-restored', 'berth vault restore notes.tar.gz --to ~/Notes --force  # over the vault itself'],
    },
    async run(input, ctx) {
      const file = callerPath(ctx, input.file, 'The backup');
      const to = callerPath(ctx, input.to, 'The target folder');
      const { openArchive } = require('./backup/verify.js') as typeof Verify;
      const { restoreArchive } = require('./backup/restore.js') as typeof Restore;
      const started = performance.now();
      const archive = await openArchive(file);
      try {
        const result = await restoreArchive({ archive, file, to, force: input.force, signal: ctx.signal, progress: (update) => ctx.progress(update) });
        const { createdAt, berthVersion, vault } = result.manifest;
        return { file, to: result.to, createdAt, berthVersion, vault, ...tally(result.manifest.entries), seconds: (performance.now() - started) / 1000 };
      } finally {
        await archive.close();
      }
    },
    format: (o) => `Restored ${printable(o.file)} into ${printable(o.to)}: ${summary(o)}, read back and verified.\n  Backup of ${printable(o.vault.path)} made ${o.createdAt}`,
  });

  return [backup, verify, restore];
}
