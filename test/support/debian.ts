import { run } from './run.js';

let updated = false;

/**
 * Installs Debian packages that are missing. Only as root: otherwise it says exactly what
 * to install, because a test that silently skips proves nothing.
 */
export async function ensureDebianPackages(packages: string[], why: string): Promise<void> {
  const missing: string[] = [];
  for (const name of packages) {
    // dpkg-query fails for a package it never heard of, and reports removed ones as not installed.
    const status = await run('dpkg-query', ['-W', '-f=${Status}', name], { quiet: true }).catch(() => '');
    if (!status.includes('install ok installed')) missing.push(name);
  }
  if (missing.length === 0) return;
  if (process.getuid?.() !== 0) {
    throw new Error(`${why} needs the Debian packages ${missing.join(', ')}. Install them: sudo apt-get install -y ${missing.join(' ')}`);
  }
  process.stderr.write(`[setup] installing ${missing.join(', ')} for ${why}\n`);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  if (!updated) {
    await run('apt-get', ['update'], { env, quiet: true });
    updated = true;
  }
  await run('apt-get', ['install', '-y', '--no-install-recommends', ...missing], { env, quiet: true });
}
