import { existsSync } from 'node:fs';
import { chmod, mkdir, mkdtemp, readdir, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connectDocker } from '../../src/core/sessions/docker/engine.js';
import { buildAgentImage } from '../../src/core/sessions/image.js';
import { cachePath } from './cache.js';
import { ensureDebianPackages } from './debian.js';
import { run, succeeds } from './run.js';

/**
 * Images for the session tests, built locally because no registry can be reached, and cached
 * in the engine: each builder first asks `docker image inspect` and builds only when missing.
 * Bump a tag's suffix when its recipe changes.
 */
export const BUSYBOX_IMAGE = 'berth-test/busybox:1';
/** busybox whose /tmp and /home/berth are 0755 root, as some minimal images ship them. */
export const BUSYBOX_0755_IMAGE = 'berth-test/busybox-0755:1';
export const DEBIAN_IMAGE = 'berth-test/debian:bookworm-2';
export const AGENT_IMAGE = 'berth-test/agent:2';
const CLAUDE_PACKAGE = '@anthropic-ai/claude-code-linux-x64';

const exists = (image: string) => succeeds('docker', ['image', 'inspect', image]);
const inFlight = new Map<string, Promise<string>>();
const once = (key: string, build: () => Promise<string>) => {
  let pending = inFlight.get(key);
  if (!pending) inFlight.set(key, (pending = build()));
  return pending;
};

/** busybox-static and its applet links: seconds to build, enough for shell sessions and hardening probes. */
export function busyboxImage(): Promise<string> {
  return busybox(BUSYBOX_IMAGE, 0o1777);
}

export function busybox0755Image(): Promise<string> {
  return busybox(BUSYBOX_0755_IMAGE, 0o755);
}

function busybox(image: string, tmpMode: number): Promise<string> {
  return once(image, async () => {
    if (await exists(image)) return image;
    await ensureDebianPackages(['busybox-static'], 'the busybox test image');
    const root = await mkdtemp(join(tmpdir(), 'berth-busybox-'));
    try {
      for (const dir of ['bin', 'etc', 'tmp', 'workspace', 'home', 'proc', 'sys', 'dev']) await mkdir(join(root, dir));
      await run('cp', ['/bin/busybox', join(root, 'bin', 'busybox')], { quiet: true });
      const applets = (await run('/bin/busybox', ['--list'], { quiet: true })).split('\n').filter((a) => a && a !== 'busybox');
      for (const applet of applets) await symlink('busybox', join(root, 'bin', applet));
      await writeFile(join(root, 'etc', 'passwd'), 'root:x:0:0:root:/root:/bin/sh\nberth:x:1000:1000:berth:/home/berth:/bin/sh\n');
      await writeFile(join(root, 'etc', 'group'), 'root:x:0:\nberth:x:1000:\n');
      await chmod(join(root, 'tmp'), tmpMode);
      if (tmpMode !== 0o1777) await mkdir(join(root, 'home', 'berth'), { mode: 0o755 });
      await run('sh', ['-c', `tar -C '${root}' -c . | docker import -c 'ENV PATH=/bin' -c 'CMD ["/bin/sh"]' - ${image}`], { quiet: true });
    } finally {
      await rm(root, { recursive: true, force: true });
    }
    return image;
  });
}

/** A Debian bookworm minbase with git, ripgrep, CA certificates, socat (the egress relay) and curl (for the egress tests): the offline BASE of the agent image. */
export function debianImage(): Promise<string> {
  return once(DEBIAN_IMAGE, async () => {
    if (await exists(DEBIAN_IMAGE)) return DEBIAN_IMAGE;
    await ensureDebianPackages(['debootstrap'], 'the Debian base test image');
    const root = await mkdtemp(join(tmpdir(), 'berth-debian-'));
    try {
      process.stderr.write('[setup] debootstrap bookworm (about a minute, once)\n');
      await run('debootstrap', ['--variant=minbase', '--include=git,ca-certificates,ripgrep,socat,curl', 'bookworm', root], { quiet: true });
      await rm(join(root, 'var', 'cache', 'apt', 'archives'), { recursive: true, force: true });
      await run('sh', ['-c', `tar -C '${root}' -c . | docker import -c 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' -c 'CMD ["/bin/bash"]' - ${DEBIAN_IMAGE}`], { quiet: true });
    } finally {
      await rm(root, { recursive: true, force: true });
    }
    return DEBIAN_IMAGE;
  });
}

/** The real native claude binary from npm, installed once into the cache folder outside the repo. */
export function claudeBinary(): Promise<string> {
  return once('claude-binary', async () => {
    const prefix = cachePath('claude');
    const found = await findClaude(prefix);
    if (found) return found;
    process.stderr.write(`[setup] npm install ${CLAUDE_PACKAGE} into ${prefix} (380 MB, once)\n`);
    await mkdir(prefix, { recursive: true });
    await run('npm', ['install', '--prefix', prefix, '--no-save', '--no-audit', '--no-fund', CLAUDE_PACKAGE], { quiet: true });
    const installed = await findClaude(prefix);
    if (!installed) throw new Error(`${CLAUDE_PACKAGE} installed into ${prefix} but holds no claude binary`);
    return installed;
  });
}

async function findClaude(prefix: string): Promise<string | undefined> {
  const dir = join(prefix, 'node_modules', ...CLAUDE_PACKAGE.split('/'));
  if (!existsSync(dir)) return undefined;
  for (const candidate of [join(dir, 'claude'), join(dir, 'bin', 'claude')]) if (existsSync(candidate)) return candidate;
  for (const entry of await readdir(dir, { recursive: true })) {
    if (String(entry).endsWith('/claude') || entry === 'claude') return join(dir, String(entry));
  }
  return undefined;
}

/** The agent image from media/agent-image/Dockerfile, built through Berth's own builder FROM the Debian base. */
export function agentImage(): Promise<string> {
  return once(AGENT_IMAGE, async () => {
    if (await exists(AGENT_IMAGE)) return AGENT_IMAGE;
    const [base, binary] = await Promise.all([debianImage(), claudeBinary()]);
    const { docker } = connectDocker();
    await buildAgentImage(docker, { tag: AGENT_IMAGE, base, claudeBinary: binary, networkMode: 'none' });
    return AGENT_IMAGE;
  });
}

if (require.main === module) {
  const which = process.argv.slice(2);
  const builders: Record<string, () => Promise<string>> = { busybox: busyboxImage, debian: debianImage, agent: agentImage };
  Promise.all((which.length ? which : Object.keys(builders)).map((name) => builders[name]!())).then(
    (images) => console.log(images.join('\n')),
    (error: unknown) => {
      console.error(error);
      process.exitCode = 1;
    },
  );
}
