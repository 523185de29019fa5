import assert from 'node:assert/strict';
import { test } from 'node:test';
import { commandHelp } from '../../src/cli/help.js';
import { createOperationCatalog } from '../../src/core/catalog.js';
import { BERTH_VERSION } from '../../src/core/version.js';
import { berth } from '../support/cliOperations.js';

test('a group, with or without --help, shows its commands and how to get their options', async () => {
  for (const argv of [['box'], ['box', '--help'], ['help', 'box'], ['box', '-h']]) {
    const { code, stdout, stderr } = await berth(argv);
    assert.equal(code, 0, argv.join(' '));
    assert.equal(stderr, '');
    assert.equal(
      stdout,
      [
        'Usage: berth box <command> [options]',
        '',
        'Commands:',
        '  start    Start a box',
        '  exec     Run a command in a box',
        '  stop     Stop boxes',
        '  watch    Watch a box',
        '  attach   Attach to a box',
        '',
        'Run "berth box <command> --help" for a command\'s options and examples.',
        '',
      ].join('\n'),
      argv.join(' '),
    );
  }
});

test('berth --help lists the commands by group and names the global options, --version among them', async () => {
  for (const argv of [['--help'], ['-h'], ['help'], []]) {
    const { code, stdout } = await berth(argv);
    assert.equal(code, 0, argv.join(' '));
    assert.match(stdout, /^berth \S+: isolated agent sessions and vault health\n/);
    assert.match(stdout, /\nCommands:\n +doctor +Check the setup\n/);
    assert.match(stdout, /\nThing commands:\n +thing make +Make a thing\n/);
    assert.match(stdout, /\nBox commands:\n +box start +Start a box\n +box exec +Run a command in a box\n/);
    assert.match(stdout, /\n +--json +Print the result as JSON/);
    assert.match(stdout, /\n +-v, --version +Print the version\n/);
    assert.match(stdout, /Exit status: 0 done, 1 failed, 2 usage error, 130 interrupted/);
    assert.doesNotMatch(stdout, /MCP/);
  }
  for (const flag of ['--version', '-v']) assert.deepEqual(await berth([flag]), { code: 0, stdout: `${BERTH_VERSION}\n`, stderr: '' });
});

test('a command’s help: a usage line that matches its options, the schema’s defaults, the examples', async () => {
  const exec = (await berth(['box', 'exec', '--help'])).stdout;
  assert.equal(
    exec,
    [
      'Usage: berth box exec <id> [options] -- <command>...',
      '',
      'Runs a command inside a box.',
      '',
      'Arguments:',
      '  <id>              Box id or a unique prefix of it',
      '  -- <command>...',
      '',
      'Options:',
      '  -i, --interactive   Keep stdin open',
      '  -t, --tty           Allocate a terminal',
      '      --json          Print the result as JSON (no progress; streamed output is collected into it)',
      '  -h, --help          Show help for berth, a group or a command',
      '',
      'Examples:',
      '  $ berth box exec 3f2a -- ls -la   # list the files',
      '  $ berth box exec -it 3f2a -- sh',
      '',
    ].join('\n'),
  );

  const start = (await berth(['box', 'start', '--help'])).stdout;
  assert.match(start, /^Usage: berth box start --name <value> \[options\]\n/);
  assert.match(start, /\n +--memory-mb <n> +Memory limit in MiB \(default: 4096\)\n/);
  assert.match(start, /\n +--pids-limit <n> +Most processes at once \(default: 512\)\n/);
  // A default the description already gives is not repeated.
  assert.match(start, /\n +--cpus <n> +CPU limit \(default: 2\)\n/);
  assert.match(start, /\n +--agent <value> +claude or shell \(default: claude\)\n/);
  assert.match(start, /\n +--mount <rw\|ro> +Workspace mount \(default: rw\)\n/);
  assert.match(start, /\n +--network <none\|bridge\|host> +Network mode\n/);
  assert.match(start, /\n +--name <value> +A name for it \(required\)\n/);

  assert.match((await berth(['box', 'stop', '--help'])).stdout, /^Usage: berth box stop <id>\.\.\. \[options\]\n/);
  const make = (await berth(['thing', 'make', '--help'])).stdout;
  assert.match(make, /^Usage: berth thing make \[<dir>\] \[options\] \[-- <command>\.\.\.\]\n/);
  // A false or empty default says nothing.
  assert.match(make, /\n +--verbose\n/);
  assert.match(make, /\n +--env <value>\.\.\. +NAME=VALUE\n/);
});

test('every real command’s help lists its positionals as arguments, never also as flags', () => {
  for (const operation of createOperationCatalog().list()) {
    const help = commandHelp(operation);
    const usage = help.split('\n')[0]!;
    assert.ok(usage.startsWith(`Usage: berth ${operation.cli.command.join(' ')}`), usage);
    for (const name of operation.cli.positional ?? []) {
      const flag = `--${name.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`;
      assert.ok(!help.includes(`${flag} `) && !help.includes(`${flag}\n`), `${operation.name} lists ${flag}`);
      assert.match(usage, new RegExp(`<${name}>`), operation.name);
    }
  }
});

test('unknown commands and flags suggest the nearest one', async () => {
  assert.match((await berth(['box', 'stpo', 'a'])).stderr, /^berth box: unknown command "stpo" \(did you mean "stop"\?\)\. Run "berth box --help" for usage\.\n$/);
  assert.match((await berth(['box', 'start', '--nmae', 'x'])).stderr, /unknown flag --nmae \(did you mean --name\?\)/);
  assert.match((await berth(['thing', 'make', '--jsno'])).stderr, /unknown flag --jsno \(did you mean --json\?\)/);
  assert.match((await berth(['box', 'zzzzzz'])).stderr, /^berth box: unknown command "zzzzzz"\. Run/);
});
