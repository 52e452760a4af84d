// POP3 AUTHORIZATION over a real socket: USER/PASS, APOP, AUTH PLAIN/LOGIN/CRAM-MD5/SCRAM-SHA-256
// (RFC 5034, SASL-IR), cancel, failures and the per-session limit, per-IP lockout, plaintext rules.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, createHmac, pbkdf2Sync } from 'node:crypto';
import { apopDigest } from '../../src/mail/authenticate.js';
import { AuthFailureTracker } from '../../src/mail/authenticate.js';
import { Pop3TestClient, addUser, message, putInInbox, startTestServer } from './support/harness.js';
import { storeKinds } from './support/stores.js';

const b64 = (s: string | Buffer) => Buffer.from(s).toString('base64');
const unb64 = (s: string) => Buffer.from(s, 'base64').toString('utf8');

for (const kind of await storeKinds()) {
  test(`[${kind.name}] USER/PASS: wrong password delays, [AUTH] code, third failure closes`, async () => {
    const store = await kind.open();
    const t = await startTestServer(store);
    try {
      await addUser(store, 'alice@example.test');
      const c = await Pop3TestClient.connect(t.port);
      await c.cmd('USER nobody@example.test', /^\+OK/); // RFC 1939: USER does not reveal existence
      await c.cmd('PASS correct horse', /^-ERR \[AUTH\] invalid user name or password$/);
      await c.cmd('USER alice@example.test', /^\+OK/);
      await c.cmd('PASS wrong', /^-ERR \[AUTH\] invalid/);
      await c.cmd('PASS correct horse', /^-ERR USER first/); // a failed PASS forgets the USER
      await c.cmd('USER alice@example.test', /^\+OK/);
      await c.cmd('PASS wrong again', /^-ERR \[AUTH\] .*closing connection/);
      await c.closedByServer();
      // others are still served
      const d = await Pop3TestClient.connect(t.port);
      await d.cmd('USER Alice@EXAMPLE.test', /^\+OK/);
      await d.cmd('PASS correct horse', /^\+OK maildrop has 0 messages/);
      await d.cmd('QUIT', /^\+OK/);
    } finally {
      await t.close();
    }
  });

  test(`[${kind.name}] the per-IP tracker locks an address out after N failures`, async () => {
    const store = await kind.open();
    const t = await startTestServer(store, { authFailures: new AuthFailureTracker({ baseDelayMs: 1, maxDelayMs: 1, lockoutAfter: 2, lockoutMs: 60_000 }) });
    try {
      await addUser(store, 'alice@example.test');
      const c = await Pop3TestClient.connect(t.port);
      for (let i = 0; i < 2; i++) {
        await c.cmd('USER alice@example.test', /^\+OK/);
        await c.cmd('PASS nope', /^-ERR \[AUTH\]/);
      }
      await c.cmd('USER alice@example.test', /^\+OK/);
      await c.cmd('PASS correct horse', /^-ERR \[SYS\/TEMP\] too many failed logins/);
    } finally {
      await t.close();
    }
  });

  test(`[${kind.name}] LOGIN-DELAY: advertised in CAPA, a second login too soon gets [LOGIN-DELAY]`, async () => {
    const store = await kind.open();
    const t = await startTestServer(store, { loginDelaySeconds: 900 });
    try {
      await addUser(store, 'alice@example.test');
      const c = await Pop3TestClient.connect(t.port);
      await c.cmd('CAPA', /^\+OK/);
      assert.match((await c.multiline()).toString(), /^LOGIN-DELAY 900\r$/m);
      await c.cmd('USER alice@example.test', /^\+OK/);
      await c.cmd('PASS correct horse', /^\+OK/);
      await c.cmd('QUIT', /^\+OK/);
      const d = await Pop3TestClient.connect(t.port);
      await d.cmd('USER alice@example.test', /^\+OK/);
      await d.cmd('PASS correct horse', /^-ERR \[LOGIN-DELAY\] log in again in 9\d\d seconds/);
    } finally {
      await t.close();
    }
  });

  test(`[${kind.name}] APOP with the greeting's timestamp; accounts without a secret refuse it`, async () => {
    const store = await kind.open();
    const t = await startTestServer(store);
    try {
      const alice = await addUser(store, 'alice@example.test', 'tanstaaf');
      await addUser(store, 'bob@example.test');
      await putInInbox(store, alice, message('a', 'b'));
      const c = await Pop3TestClient.connect(t.port);
      const ts = /<[^>]+>/.exec(c.greeting)![0];
      await c.cmd(`APOP bob@example.test ${apopDigest(ts, '')}`, /^-ERR \[AUTH\]/);
      await c.cmd(`APOP alice@example.test ${apopDigest(ts, 'wrong')}`, /^-ERR \[AUTH\]/);
      await c.cmd('APOP alice@example.test', /^-ERR APOP needs a name and a digest/);
      await c.cmd(`APOP alice@example.test ${apopDigest(ts, 'tanstaaf')}`, /^\+OK maildrop has 1 message /);
      await c.cmd('QUIT', /^\+OK/);
    } finally {
      await t.close();
    }
  });

  test(`[${kind.name}] AUTH PLAIN with and without initial response, "=" and "*"`, async () => {
    const store = await kind.open();
    const t = await startTestServer(store);
    try {
      await addUser(store, 'alice@example.test');
      const c = await Pop3TestClient.connect(t.port);
      await c.cmd('AUTH', /^\+OK/);
      assert.equal((await c.multiline()).toString(), 'PLAIN\r\nLOGIN\r\n');
      await c.cmd('AUTH GSSAPI', /^-ERR unsupported mechanism GSSAPI/);
      await c.cmd('AUTH PLAIN', /^\+ $/);
      await c.cmd('*', /^-ERR authentication cancelled/);
      await c.cmd('AUTH PLAIN =', /^-ERR authentication failed: PLAIN message must have three/);
      await c.cmd('AUTH PLAIN not*base64', /^-ERR authentication failed: invalid base64/);
      await c.cmd(`AUTH PLAIN ${b64('\0alice@example.test\0wrong')}`, /^-ERR \[AUTH\]/);
      await c.cmd('AUTH PLAIN', /^\+ $/);
      await c.cmd(b64('\0alice@example.test\0correct horse'), /^\+OK maildrop has 0/);
      await c.cmd('AUTH PLAIN', /^-ERR AUTH is not allowed after login/);
      await c.cmd('QUIT', /^\+OK/);
      const d = await Pop3TestClient.connect(t.port);
      await d.cmd(`AUTH plain ${b64('alice@example.test\0alice@example.test\0correct horse')}`, /^\+OK/);
      await d.cmd('QUIT', /^\+OK/);
    } finally {
      await t.close();
    }
  });

  test(`[${kind.name}] AUTH LOGIN`, async () => {
    const store = await kind.open();
    const t = await startTestServer(store);
    try {
      await addUser(store, 'alice@example.test');
      const c = await Pop3TestClient.connect(t.port);
      assert.equal(unb64((await c.cmd('AUTH LOGIN', /^\+ /)).slice(2)), 'Username:');
      assert.equal(unb64((await c.cmd(b64('alice@example.test'), /^\+ /)).slice(2)), 'Password:');
      await c.cmd(b64('correct horse'), /^\+OK/);
      await c.cmd('QUIT', /^\+OK/);
    } finally {
      await t.close();
    }
  });

  test(`[${kind.name}] AUTH CRAM-MD5 and SCRAM-SHA-256 with the account's shared secret`, async () => {
    const store = await kind.open();
    const t = await startTestServer(store, { advertiseSecretMechanisms: true });
    try {
      await addUser(store, 'alice@example.test', 's3cret');
      await addUser(store, 'bob@example.test');
      const c = await Pop3TestClient.connect(t.port);
      await c.cmd('CAPA', /^\+OK/);
      assert.match((await c.multiline()).toString(), /^SASL PLAIN LOGIN CRAM-MD5 SCRAM-SHA-256\r$/m);
      // CRAM-MD5 for an account without a secret fails like a wrong password
      const ch0 = unb64((await c.cmd('AUTH CRAM-MD5', /^\+ /)).slice(2));
      await c.cmd(b64(`bob@example.test ${createHmac('md5', '').update(ch0).digest('hex')}`), /^-ERR \[AUTH\]/);
      const ch = unb64((await c.cmd('AUTH CRAM-MD5', /^\+ /)).slice(2));
      assert.match(ch, /^<\d+\.\d+@pop\.example\.test>$/);
      await c.cmd(b64(`alice@example.test ${createHmac('md5', 's3cret').update(ch).digest('hex')}`), /^\+OK/);
      await c.cmd('QUIT', /^\+OK/);

      // SCRAM-SHA-256 (RFC 7677), client side computed here
      const d = await Pop3TestClient.connect(t.port);
      const clientFirstBare = 'n=alice@example.test,r=clientnonce123';
      const serverFirst = unb64((await d.cmd(`AUTH SCRAM-SHA-256 ${b64('n,,' + clientFirstBare)}`, /^\+ /)).slice(2));
      const attrs = Object.fromEntries(serverFirst.split(',').map((a) => [a[0], a.slice(2)]));
      assert.ok(attrs.r.startsWith('clientnonce123'));
      const salted = pbkdf2Sync('s3cret', Buffer.from(attrs.s, 'base64'), Number(attrs.i), 32, 'sha256');
      const clientKey = createHmac('sha256', salted).update('Client Key').digest();
      const storedKey = createHash('sha256').update(clientKey).digest();
      const withoutProof = `c=${b64('n,,')},r=${attrs.r}`;
      const authMessage = `${clientFirstBare},${serverFirst},${withoutProof}`;
      const sig = createHmac('sha256', storedKey).update(authMessage).digest();
      const proof = Buffer.from(clientKey.map((x, i) => x ^ sig[i]));
      const serverFinal = unb64((await d.cmd(b64(`${withoutProof},p=${proof.toString('base64')}`), /^\+ /)).slice(2));
      const serverKey = createHmac('sha256', salted).update('Server Key').digest();
      assert.equal(serverFinal, `v=${createHmac('sha256', serverKey).update(authMessage).digest('base64')}`);
      await d.cmd('', /^\+OK maildrop/); // RFC 5034 §4: empty response after the success data
      await d.cmd('QUIT', /^\+OK/);
    } finally {
      await t.close();
    }
  });

  test(`[${kind.name}] plaintext logins are refused without TLS when loopback is not trusted`, async () => {
    const store = await kind.open();
    const t = await startTestServer(store, { allowPlaintextOnLoopback: false });
    try {
      await addUser(store, 'alice@example.test', 'tanstaaf');
      const c = await Pop3TestClient.connect(t.port);
      await c.cmd('CAPA', /^\+OK/);
      const caps = (await c.multiline()).toString();
      assert.doesNotMatch(caps, /^USER/m);
      assert.doesNotMatch(caps, /^SASL/m);
      assert.match(caps, /^STLS\r$/m);
      await c.cmd('USER alice@example.test', /^-ERR \[AUTH\] plaintext authentication requires TLS/);
      await c.cmd('PASS correct horse', /^-ERR \[AUTH\] plaintext authentication requires TLS/);
      await c.cmd(`AUTH PLAIN ${b64('\0alice@example.test\0correct horse')}`, /^-ERR \[AUTH\] plaintext/);
      const ts = /<[^>]+>/.exec(c.greeting)![0];
      await c.cmd(`APOP alice@example.test ${apopDigest(ts, 'tanstaaf')}`, /^\+OK/); // a digest is fine
      await c.cmd('QUIT', /^\+OK/);
    } finally {
      await t.close();
    }
  });
}
