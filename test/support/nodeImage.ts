import { copyFile, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { debianImage } from './images.js';
import { run, succeeds } from './run.js';

/**
 * An image with Node for running Berth's own CLI in a container (vault --in-container): no node
 * image can be pulled here, so it is the Debian test base with this machine's node binary copied
 * in (it needs only glibc and libstdc++, which the base has). Users get the agent image, whose
 * node:20-bookworm-slim base has Node. The tag carries the Node version: a new node, a new image.
 */
export const NODE_IMAGE = `berth-test/node:${process.versions.node}-1`;

let pending: Promise<string> | undefined;

export function nodeImage(): Promise<string> {
  pending ??= (async () => {
    if (await succeeds('docker', ['image', 'inspect', NODE_IMAGE])) return NODE_IMAGE;
    const base = await debianImage();
    const context = await mkdtemp(join(tmpdir(), 'berth-node-image-'));
    try {
      await copyFile(process.execPath, join(context, 'node'));
      await writeFile(join(context, 'Dockerfile'), `FROM ${base}\nCOPY node /usr/local/bin/node\nRUN ["/usr/local/bin/node", "--version"]\n`);
      await run('docker', ['build', '--network', 'none', '-t', NODE_IMAGE, context], { quiet: true });
    } finally {
      await rm(context, { recursive: true, force: true });
    }
    return NODE_IMAGE;
  })();
  return pending;
}

if (require.main === module) {
  nodeImage().then(
    (image) => console.log(image),
    (error: unknown) => {
      console.error(error);
      process.exitCode = 1;
    },
  );
}
