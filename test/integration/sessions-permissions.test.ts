// Claude Code skips its permission prompts only where a container is the sandbox: the service
// tells the agent command which provider the session got. A stand-in `claude` records the argv it
// is given; only the argv matters here (the real binary runs in sessions-claude.test.ts).
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { chmod, mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { BUSYBOX_IMAGE, busyboxImage } from '../support/images.js';
import { eventually, sessionSandbox } from '../support/sessions.js';

const SKIP = '--dangerously-skip-permissions';
const PROMPT = 'fix the failing tests';

/** Writes a `claude` into `bin` that saves its arguments, NUL-separated, at `record` and exits 0. */
async function fakeClaude(bin: string, record: string): Promise<void> {
  await mkdir(bin, { recursive: true });
  // Through a temporary file, so that the record exists only once it is whole.
  await writeFile(join(bin, 'claude'), `#!/bin/sh\nprintf '%s\\0' "$@" > '${record}.tmp' && mv '${record}.tmp' '${record}'\n`);
  await chmod(join(bin, 'claude'), 0o755);
}

async function recordedArgs(record: string): Promise<string[]> {
  await eventually(() => existsSync(record), 30_000, `the argv at ${record}`);
  return (await readFile(record, 'utf8')).split('\0').slice(0, -1);
}

test('a Claude Code session run as a local process keeps its permission prompts', { timeout: 60_000 }, async () => {
  const local = await sessionSandbox({ settings: { provider: 'process' } });
  try {
    const bin = join(local.root, 'bin');
    const record = join(local.root, 'argv');
    await fakeClaude(bin, record);
    const session = await local.service.start(
      { workspace: local.workspace, agent: 'claude', prompt: PROMPT, env: [`PATH=${bin}:${process.env.PATH}`] },
      { origin: 'test' },
    );
    assert.equal(session.isolated, false);
    const args = await recordedArgs(record);
    assert.ok(!args.includes(SKIP), `a process session has no sandbox, yet claude got ${JSON.stringify(args)}`);
    assert.deepEqual(args.slice(-2), ['--', PROMPT]);
  } finally {
    await local.cleanup();
  }
});

test('a Claude Code session in a container skips them: the container is the sandbox', { timeout: 120_000 }, async () => {
  await busyboxImage();
  const box = await sessionSandbox({ settings: { image: BUSYBOX_IMAGE }, secrets: { ANTHROPIC_API_KEY: 'sk-ant-permissions-test' } });
  try {
    await fakeClaude(join(box.workspace, 'bin'), '/workspace/argv');
    // Claude Code is refused --network none; host is the network a container gets on an engine
    // without a bridge, as CI's is.
    const session = await box.service.start(
      { workspace: box.workspace, agent: 'claude', prompt: PROMPT, network: 'host', env: ['PATH=/workspace/bin:/bin'] },
      { origin: 'test' },
    );
    assert.equal(session.isolated, true);
    const cmd = (await box.docker.getContainer(session.name).inspect()).Config.Cmd;
    assert.ok(cmd.includes(SKIP), `the container's command lacks ${SKIP}: ${JSON.stringify(cmd)}`);
    assert.deepEqual(cmd.slice(-2), ['--', PROMPT]);
    const args = await recordedArgs(join(box.workspace, 'argv'));
    assert.ok(args.includes(SKIP), `claude in the container got ${JSON.stringify(args)}`);
    assert.deepEqual(args.slice(-2), ['--', PROMPT]);
  } finally {
    await box.cleanup();
  }
});
