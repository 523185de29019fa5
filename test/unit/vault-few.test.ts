import assert from 'node:assert/strict';
import { test } from 'node:test';
import { fewAdd, fewHas, fewItems, fewRemove, fewSize, type Few } from '../../src/core/vault/few.js';

test('Few lists: one item alone, an array from two, back to the item when one is left, order kept', () => {
  const [a, b, c] = [{ n: 'a' }, { n: 'b' }, { n: 'c' }];
  let list: Few<{ n: string }> = undefined;
  assert.deepEqual([fewSize(list), fewItems(list), fewHas(list, a)], [0, [], false]);
  list = fewAdd(list, a);
  assert.equal(list, a, 'one item is the item itself');
  list = fewAdd(list, b);
  list = fewAdd(list, c);
  assert.deepEqual(fewItems(list), [a, b, c]);
  assert.deepEqual([fewSize(list), fewHas(list, b)], [3, true]);
  list = fewRemove(list, b);
  assert.deepEqual(fewItems(list), [a, c]);
  assert.equal(fewRemove(list, { n: 'other' }), list, 'removing what is not there changes nothing');
  list = fewRemove(list, a);
  assert.equal(list, c, 'one item left is the item again');
  assert.equal(fewRemove(list, c), undefined);
  let many: Few<{ n: number }> = undefined;
  const items = Array.from({ length: 20 }, (_, n) => ({ n }));
  for (const item of items) many = fewAdd(many, item);
  assert.deepEqual(fewItems(many), items, 'past eight items the array grows in place');
});
