import assert from 'node:assert/strict';
import { PassThrough } from 'node:stream';
import { test } from 'node:test';
import { processIo, type StdStreams } from '../../src/cli/io.js';

/** Streams that say they are (or are not) terminals, as process.stdin/stdout/stderr do. */
function streams(tty: { stdin?: boolean; stdout?: boolean; stderr?: boolean } = {}) {
  const raw: boolean[] = [];
  const stdin = Object.assign(new PassThrough(), { isTTY: tty.stdin, setRawMode: (mode: boolean) => raw.push(mode) });
  const stdout = Object.assign(new PassThrough(), { isTTY: tty.stdout, columns: 120, rows: 40 });
  const stderr = Object.assign(new PassThrough(), { isTTY: tty.stderr, columns: 90 });
  let written = '';
  stderr.on('data', (chunk: Buffer) => (written += chunk.toString()));
  return { std: { stdin, stdout, stderr } satisfies StdStreams, raw, stderrText: () => written };
}

test('confirm exists only when stdin and stderr are both terminals', () => {
  assert.equal(typeof processIo(streams({ stdin: true, stderr: true }).std).confirm, 'function');
  assert.equal(processIo(streams({ stdin: true, stdout: true }).std).confirm, undefined);
  assert.equal(processIo(streams({ stderr: true, stdout: true }).std).confirm, undefined);
  assert.equal(processIo(streams().std).confirm, undefined);
});

test('confirm asks on stderr with [y/N] and reads one line: yes is y or yes, anything else or nothing is no', async () => {
  for (const [typed, expected] of [['y\n', true], ['YES\n', true], ['n\n', false], ['\n', false], ['sure\n', false], ['', false]] as const) {
    const { std, stderrText } = streams({ stdin: true, stderr: true });
    const answer = processIo(std).confirm!('Remove 2 sessions?', new AbortController().signal);
    if (typed) std.stdin.write(typed);
    else std.stdin.end();
    assert.equal(await answer, expected, JSON.stringify(typed));
    assert.match(stderrText(), /Remove 2 sessions\? \[y\/N\] /);
  }
});

test('an interrupted question rejects with the abort and ends its line; one asked after Ctrl-C is not asked', async () => {
  const { std, stderrText } = streams({ stdin: true, stderr: true });
  const abort = new AbortController();
  const answer = processIo(std).confirm!('Go?', abort.signal);
  abort.abort(new Error('interrupted'));
  await assert.rejects(answer, /interrupted/);
  assert.match(stderrText(), /Go\? \[y\/N\] (\u001b\[\d+G)?\n$/);
  await assert.rejects(processIo(std).confirm!('Again?', abort.signal), /interrupted/);
  assert.doesNotMatch(stderrText(), /Again/);
});

test('the terminal: a TTY only when stdin and stdout are, its size from stdout, resize events, raw mode only on a TTY', () => {
  const piped = streams({ stdout: true, stderr: true });
  const pipedTerminal = processIo(piped.std).terminal!;
  assert.equal(pipedTerminal.isTTY, false);
  assert.equal(pipedTerminal.input, piped.std.stdin);
  pipedTerminal.setRawMode(true);
  assert.deepEqual(piped.raw, []);

  const tty = streams({ stdin: true, stdout: true });
  const io = processIo(tty.std);
  const terminal = io.terminal!;
  assert.equal(terminal.isTTY, true);
  assert.deepEqual(terminal.size(), { columns: 120, rows: 40 });
  let resized = 0;
  const stop = terminal.onResize(() => resized++);
  tty.std.stdout.emit('resize');
  stop();
  tty.std.stdout.emit('resize');
  assert.equal(resized, 1);
  terminal.setRawMode(true);
  io.release!();
  assert.deepEqual(tty.raw, [true, false]);
});

test('progress is drawn only when stderr is a terminal, no wider than it', () => {
  assert.equal(processIo(streams({ stderr: true }).std).isTTY, true);
  assert.equal(processIo(streams({ stdout: true, stdin: true }).std).isTTY, false);
  assert.equal(processIo(streams({ stderr: true }).std).columns!(), 90);
});
