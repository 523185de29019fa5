import assert from 'node:assert/strict';
import { PassThrough } from 'node:stream';
import { test } from 'node:test';
import type { TerminalIo } from '../../src/core/operations.js';
import { berth } from '../support/cliOperations.js';

const ERASE = '\r\u001b[2K';

test('on a terminal, progress rewrites one line in place and is erased before the result', async () => {
  const result = await berth(['box', 'watch'], { isTTY: true, columns: () => 80 });
  assert.equal(result.code, 0);
  assert.equal(result.stderr, `${ERASE}… step 1 33%${ERASE}… step 2 67%${ERASE}… step 3 100%${ERASE}`);
  assert.equal(result.stdout, 'watched 3 steps\n');
});

test('a progress line never wraps: it is cut to the terminal’s width', async () => {
  const { stderr } = await berth(['box', 'watch', '--steps', '1'], { isTTY: true, columns: () => 8 });
  assert.equal(stderr, `${ERASE}… step…${ERASE}`);
});

test('without a terminal, or with --json, there is no progress', async () => {
  assert.equal((await berth(['box', 'watch'])).stderr, '');
  assert.equal((await berth(['box', 'watch', '--json'], { isTTY: true })).stderr, '');
});

test('warnings are always printed, on a line of their own, terminal or not, JSON or not', async () => {
  const warning = 'berth: warning: this box is NOT ISOLATED\n';
  assert.equal((await berth(['box', 'watch', '--warn', '--steps', '0'])).stderr, warning);
  assert.equal((await berth(['box', 'watch', '--warn', '--steps', '0', '--json'])).stderr, warning);
  assert.equal((await berth(['box', 'watch', '--warn', '--steps', '0', '--json'], { isTTY: true })).stderr, warning);
  // After progress, the warning starts on the erased line rather than after the progress text.
  assert.equal((await berth(['box', 'watch', '--warn', '--steps', '1'], { isTTY: true })).stderr, `${ERASE}… step 1 100%${ERASE}${warning}`);
});

test('the operation may ask only where the face can: confirm comes from the io or is absent', async () => {
  const asked: string[] = [];
  const answering = (answer: boolean) => ({
    confirm: async (question: string) => {
      asked.push(question);
      return answer;
    },
  });
  assert.deepEqual(await berth(['box', 'stop', 'a', 'b'], answering(true)), { code: 0, stdout: 'stopped a b\n', stderr: '' });
  assert.deepEqual(await berth(['box', 'stop', 'a'], answering(false)), { code: 0, stdout: 'nothing stopped\n', stderr: '' });
  assert.deepEqual(asked, ['Stop 2 boxes?', 'Stop 1 boxes?']);
  assert.deepEqual(await berth(['box', 'stop', 'a']), { code: 1, stdout: '', stderr: 'berth box stop: Nobody can confirm here. Pass --yes.\n' });
});

test('the face lends its terminal to the operation, and takes it back afterwards', async () => {
  const input = new PassThrough();
  input.end('piped\n');
  const terminal: TerminalIo = {
    input,
    output: new PassThrough(),
    isTTY: false,
    size: () => ({ columns: 100, rows: 30 }),
    onResize: () => () => undefined,
    setRawMode: () => undefined,
  };
  let released = 0;
  const { stdout } = await berth(['box', 'attach'], { terminal, release: () => released++ });
  assert.deepEqual(JSON.parse(stdout), { terminal: true, isTTY: false, size: { columns: 100, rows: 30 }, read: 'piped\n' });
  assert.equal(released, 1);
});
