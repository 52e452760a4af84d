// Submission (587 STARTTLS, 465 implicit TLS) transcripts: AUTH required, AUTH needs TLS
// off loopback, sender ownership, relaying, Date/Message-ID added, lockout.
import { test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, createHmac, pbkdf2Sync, randomBytes } from 'node:crypto';
import { SmtpClient } from './support/client.js';
import { inbox, PASSWORD, startTestServer, type TestServer } from './support/harness.js';

let sub: TestServer;
let strict: TestServer;
let smtps: TestServer;
before(async () => {
  sub = await startTestServer({ mode: 'submission' });
  await sub.store.directory.addAlias('sales@example.test', ['alice@example.test']);
  await sub.store.directory.createList({ address: 'dev@example.test', owner: 'alice@example.test', posting: 'members' });
  await sub.store.directory.addListMembers('dev@example.test', ['alice@example.test', 'bob@example.test', 'carol@far.test']);
  strict = await startTestServer({ mode: 'submission', allowPlaintextOnLoopback: false });
  smtps = await startTestServer({ mode: 'submission', implicitTls: true });
});
after(async () => {
  await sub.close();
  await strict.close();
  await smtps.close();
});

const plain = (user: string, pw: string) => Buffer.from(`\0${user}\0${pw}`).toString('base64');

async function login(port: number, user = 'alice@example.test', opts: { tls?: boolean } = {}): Promise<SmtpClient> {
  const c = await SmtpClient.connect(port, opts);
  await c.expect('220');
  await c.cmd('EHLO laptop', '250');
  await c.cmd(`AUTH PLAIN ${plain(user, PASSWORD)}`, '235 2.7.0');
  return c;
}

test('submission requires AUTH before MAIL', async () => {
  const c = await SmtpClient.connect(sub.port);
  await c.expect('220');
  await c.cmd('EHLO laptop', '250');
  await c.cmd('MAIL FROM:<alice@example.test>', '530 5.7.0');
  await c.cmd('AUTH PLAIN', '334');
  await c.cmd(plain('alice@example.test', 'wrong'), '535 5.7.8');
  await c.cmd('AUTH NTLM', '504 5.5.4');
  await c.cmd('AUTH LOGIN', `334 ${Buffer.from('Username:').toString('base64')}`);
  await c.cmd(Buffer.from('alice@example.test').toString('base64'), `334 ${Buffer.from('Password:').toString('base64')}`);
  await c.cmd(Buffer.from(PASSWORD).toString('base64'), '235 2.7.0');
  await c.cmd('AUTH PLAIN', '503 5.5.1');
  await c.cmd('MAIL FROM:<alice@example.test>', '250');
  c.close();
});

test('authenticated relay to a remote address is queued, with Date and Message-ID added', async () => {
  const c = await login(sub.port);
  await c.cmd('MAIL FROM:<alice+work@example.test>', '250 2.1.0');
  await c.cmd('RCPT TO:<friend@far.test>', '250 2.1.5');
  await c.cmd('RCPT TO:<bob@example.test>', '250 2.1.5');
  await c.cmd('DATA', '354');
  c.write('From: alice@example.test\r\nSubject: hello\r\n\r\nbody\r\n.\r\n');
  await c.expect('250 2.0.0');
  await c.cmd('QUIT', '221');
  const q = sub.store.queued.at(-1)!;
  assert.equal(q.sender, 'alice+work@example.test');
  assert.deepEqual(q.recipients.map((r) => r.address), ['friend@far.test']);
  const raw = (await sub.store.blobs.get(q.blobId)).toString();
  assert.match(raw, /^Received: from laptop \(\[127\.0\.0\.1\]\)\r\n\t\(authenticated as alice@example\.test\)\r\n\tby mx\.example\.test \(Posthorn\) with ESMTPA id /);
  assert.match(raw, /\r\nDate: \w{3}, \d+ \w{3} \d{4} /);
  assert.match(raw, /\r\nMessage-ID: <[0-9A-F]+\.\d+@mx\.example\.test>\r\n/);
  assert.ok(inbox(sub.store, 2).at(-1)!.startsWith('Return-Path: <alice+work@example.test>\r\n'));
});

test('MAIL FROM must belong to the authenticated account: own address, +tag or alias', async () => {
  const c = await login(sub.port);
  await c.cmd('MAIL FROM:<bob@example.test>', '553 5.7.1');
  await c.cmd('MAIL FROM:<someone@far.test>', '553 5.7.1');
  await c.cmd('MAIL FROM:<>', '553 5.7.1');
  await c.cmd('MAIL FROM:<sales@example.test>', '250');
  c.close();
});

test('VRFY/EXPN tell the truth to an authenticated client; lists fan out with List-* headers', async () => {
  const c = await login(sub.port);
  await c.cmd('VRFY <bob@example.test>', '250 2.1.5');
  await c.cmd('VRFY nobody@example.test', '550 5.1.1');
  await c.cmd('VRFY someone@far.test', '252 2.5.0');
  const members = await c.cmd('EXPN dev@example.test', '250 2.1.5');
  assert.ok(members.includes('<carol@far.test>'));
  await c.cmd('MAIL FROM:<alice@example.test>', '250');
  await c.cmd('RCPT TO:<dev@example.test>', '250');
  await c.cmd('RCPT TO:<bob@example.test>', '250');
  await c.cmd('DATA', '354');
  c.write('Subject: to the list\r\n\r\nhi all\r\n.\r\n');
  await c.expect('250');
  c.close();
  const bob = inbox(sub.store, 2).slice(-2);
  const listCopy = bob.find((m) => m.includes('List-Id:'))!;
  assert.match(listCopy, /^Return-Path: <dev-bounces@example\.test>\r\nList-Id: <dev\.example\.test>\r\nList-Post: <mailto:dev@example\.test>\r\nList-Unsubscribe: <mailto:alice@example\.test\?subject=unsubscribe%20dev%40example\.test>\r\n/);
  assert.ok(bob.some((m) => !m.includes('List-Id:')), 'the direct copy too');
  const q = sub.store.queued.at(-1)!;
  assert.equal(q.sender, 'dev-bounces@example.test');
  assert.deepEqual(q.recipients.map((r) => r.address), ['carol@far.test']);
});

test('list posting policy: non-members are refused', async () => {
  const m = await startTestServer({ mode: 'mx' });
  await m.store.directory.createList({ address: 'dev@example.test', owner: 'alice@example.test', posting: 'members' });
  await m.store.directory.addListMembers('dev@example.test', ['bob@example.test']);
  const c = await SmtpClient.connect(m.port);
  await c.expect('220');
  await c.cmd('EHLO x.test', '250');
  await c.cmd('MAIL FROM:<stranger@far.test>', '250');
  await c.cmd('RCPT TO:<dev@example.test>', '550 5.7.1');
  await c.cmd('RSET', '250');
  await c.cmd('MAIL FROM:<bob@example.test>', '250');
  await c.cmd('RCPT TO:<dev@example.test>', '250');
  c.close();
  await m.close();
});

test('without TLS off loopback policy: no plaintext AUTH until STARTTLS', async () => {
  const c = await SmtpClient.connect(strict.port);
  await c.expect('220');
  const ehlo = await c.cmd('EHLO laptop', '250');
  assert.ok(!/AUTH[^\n]*PLAIN/.test(ehlo));
  await c.cmd(`AUTH PLAIN ${plain('alice@example.test', PASSWORD)}`, '538 5.7.11');
  await c.cmd('STARTTLS', '220');
  await c.upgrade();
  const after = await c.cmd('EHLO laptop', '250');
  assert.ok(after.includes('AUTH PLAIN LOGIN'));
  await c.cmd(`AUTH PLAIN ${plain('alice@example.test', PASSWORD)}`, '235');
  await c.cmd('MAIL FROM:<alice@example.test>', '250');
  await c.cmd('RCPT TO:<x@far.test>', '250');
  await c.cmd('DATA', '354');
  c.write('Subject: s\r\n\r\nx\r\n.\r\n');
  await c.expect('250');
  c.close();
  const raw = (await strict.store.blobs.get(strict.store.queued.at(-1)!.blobId)).toString();
  assert.match(raw, /with ESMTPSA id/);
  assert.match(raw, /\(using TLSv1\.3 with cipher /);
});

test('CRAM-MD5 with the account secret', async () => {
  const c = await SmtpClient.connect(sub.port);
  await c.expect('220');
  await c.cmd('EHLO laptop', '250');
  const ch = await c.cmd('AUTH CRAM-MD5', '334');
  const challenge = Buffer.from(ch.slice(4), 'base64').toString();
  const digest = createHmac('md5', 'alice-secret').update(challenge).digest('hex');
  await c.cmd(Buffer.from(`alice@example.test ${digest}`).toString('base64'), '235');
  c.close();
});

test('SCRAM-SHA-256 with the account secret (RFC 5802, RFC 7677); server-final travels as a 334', async () => {
  const c = await SmtpClient.connect(sub.port);
  await c.expect('220');
  await c.cmd('EHLO laptop', '250');
  const bare = `n=alice@example.test,r=${randomBytes(12).toString('base64')}`;
  const first = await c.cmd(`AUTH SCRAM-SHA-256 ${Buffer.from(`n,,${bare}`).toString('base64')}`, '334');
  const serverFirst = Buffer.from(first.slice(4), 'base64').toString();
  const f = Object.fromEntries(serverFirst.split(',').map((kv) => [kv[0], kv.slice(2)]));
  const salted = pbkdf2Sync('alice-secret', Buffer.from(f.s, 'base64'), Number(f.i), 32, 'sha256');
  const clientKey = createHmac('sha256', salted).update('Client Key').digest();
  const withoutProof = `c=biws,r=${f.r}`;
  const authMessage = `${bare},${serverFirst},${withoutProof}`;
  const signature = createHmac('sha256', createHash('sha256').update(clientKey).digest()).update(authMessage).digest();
  const proof = Buffer.from(clientKey.map((b, i) => b ^ signature[i])).toString('base64');
  const final = await c.cmd(Buffer.from(`${withoutProof},p=${proof}`).toString('base64'), '334');
  const serverKey = createHmac('sha256', salted).update('Server Key').digest();
  const expected = createHmac('sha256', serverKey).update(authMessage).digest('base64');
  assert.equal(Buffer.from(final.slice(4), 'base64').toString(), `v=${expected}`);
  await c.cmd('', '235 2.7.0');
  c.close();
});

test('implicit TLS (465)', async () => {
  const c = await login(smtps.port, 'alice@example.test', { tls: true });
  await c.cmd('MAIL FROM:<alice@example.test>', '250');
  await c.cmd('RCPT TO:<bob@example.test>', '250');
  await c.cmd('DATA', '354');
  c.write('Subject: s\r\n\r\nx\r\n.\r\n');
  await c.expect('250');
  c.close();
  assert.match(inbox(smtps.store, 2).at(-1)!, /\(using TLSv1\.3 with cipher [^)]+\)\r\n\t\(authenticated as alice@example\.test\)\r\n\tby mx\.example\.test \(Posthorn\) with ESMTPSA id/);
});

test('AUTH failures: too many in a session → 421; then the address is locked out', async () => {
  const s = await startTestServer({ mode: 'submission', maxAuthFailures: 3 });
  const c = await SmtpClient.connect(s.port);
  await c.expect('220');
  await c.cmd('EHLO laptop', '250');
  await c.cmd(`AUTH PLAIN ${plain('alice@example.test', 'x')}`, '535 5.7.8');
  await c.cmd(`AUTH PLAIN ${plain('alice@example.test', 'y')}`, '535 5.7.8');
  await c.cmd(`AUTH PLAIN ${plain('nobody@example.test', 'z')}`, '535 5.7.8');
  await c.expect('421 4.7.0');
  await c.closedByServer();
  const d = await SmtpClient.connect(s.port);
  await d.expect('220');
  await d.cmd('EHLO laptop', '250');
  await d.cmd(`AUTH PLAIN ${plain('alice@example.test', 'w')}`, '535 5.7.8');
  await d.cmd(`AUTH PLAIN ${plain('alice@example.test', PASSWORD)}`, '421 4.7.0');
  await d.closedByServer();
  await s.close();
});
