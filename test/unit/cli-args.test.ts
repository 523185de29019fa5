import assert from 'node:assert/strict';
import { test } from 'node:test';
import { berth } from '../support/cliOperations.js';

test('everything after -- belongs to the command: --help and --json there are not Berth’s', async () => {
  const help = await berth(['box', 'exec', 'b1', '--', 'grep', '--help']);
  assert.deepEqual(help, { code: 0, stdout: 'b1 ["grep","--help"]\n', stderr: '' });
  const json = await berth(['box', 'exec', 'b1', '--', 'echo', 'x', '--json']);
  assert.deepEqual(json, { code: 0, stdout: 'b1 ["echo","x","--json"]\n', stderr: '' });
  const short = await berth(['box', 'exec', 'b1', '--', 'ls', '-h']);
  assert.equal(short.stdout, 'b1 ["ls","-h"]\n');

  // Before -- they are Berth's.
  const before = await berth(['box', 'exec', 'b1', '--json', '--', 'echo', 'x']);
  assert.deepEqual(JSON.parse(before.stdout).command, ['echo', 'x']);
  assert.match((await berth(['box', 'exec', '-h', 'b1', '--', 'ls'])).stdout, /^Usage: berth box exec /);
});

test('flags, positionals, repeated options, --flag=value and -- are mapped from the schema', async () => {
  const { code, stdout } = await berth(['thing', 'make', 'vault', '--count', '3', '--verbose', '--env', 'A=1', '--env=B=2', '--json', '--', 'ls', '-la']);
  assert.equal(code, 0);
  assert.deepEqual(JSON.parse(stdout), { dir: 'vault', count: 3, verbose: true, env: ['A=1', 'B=2'], command: ['ls', '-la'], fail: false });
  assert.equal(JSON.parse((await berth(['thing', 'make', '--count=4', '--verbose=false', '--json'])).stdout).verbose, false);
});

test('short flags of boolean options combine as docker’s do: -it', async () => {
  assert.equal((await berth(['box', 'exec', '-it', 'b1', '--', 'sh'])).stdout, 'b1 -i -t ["sh"]\n');
  assert.equal((await berth(['box', 'exec', 'b1', '-t', '--', 'sh'])).stdout, 'b1 -t ["sh"]\n');
  assert.equal((await berth(['box', 'exec', '--interactive', 'b1', '--', 'sh'])).stdout, 'b1 -i ["sh"]\n');
});

test('the last positional may take every remaining word', async () => {
  assert.deepEqual(await berth(['box', 'stop', 'a', 'b', '--yes', 'c']), { code: 0, stdout: 'stopped a b c\n', stderr: '' });
});

test('a usage error is one line naming the flag or positional as typed, with exit status 2', async () => {
  const cases: [string[], string][] = [
    [['box', 'exec', '--', 'ls'], 'berth box exec: missing <id>: box id or a unique prefix of it'],
    [['box', 'exec', 'b1'], 'berth box exec: missing <command>: give the command after --'],
    [['box', 'stop', '--yes'], 'berth box stop: missing <id>: box ids'],
    [['box', 'start'], 'berth box start: missing --name: a name for it'],
    [['thing', 'make', '--count', '0'], 'berth thing make: --count must be positive'],
    [['thing', 'make', '--count', '-5'], 'berth thing make: --count must be positive'],
    [['box', 'start', '--name', 'x', '--memory-mb', '-0.5'], 'berth box start: --memory-mb must be positive'],
    [['thing', 'make', '--count', '1.5'], 'berth thing make: --count must be a whole number'],
    [['thing', 'make', '--count', 'many'], 'berth thing make: --count takes a number, not "many"'],
    [['thing', 'make', '--count'], 'berth thing make: --count needs a value'],
    [['box', 'start', '--name', '--mount', 'ro'], 'berth box start: --name needs a value (write --name=--mount if that is the value)'],
    [['box', 'start', '--name', 'x', '--network', 'wifi'], 'berth box start: --network must be one of none, bridge, host, not "wifi"'],
    [['thing', 'make', '--cuont', '2'], 'berth thing make: unknown flag --cuont (did you mean --count?)'],
    [['box', 'exec', '-x', 'b1', '--', 'sh'], 'berth box exec: unknown flag -x'],
    [['box', 'exec', '--id', 'b1', '--', 'ls'], 'berth box exec: give <id> without --id'],
    [['thing', 'make', 'a', 'b'], 'berth thing make: unexpected argument "b" (put the command after --)'],
    [['doctor', '--', 'x'], 'berth doctor: this command takes nothing after --'],
    [['thing', 'mak'], 'berth thing: unknown command "mak" (did you mean "make"?)'],
    [['thng', 'make'], 'berth: unknown command "thng" (did you mean "thing"?)'],
    [['exec'], 'berth: unknown command "exec" (did you mean "box exec"?)'],
    [['--nope'], 'berth: unknown flag --nope'],
  ];
  for (const [argv, line] of cases) {
    const command = line.slice(0, line.indexOf(':'));
    const result = await berth(argv);
    assert.deepEqual(result, { code: 2, stdout: '', stderr: `${line}. Run "${command} --help" for usage.\n` }, argv.join(' '));
  }
});

test('a failure is one line: the message and its hint, with exit status 1', async () => {
  assert.deepEqual(await berth(['thing', 'make', '--fail']), { code: 1, stdout: '', stderr: 'berth thing make: The thing broke. Try a smaller thing.\n' });
});
