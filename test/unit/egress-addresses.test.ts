// Which resolved addresses the egress door connects to: a pure decision, tested on addresses of
// every range (nothing here is connected to).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { publicAddress, Refused } from '../../src/core/sessions/egress/door.js';

test('an allowed name that resolves only to local, link-local, shared or reserved addresses is refused, naming them', () => {
  const local = [
    ['127.0.0.1'],
    ['127.8.9.10'],
    ['::1'],
    ['::ffff:127.0.0.1'],
    ['0.0.0.0'],
    ['169.254.169.254'],
    ['fe80::1'],
    ['fd00::1'],
    ['100.64.0.1'],
    ['224.0.0.251'],
    ['255.255.255.255'],
    ['203.0.113.7'],
    ['127.0.0.1', '::1'],
  ];
  for (const addresses of local) {
    assert.throws(
      () => publicAddress('api.example.com', addresses),
      (error: unknown) => error instanceof Refused && error.message === `api.example.com resolves only to local or private addresses (${addresses.join(', ')})`,
      addresses.join(', '),
    );
  }
});

test('a name with a public address is reached at that address, even when it also resolves to a local one', () => {
  assert.equal(publicAddress('api.anthropic.com', ['160.79.104.10']), '160.79.104.10');
  assert.equal(publicAddress('api.anthropic.com', ['127.0.0.1', '160.79.104.10']), '160.79.104.10');
  assert.equal(publicAddress('api.anthropic.com', ['::1', '2607:6bc0::10']), '2607:6bc0::10');
});
