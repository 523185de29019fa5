import { existsSync } from 'node:fs';
import { cp, mkdir, mkdtemp, rm, symlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { run } from './run.js';

const repoRoot = resolve(__dirname, '..', '..');

/**
 * Runs the README's `npm run package` and writes the .vsix to `vsix`. It runs in a copy of the
 * working tree holding only what git would check out (tracked and new files, nothing ignored
 * such as dist/), so the package is made from the sources as on a fresh clone, and the working
 * tree's development build and other users of it are left alone. Returns the command's output:
 * what a user sees.
 */
export async function packageExtension(vsix: string): Promise<string> {
  const listed = await run('git', ['-C', repoRoot, 'ls-files', '-z', '--cached', '--others', '--exclude-standard'], { quiet: true }).catch(
    (error: Error) => {
      throw new Error(`Packaging copies the files of the git checkout at ${repoRoot}, and git could not list them: ${error.message}`);
    },
  );
  const tree = await mkdtemp(join(tmpdir(), 'berth-package-'));
  try {
    // A tracked file deleted in the working tree is not in a fresh clone of it either.
    for (const file of listed.split('\0').filter((path) => path && existsSync(join(repoRoot, path)))) {
      await mkdir(dirname(join(tree, file)), { recursive: true });
      await cp(join(repoRoot, file), join(tree, file));
    }
    await symlink(join(repoRoot, 'node_modules'), join(tree, 'node_modules'));
    await mkdir(dirname(vsix), { recursive: true });
    return await run('npm', ['run', 'package', '--', '--out', vsix], { cwd: tree, quiet: true });
  } finally {
    await rm(tree, { recursive: true, force: true });
  }
}
