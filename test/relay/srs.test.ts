import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isSrs, srsForward, srsReverse, encodeTimestamp, type SrsOptions } from '../../src/auth/srs.js';

const day = 20_000 * 86_400_000;
const corp: SrsOptions = { secrets: ['corp-secret'], domain: 'corporate.test', now: () => day };
const island: SrsOptions = { secrets: ['island-secret'], domain: 'island.test', now: () => day };

test('SRS0: forward and reverse give the original sender back', () => {
  const fwd = srsForward('Alice=X@localisp.test', corp);
  assert.match(fwd, /^SRS0=[A-Za-z0-9+/]{4}=[A-Z2-7]{2}=localisp\.test=Alice=X@corporate\.test$/);
  assert.ok(isSrs(fwd));
  assert.deepEqual(srsReverse(fwd, corp), { ok: true, address: 'Alice=X@localisp.test' });
  assert.equal(encodeTimestamp(20_000 % 1024), fwd.split('=')[2]);
});

test('the hash is checked (case-insensitively), with every configured secret', () => {
  const fwd = srsForward('alice@localisp.test', corp);
  assert.deepEqual(srsReverse(fwd.toLowerCase(), corp), { ok: true, address: 'alice@localisp.test' });
  const tampered = fwd.replace('localisp.test=alice', 'evil.test=alice');
  assert.deepEqual(srsReverse(tampered, corp), { ok: false, reason: 'bad-hash' });
  assert.deepEqual(srsReverse(fwd, { ...corp, secrets: ['other'] }), { ok: false, reason: 'bad-hash' });
  assert.deepEqual(srsReverse(fwd, { ...corp, secrets: ['new', 'corp-secret'] }).ok, true);
});

test('old SRS0 addresses expire (21 days by default), also across the 1024-day wrap', () => {
  const fwd = srsForward('alice@localisp.test', corp);
  assert.equal(srsReverse(fwd, { ...corp, now: () => day + 21 * 86_400_000 }).ok, true);
  assert.deepEqual(srsReverse(fwd, { ...corp, now: () => day + 22 * 86_400_000 }), { ok: false, reason: 'expired' });
  const wrap: SrsOptions = { ...corp, now: () => 1023 * 86_400_000 };
  const w = srsForward('a@b.test', wrap);
  assert.equal(srsReverse(w, { ...corp, now: () => 1030 * 86_400_000 }).ok, true);
});

test('a second forwarder makes SRS1 that leads back through the first', () => {
  const first = srsForward('alice@localisp.test', corp);
  const second = srsForward(first, island);
  assert.match(second, /^SRS1=[^=]{4}=corporate\.test==[^=]{4}=[A-Z2-7]{2}=localisp\.test=alice@island\.test$/);
  const back = srsReverse(second, island);
  assert.deepEqual(back, { ok: true, address: first });
  assert.deepEqual(srsReverse(first, corp), { ok: true, address: 'alice@localisp.test' });
  // a third forwarder keeps pointing at the first one
  const third = srsForward(second, { ...corp, domain: 'third.test' });
  assert.match(third, /^SRS1=[^=]{4}=corporate\.test==.*@third\.test$/);
  assert.deepEqual(srsReverse(third, { ...corp, domain: 'third.test' }), { ok: true, address: first });
});

test('the null path, our own addresses and non-SRS addresses are left alone', () => {
  assert.equal(srsForward('', corp), '');
  assert.equal(srsForward('bob@Corporate.test', corp), 'bob@Corporate.test');
  assert.deepEqual(srsReverse('bob@corporate.test', corp), { ok: false, reason: 'not-srs' });
  assert.deepEqual(srsReverse('SRS0=abcd@corporate.test', corp), { ok: false, reason: 'malformed' });
});
