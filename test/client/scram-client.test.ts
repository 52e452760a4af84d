/** SCRAM-SHA-256 client (protocol/sasl/scram-client.ts): the RFC 7677 §3 example, and a full
 *  exchange with the project's own server mechanism, including a server that lies. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ScramClient, plainResponse } from '../../src/protocol/sasl/scram-client.js';
import { ScramMechanism } from '../../src/protocol/sasl/scram.js';
import { SaslError } from '../../src/protocol/sasl/types.js';

test('RFC 7677 §3 example exchange', () => {
  const c = new ScramClient('user', 'pencil', 'sha256', 'rOprNGfwEbeRWgbNEkqO');
  assert.equal(c.first().toString(), 'n,,n=user,r=rOprNGfwEbeRWgbNEkqO');
  const final = c.final(Buffer.from('r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096'));
  assert.equal(final.toString(), 'c=biws,r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,p=dHzbZapWIk4jUhN+Ute9ytag9zjfMHgsqmmiz7AndVQ=');
  c.verify(Buffer.from('v=6rriTRBi23WpRR/wtup+mMhUZUn/dB5nLTJRsjl95G4='));
  assert.throws(() => c.verify(Buffer.from('v=AAAATRBi23WpRR/wtup+mMhUZUn/dB5nLTJRsjl95G4=')), SaslError);
});

test('against the server mechanism: right password verifies both ways, wrong one fails', () => {
  for (const [clientPw, serverSecret, ok] of [['s3cret ü', 's3cret ü', true], ['wrong', 's3cret', false]] as const) {
    const server = new ScramMechanism();
    const c = new ScramClient('anne,=x', clientPw);
    const sf = server.start(c.first());
    assert.equal(sf.kind, 'challenge');
    const done = server.step(c.final(sf.kind === 'challenge' ? sf.data : Buffer.alloc(0)));
    assert.equal(done.kind, 'done');
    if (done.kind !== 'done' || done.credential.kind !== 'secret') throw new Error('unexpected');
    assert.equal(done.identity.authcid, 'anne,=x');
    const verdict = done.credential.verify(serverSecret);
    assert.equal(verdict.ok, ok);
    if (verdict.ok && verdict.additionalData) c.verify(verdict.additionalData);
  }
});

test('a server nonce that does not extend the client nonce is refused', () => {
  const c = new ScramClient('u', 'p', 'sha256', 'abc');
  assert.throws(() => c.final(Buffer.from('r=xyz123,s=QUJD,i=4096')), /nonce/);
  assert.throws(() => new ScramClient('u', 'p', 'sha256', 'abc').final(Buffer.from('r=abcdef,s=QUJD,i=4096,m=ext')), /extension/);
});

test('PLAIN message (RFC 4616 §2)', () => {
  assert.deepEqual(plainResponse('tim', 'tanstaaftanstaaf'), Buffer.from('\0tim\0tanstaaftanstaaf'));
});
