import { test } from 'node:test';
import assert from 'node:assert/strict';
import { canonicalAddress, parseAddress } from '../../src/lib/address.js';

test('canonical form lower-cases and IDNA-encodes', () => {
  assert.equal(canonicalAddress('Alice@Example.TEST'), 'alice@example.test');
  assert.equal(canonicalAddress('bob@bücher.example'), 'bob@xn--bcher-kva.example');
});

test('invalid addresses are rejected', () => {
  for (const a of ['', 'alice', '@example.test', 'alice@', 'a b@example.test', 'alice@exa mple.test', 'alice@-bad-.test']) {
    assert.equal(parseAddress(a), null, a);
  }
});
