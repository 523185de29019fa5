import { readFileSync } from 'node:fs';
import { join } from 'node:path';

const REPO = join(__dirname, '..', '..');

/**
 * The `$ berth …` lines of the first console block after a README heading, as argument lists, as a
 * shell would split them: "quoted words" kept whole, a leading `~` of the others expanded to `home`.
 */
export function readmeCommands(heading: string, home: string): string[][] {
  const readme = readFileSync(join(REPO, 'README.md'), 'utf8');
  const section = readme.slice(readme.indexOf(heading));
  const block = /```console\n([\s\S]*?)```/.exec(section)![1]!;
  return block
    .split('\n')
    .filter((line) => line.startsWith('$ berth '))
    .map((line) => [...line.slice('$ berth '.length).matchAll(/"([^"]*)"|(\S+)/g)].map((match) => match[1] ?? match[2]!.replace(/^~(?=\/|$)/, home)));
}
