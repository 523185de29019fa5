import { spawn, type SpawnOptions } from 'node:child_process';

/** Runs a command to completion, streaming its output with a prefix, and fails loudly on a non-zero exit. */
export function run(command: string, args: string[], options: SpawnOptions & { quiet?: boolean } = {}): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { ...options, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    const collect = (chunk: Buffer) => {
      output += chunk.toString();
      if (!options.quiet) process.stderr.write(chunk);
    };
    child.stdout!.on('data', collect);
    child.stderr!.on('data', collect);
    child.on('error', reject);
    child.on('close', (code) => {
      if (code === 0) resolve(output);
      else reject(new Error(`${command} ${args.join(' ')} exited with ${code}:\n${output.slice(-4000)}`));
    });
  });
}

export async function succeeds(command: string, args: string[]): Promise<boolean> {
  try {
    await run(command, args, { quiet: true });
    return true;
  } catch {
    return false;
  }
}
