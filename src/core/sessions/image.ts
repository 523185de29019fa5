import { existsSync } from 'node:fs';
import { copyFile, link, mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import type Docker from 'dockerode';
import { BerthError } from '../errors.js';

export const DEFAULT_AGENT_IMAGE = 'berth/agent:latest';

export interface BuildImageOptions {
  tag?: string;
  /** The Dockerfile folder; media/agent-image of the installed Berth by default. */
  contextDir?: string;
  /** The BASE build argument (a Node image by default, in the Dockerfile). */
  base?: string;
  /** A claude binary to copy in rather than installing the CLI from npm during the build. */
  claudeBinary?: string;
  /** The build containers' network; `none` for offline builds whose base has everything. */
  networkMode?: string;
  onProgress?: (line: string) => void;
  signal?: AbortSignal;
}

/** Finds media/agent-image from wherever this code runs: src/ under tsx, dist/ when bundled. */
export function defaultAgentImageDir(): string {
  for (let dir = __dirname; ; dir = dirname(dir)) {
    const candidate = join(dir, 'media', 'agent-image');
    if (existsSync(join(candidate, 'Dockerfile'))) return candidate;
    if (dirname(dir) === dir) {
      throw new BerthError('The agent image Dockerfile (media/agent-image) was not found next to Berth.', 'Reinstall Berth: its media/agent-image folder is missing.', 'IMAGE_CONTEXT_MISSING');
    }
  }
}

interface BuildMessage {
  stream?: string;
  status?: string;
  error?: string;
  errorDetail?: { message?: string };
}

/** Builds the agent image, reporting each build output line; the context is a scratch copy, removed after. */
export async function buildAgentImage(docker: Docker, options: BuildImageOptions = {}): Promise<{ tag: string; id: string }> {
  const tag = options.tag ?? DEFAULT_AGENT_IMAGE;
  const source = options.contextDir ?? defaultAgentImageDir();
  const staging = await mkdtemp(join(tmpdir(), 'berth-image-'));
  try {
    const files = await readdir(source);
    for (const file of files) await copyFile(join(source, file), join(staging, file));
    await mkdir(join(staging, 'claude'));
    if (options.claudeBinary) await linkOrCopy(options.claudeBinary, join(staging, 'claude', 'claude'));
    // COPY needs the folder to exist even when the Dockerfile is to install claude from npm.
    else await writeFile(join(staging, 'claude', '.keep'), '');

    const buildargs: Record<string, string> = {};
    if (options.base) buildargs.BASE = options.base;
    const stream = await docker.buildImage(
      { context: staging, src: [...files, 'claude'] },
      { t: tag, buildargs, rm: true, forcerm: true, ...(options.networkMode ? { networkmode: options.networkMode } : {}) },
    );
    const abort = () => (stream as unknown as { destroy?: () => void }).destroy?.();
    options.signal?.addEventListener('abort', abort, { once: true });
    let failure: string | undefined;
    try {
      await new Promise<void>((resolve, reject) => {
        docker.modem.followProgress(
          stream,
          (error) => (error ? reject(error) : resolve()),
          (event: BuildMessage) => {
            if (event.error) failure = event.errorDetail?.message ?? event.error;
            const text = (event.stream ?? event.status ?? '').trimEnd();
            if (text) options.onProgress?.(text);
          },
        );
      });
    } finally {
      options.signal?.removeEventListener('abort', abort);
    }
    if (failure) {
      throw new BerthError(`Building ${tag} failed: ${failure}`, 'Check the build output above; offline machines need --base with git and ripgrep and --claude-binary.', 'IMAGE_BUILD_FAILED');
    }
    const image = await docker.getImage(tag).inspect();
    return { tag, id: image.Id };
  } finally {
    await rm(staging, { recursive: true, force: true });
  }
}

async function linkOrCopy(from: string, to: string): Promise<void> {
  if (!existsSync(from)) throw new BerthError(`The claude binary ${from} does not exist.`, 'Point --claude-binary at the claude file of @anthropic-ai/claude-code-linux-x64.', 'CLAUDE_BINARY_MISSING');
  try {
    await link(from, to);
  } catch {
    await copyFile(from, to);
  }
}
