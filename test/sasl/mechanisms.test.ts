// SASL state machines against the RFC examples (RFC 4616, RFC 2195, RFC 5802, RFC 7677).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  CramMd5Mechanism, LoginMechanism, PlainMechanism, SaslError, ScramMechanism, createMechanism,
  decodeInitialResponse, decodeSaslBase64, type SaslStep,
} from '../../src/protocol/sasl/index.js';

function done(step: SaslStep): Extract<SaslStep, { kind: 'done' }> {
  assert.equal(step.kind, 'done');
  return step as Extract<SaslStep, { kind: 'done' }>;
}
function challenge(step: SaslStep): string {
  assert.equal(step.kind, 'challenge');
  return (step as Extract<SaslStep, { kind: 'challenge' }>).data.toString('utf8');
}

test('PLAIN: RFC 4616 §4 examples, with and without initial response', () => {
  const a = done(new PlainMechanism().start(Buffer.from('\0tim\0tanstaaftanstaaf')));
  assert.deepEqual(a.identity, { authcid: 'tim', authzid: null });
  assert.deepEqual(a.credential, { kind: 'password', password: 'tanstaaftanstaaf' });
  const m = new PlainMechanism();
  assert.equal(challenge(m.start()), '');
  const b = done(m.step(Buffer.from('Ursel\0Kurt\0xipj3plmq')));
  assert.deepEqual(b.identity, { authcid: 'Kurt', authzid: 'Ursel' });
});

test('PLAIN: malformed messages are refused', () => {
  for (const bad of ['tim\0pw', '\0\0pw', '\0tim\0', 'a\0b\0c\0d']) {
    assert.throws(() => new PlainMechanism().start(Buffer.from(bad)), SaslError, JSON.stringify(bad));
  }
});

test('LOGIN: Username:, Password:, and user name as initial response', () => {
  const m = new LoginMechanism();
  assert.equal(challenge(m.start()), 'Username:');
  assert.equal(challenge(m.step(Buffer.from('alice@example.test'))), 'Password:');
  const d = done(m.step(Buffer.from('secret')));
  assert.deepEqual(d.identity, { authcid: 'alice@example.test', authzid: null });
  assert.deepEqual(d.credential, { kind: 'password', password: 'secret' });
  const m2 = new LoginMechanism();
  assert.equal(challenge(m2.start(Buffer.from('bob'))), 'Password:');
});

test('CRAM-MD5: RFC 2195 §2 example', () => {
  const m = new CramMd5Mechanism({ hostname: 'x', challenge: '<1896.697170952@postoffice.reston.mci.net>' });
  assert.equal(challenge(m.start()), '<1896.697170952@postoffice.reston.mci.net>');
  const d = done(m.step(Buffer.from('tim b913a602c7eda7a495b4e6e7334d3890')));
  assert.equal(d.identity.authcid, 'tim');
  assert.equal(d.credential.kind, 'secret');
  if (d.credential.kind !== 'secret') return;
  assert.deepEqual(d.credential.verify('tanstaaftanstaaf'), { ok: true, additionalData: null });
  assert.deepEqual(d.credential.verify('wrong'), { ok: false });
  assert.throws(() => new CramMd5Mechanism({ hostname: 'x' }).start(Buffer.from('x')), SaslError);
  const fresh = new CramMd5Mechanism({ hostname: 'mail.example.test' });
  assert.match(challenge(fresh.start()), /^<\d+\.\d+@mail\.example\.test>$/);
});

function scramVector(hash: 'sha1' | 'sha256', v: { cnonce: string; snonce: string; salt: string; proof: string; signature: string }) {
  const m = new ScramMechanism({ hash, serverNonce: v.snonce, salt: Buffer.from(v.salt, 'base64') });
  assert.equal(challenge(m.start()), '');
  const serverFirst = challenge(m.step(Buffer.from(`n,,n=user,r=${v.cnonce}`)));
  assert.equal(serverFirst, `r=${v.cnonce}${v.snonce},s=${v.salt},i=4096`);
  const d = done(m.step(Buffer.from(`c=biws,r=${v.cnonce}${v.snonce},p=${v.proof}`)));
  assert.deepEqual(d.identity, { authcid: 'user', authzid: null });
  if (d.credential.kind !== 'secret') throw new Error('expected a secret credential');
  const ok = d.credential.verify('pencil');
  assert.equal(ok.ok, true);
  if (ok.ok) assert.equal(ok.additionalData?.toString(), `v=${v.signature}`);
  assert.deepEqual(d.credential.verify('pencil2'), { ok: false });
}

test('SCRAM-SHA-1: RFC 5802 §5 example', () => {
  scramVector('sha1', {
    cnonce: 'fyko+d2lbbFgONRv9qkxdawL', snonce: '3rfcNHYJY1ZVvWVs7j', salt: 'QSXCR+Q6sek8bf92',
    proof: 'v0X8v3Bz2T0CJGbJQyF0X+HI4Ts=', signature: 'rmF9pqV8S7suAoZWja4dJRkFsKQ=',
  });
});

test('SCRAM-SHA-256: RFC 7677 §3 example', () => {
  scramVector('sha256', {
    cnonce: 'rOprNGfwEbeRWgbNEkqO', snonce: '%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0', salt: 'W22ZaJ0SNY7soEsUEjb6gQ==',
    proof: 'dHzbZapWIk4jUhN+Ute9ytag9zjfMHgsqmmiz7AndVQ=', signature: '6rriTRBi23WpRR/wtup+mMhUZUn/dB5nLTJRsjl95G4=',
  });
});

test('SCRAM: bad messages are refused', () => {
  const bad = ['p=tls-unique,,n=user,r=abc', 'x,,n=user,r=abc', 'n,,r=abc', 'n,,n=us=er,r=abc', 'n,,m=ext,n=user,r=abc'];
  for (const b of bad) assert.throws(() => new ScramMechanism().start(Buffer.from(b)), SaslError, b);
  const m = new ScramMechanism({ serverNonce: 'S' });
  m.start(Buffer.from('n,a=admin,n=us=2Cer,r=C'));
  assert.throws(() => m.step(Buffer.from('c=biws,r=CS,p=AAAA')), /channel binding/); // c must encode 'n,a=admin,'
  const m2 = new ScramMechanism({ serverNonce: 'S' });
  m2.start(Buffer.from('n,,n=user,r=C'));
  assert.throws(() => m2.step(Buffer.from('c=biws,r=CX,p=AAAA')), /nonce/);
  const m3 = new ScramMechanism({ serverNonce: 'S' });
  m3.start(Buffer.from('n,a=admin,n=us=2Cer,r=C'));
  const d = done(m3.step(Buffer.from(`c=${Buffer.from('n,a=admin,').toString('base64')},r=CS,p=AAAA`)));
  assert.deepEqual(d.identity, { authcid: 'us,er', authzid: 'admin' });
});

test('base64: strict decoding (RFC 5034 §4) and "=" as empty initial response', () => {
  assert.equal(decodeSaslBase64('AGFsaWNlAHB3').toString(), '\0alice\0pw');
  assert.equal(decodeInitialResponse('=').length, 0);
  for (const bad of ['=AAA', 'AAA=BBBB', 'AA A', 'AAA', 'AA*=']) assert.throws(() => decodeSaslBase64(bad), SaslError, bad);
});

test('createMechanism knows the four mechanisms, case-insensitively', () => {
  for (const n of ['plain', 'LOGIN', 'cram-md5', 'SCRAM-SHA-256']) assert.equal(createMechanism(n, { hostname: 'h' })?.name, n.toUpperCase());
  assert.equal(createMechanism('GSSAPI', { hostname: 'h' }), null);
});
