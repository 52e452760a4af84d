// mail/authenticate: password, APOP and SASL checks against a Directory, and the failure tracker.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { AuthFailureTracker, VerifiedLoginCache, apopDigest, loginCache, verifyApop, verifyLogin, verifySasl } from '../../src/mail/authenticate.js';
import { hashPassword } from '../../src/auth/password.js';
import { CramMd5Mechanism, PlainMechanism, type SaslStep } from '../../src/protocol/sasl/index.js';
import type { Account, Directory } from '../../src/store/types.js';

async function directory(): Promise<Directory> {
  const accounts: Account[] = [
    { id: 1, address: 'Alice@Example.test', passwordHash: await hashPassword('correct horse'), apopSecret: 'tanstaaf', quota: null, createdAt: 0 },
    { id: 2, address: 'bob@example.test', passwordHash: await hashPassword('battery staple'), apopSecret: null, quota: null, createdAt: 0 },
  ];
  const getAccount = async (a: string) => accounts.find((x) => x.address.toLowerCase() === a.toLowerCase()) ?? null;
  return { getAccount } as Partial<Directory> as Directory;
}

test('verifyLogin: right password, wrong password, unknown user, not an address', async () => {
  const dir = await directory();
  assert.equal((await verifyLogin(dir, 'alice@example.test', 'correct horse'))?.id, 1);
  assert.equal(await verifyLogin(dir, 'alice@example.test', 'wrong'), null);
  assert.equal(await verifyLogin(dir, 'nobody@example.test', 'correct horse'), null);
  assert.equal(await verifyLogin(dir, 'alice', 'correct horse'), null);
});

test('APOP: RFC 1939 §7 digest, and accounts without a secret refuse it', async () => {
  assert.equal(apopDigest('<1896.697170952@dbc.mtview.ca.us>', 'tanstaaf'), 'c4c9334bac560ecc979e58001b3e22fb');
  const dir = await directory();
  const ts = '<1.2@host>';
  assert.equal((await verifyApop(dir, 'alice@example.test', ts, apopDigest(ts, 'tanstaaf').toUpperCase()))?.id, 1);
  assert.equal(await verifyApop(dir, 'alice@example.test', ts, apopDigest(ts, 'nope')), null);
  assert.equal(await verifyApop(dir, 'bob@example.test', ts, apopDigest(ts, '')), null);
  assert.equal(await verifyApop(dir, 'alice@example.test', ts, 'xyz'), null);
});

function finish(step: SaslStep): Extract<SaslStep, { kind: 'done' }> {
  if (step.kind !== 'done') throw new Error('expected done');
  return step;
}

test('verifySasl: PLAIN with authzid rules; CRAM-MD5 needs the shared secret', async () => {
  const dir = await directory();
  const plain = (msg: string) => finish(new PlainMechanism().start(Buffer.from(msg)));
  const p1 = plain('\0alice@example.test\0correct horse');
  assert.equal((await verifySasl(dir, p1.identity, p1.credential))?.account.id, 1);
  const p2 = plain('bob@example.test\0alice@example.test\0correct horse');
  assert.equal(await verifySasl(dir, p2.identity, p2.credential), null, 'no proxy authorization');
  const p3 = plain('ALICE@example.test\0alice@example.test\0correct horse');
  assert.equal((await verifySasl(dir, p3.identity, p3.credential))?.account.id, 1);

  const cram = (user: string, secret: string) => {
    const m = new CramMd5Mechanism({ hostname: 'h', challenge: '<1.2@h>' });
    m.start();
    const digest = createHmac('md5', secret).update('<1.2@h>').digest('hex');
    return finish(m.step(Buffer.from(`${user} ${digest}`)));
  };
  const c1 = cram('alice@example.test', 'tanstaaf');
  assert.equal((await verifySasl(dir, c1.identity, c1.credential))?.account.id, 1);
  const c2 = cram('alice@example.test', 'wrong');
  assert.equal(await verifySasl(dir, c2.identity, c2.credential), null);
  const c3 = cram('bob@example.test', '');
  assert.equal(await verifySasl(dir, c3.identity, c3.credential), null);
});

test('AuthFailureTracker: growing delay, lockout, success clears, bounded table', () => {
  let now = 1_000_000;
  const t = new AuthFailureTracker({ baseDelayMs: 100, maxDelayMs: 500, lockoutAfter: 4, lockoutMs: 60_000, maxEntries: 3 }, () => now);
  assert.deepEqual([t.failure('a'), t.failure('a'), t.failure('a')], [100, 200, 400]);
  assert.equal(t.lockedOut('a'), 0);
  assert.equal(t.failure('a'), 500);
  assert.equal(t.lockedOut('a'), 60_000);
  now += 30_000;
  assert.equal(t.lockedOut('a'), 30_000);
  now += 30_001;
  assert.equal(t.lockedOut('a'), 0);
  t.success('a');
  assert.equal(t.failures('a'), 0);
  for (const ip of ['b', 'c', 'd', 'e']) t.failure(ip);
  assert.equal(t.failures('b'), 0, 'oldest entry dropped at maxEntries');
  assert.equal(t.failures('e'), 1);
  now += 16 * 60_000;
  assert.equal(t.failures('e'), 0, 'forgotten after forgetAfterMs');
});

test('VerifiedLoginCache: remembers successes briefly, keyed by hash and password', () => {
  let now = 0;
  const c = new VerifiedLoginCache(1000, 2, () => now);
  c.add('$hash1', 'pw');
  assert.equal(c.has('$hash1', 'pw'), true);
  assert.equal(c.has('$hash1', 'other'), false);
  assert.equal(c.has('$hash2', 'pw'), false, 'a changed password hash misses');
  now = 1001;
  assert.equal(c.has('$hash1', 'pw'), false, 'expired');
  c.add('a', '1'); c.add('b', '2'); c.add('c', '3');
  assert.equal(c.has('a', '1'), false, 'bounded');
  const off = new VerifiedLoginCache(0);
  off.add('x', 'y');
  assert.equal(off.has('x', 'y'), false);
});

test('verifyLogin uses the cache only for the same password', async () => {
  const dir = await directory();
  loginCache.clear();
  assert.ok(await verifyLogin(dir, 'alice@example.test', 'correct horse'));
  assert.ok(await verifyLogin(dir, 'alice@example.test', 'correct horse'));
  assert.equal(await verifyLogin(dir, 'alice@example.test', 'correct horsf'), null);
});
