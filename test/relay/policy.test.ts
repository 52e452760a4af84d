import { test } from 'node:test';
import assert from 'node:assert/strict';
import { decide, defaultPolicy, doublingSchedule, policyFromConfig, retryDelay, wantsNotice, type AttemptOutcome } from '../../src/mta/queue/policy.js';

const MIN = 60_000;
const HOUR = 60 * MIN;
const msg = { sender: 'alice@localisp.test', isBounce: false, arrival: 0 };
const rcpt = { attempts: 0, notify: null, delayNotified: false };
const temp: AttemptOutcome = { kind: 'temporary', reply: '421 4.3.2 busy', remoteMta: 'mx' };
const perm: AttemptOutcome = { kind: 'permanent', reply: '550 5.1.1 unknown', remoteMta: 'mx' };

test('retry waits: 5 min doubling up to 1 h, then every hour', () => {
  assert.deepEqual([1, 2, 3, 4, 5, 6, 20].map((n) => retryDelay(n) / MIN), [5, 10, 20, 40, 60, 60, 60]);
  assert.deepEqual(doublingSchedule(30_000, 120_000), [30_000, 60_000, 120_000]);
  assert.equal(retryDelay(3, { ...defaultPolicy, retrySchedule: [1000, 2000] }), 2000);
});

test('the policy from configuration values', () => {
  const p = policyFromConfig({ retry: ['1s', '2s'], delay_warning: '4h', max_age: '5d' });
  assert.deepEqual(p, { retrySchedule: [1000, 2000], delayWarningMs: 4 * HOUR, maxAgeMs: 120 * HOUR });
  assert.equal(policyFromConfig({ retry: [], delay_warning: '0s', max_age: '1d' }).delayWarningMs, 0);
});

test('a temporary failure defers; the next attempt follows the schedule', () => {
  assert.deepEqual(decide(msg, rcpt, temp, 1000), { state: 'deferred', nextAttempt: 1000 + 5 * MIN, notice: null });
  assert.deepEqual(decide(msg, { ...rcpt, attempts: 2 }, temp, 1000), { state: 'deferred', nextAttempt: 1000 + 20 * MIN, notice: null });
});

test('a delay notice once after 4 hours, then silence; failure after 5 days', () => {
  const d = decide(msg, rcpt, temp, 4 * HOUR);
  assert.equal(d.notice, 'delayed');
  assert.equal(d.delayNotified, true);
  assert.equal(decide(msg, { ...rcpt, delayNotified: true }, temp, 5 * HOUR).notice, null);
  assert.deepEqual(decide(msg, { ...rcpt, delayNotified: true }, temp, 120 * HOUR), { state: 'failed', notice: 'failed' });
  assert.equal(decide(msg, rcpt, temp, 5 * HOUR, { ...defaultPolicy, delayWarningMs: 0 }).notice, null);
});

test('a 5xx fails at once; NOTIFY decides who hears about it', () => {
  assert.deepEqual(decide(msg, rcpt, perm, 0), { state: 'failed', notice: 'failed' });
  assert.equal(decide(msg, { ...rcpt, notify: ['NEVER'] }, perm, 0).notice, null);
  assert.equal(decide(msg, { ...rcpt, notify: ['DELAY'] }, perm, 0).notice, null);
  assert.equal(decide(msg, { ...rcpt, notify: ['SUCCESS'] }, temp, 5 * HOUR).notice, null);
  assert.equal(decide(msg, { ...rcpt, notify: ['FAILURE'] }, temp, 5 * HOUR).notice, null);
  assert.equal(decide(msg, { ...rcpt, notify: ['failure', 'delay'] }, temp, 5 * HOUR).notice, 'delayed');
});

test('never bounce a bounce, nor mail from the null reverse-path', () => {
  assert.equal(decide({ ...msg, isBounce: true }, rcpt, perm, 0).notice, null);
  assert.equal(decide({ ...msg, sender: '' }, rcpt, perm, 0).notice, null);
  assert.equal(decide({ ...msg, sender: '' }, rcpt, perm, 0).state, 'failed');
});

test('acceptance: delivered, or relayed with a notice when SUCCESS met a hop without DSN', () => {
  const ok = (hopHasDsn: boolean): AttemptOutcome => ({ kind: 'accepted', reply: '250 ok', remoteMta: 'mx', hopHasDsn });
  assert.deepEqual(decide(msg, rcpt, ok(false), 0), { state: 'delivered', notice: null });
  assert.deepEqual(decide(msg, { ...rcpt, notify: ['SUCCESS'] }, ok(false), 0), { state: 'relayed', notice: 'relayed' });
  assert.deepEqual(decide(msg, { ...rcpt, notify: ['SUCCESS'] }, ok(true), 0), { state: 'delivered', notice: null });
  assert.equal(wantsNotice(['SUCCESS', 'FAILURE'], 'relayed'), true);
});
