import { test } from 'node:test';
import assert from 'node:assert/strict';
import { durationMs, parseCidr, parseHostPort, parseListen, parseSize } from '../../src/config/values.js';

test('listen addresses', () => {
  assert.deepEqual(parseListen('127.0.0.1:2525'), { host: '127.0.0.1', port: 2525 });
  assert.deepEqual(parseListen('[::1]:143'), { host: '::1', port: 143 });
  assert.deepEqual(parseListen('0.0.0.0:0'), { host: '0.0.0.0', port: 0 });
  assert.deepEqual(parseListen('localhost:25'), { host: 'localhost', port: 25 });
  assert.equal(parseListen('off'), null);
  for (const bad of ['', '2525', ':25', '127.0.0.1', '1.2.3.4:70000', '::1:25', '[x]:1', 'a b:1']) {
    assert.throws(() => parseListen(bad), /expected|range|not an/, bad);
  }
  assert.throws(() => parseHostPort('off'), /HOST:PORT/);
  assert.throws(() => parseHostPort('mx.test:0'), /HOST:PORT/);
});

test('durations, sizes and networks', () => {
  assert.equal(durationMs('250ms'), 250);
  assert.equal(durationMs('30s'), 30_000);
  assert.equal(durationMs('5d'), 5 * 86_400_000);
  assert.throws(() => durationMs('5'), /duration/);
  assert.equal(parseSize('50M'), 52_428_800);
  assert.equal(parseSize('512k'), 524_288);
  assert.equal(parseSize('100'), 100);
  assert.throws(() => parseSize('1.5G'), /size/);
  assert.deepEqual(parseCidr('10.0.0.0/8'), { address: '10.0.0.0', bits: 8, family: 4 });
  assert.deepEqual(parseCidr('::1'), { address: '::1', bits: 128, family: 6 });
  assert.throws(() => parseCidr('10.0.0.0/x'), /prefix/);
  assert.throws(() => parseCidr('example.test/8'), /network/);
});
