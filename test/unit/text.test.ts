import assert from 'node:assert/strict';
import { test } from 'node:test';
import { printable } from '../../src/core/text.js';

test('printable escapes what could drive a terminal and leaves the rest alone', () => {
  assert.equal(printable('plain/päth ü.md'), 'plain/päth ü.md');
  assert.equal(printable('a\u001b[31mred\u001b[0m'), 'a\\e[31mred\\e[0m');
  assert.equal(printable('two\nlines\rback\ttab'), 'two\\nlines\\rback\\ttab');
  assert.equal(printable('bell\u0007 del\u007f c1\u009b sep\u2028'), 'bell\\u0007 del\\u007f c1\\u009b sep\\u2028');
  assert.equal(printable('a\\nb'), 'a\\\\nb', 'a typed backslash-n differs from an escaped newline');
  assert.ok(!/[\u0000-\u001f\u007f-\u009f]/.test(printable(String.fromCharCode(...Array.from({ length: 160 }, (_, i) => i)))));
});
