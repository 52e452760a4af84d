// Real third-party clients against the server: nodemailer, Python's smtplib, swaks.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import nodemailer from 'nodemailer';
import { inbox, PASSWORD, startTestServer, type TestServer } from './support/harness.js';

let sub: TestServer;
let smtps: TestServer;
let mx: TestServer;
before(async () => {
  sub = await startTestServer({ mode: 'submission', maxMessageSize: 1_000_000 });
  smtps = await startTestServer({ mode: 'submission', implicitTls: true });
  mx = await startTestServer({ mode: 'mx' });
});
after(async () => {
  await sub.close();
  await smtps.close();
  await mx.close();
});

test('nodemailer: STARTTLS + AUTH, attachment, several recipients', async () => {
  const transport = nodemailer.createTransport({
    host: '127.0.0.1', port: sub.port, secure: false, requireTLS: true,
    auth: { user: 'alice@example.test', pass: PASSWORD }, tls: { rejectUnauthorized: false },
  });
  const info = await transport.sendMail({
    from: 'Alice <alice@example.test>', to: 'bob@example.test, Friend <friend@far.test>', subject: 'Grüße',
    text: 'Hello Bob\n.\nA line with a dot', attachments: [{ filename: 'a.bin', content: Buffer.alloc(300, 7) }],
  });
  assert.deepEqual(info.accepted.sort(), ['bob@example.test', 'friend@far.test']);
  assert.match(info.response, /^250 2\.0\.0 OK/);
  transport.close();
  const m = inbox(sub.store, 2).at(-1)!;
  assert.match(m, /with ESMTPSA id/);
  assert.ok(m.includes('Hello Bob\r\n.\r\nA line with a dot') || m.includes('Hello Bob'));
  assert.equal(sub.store.queued.at(-1)!.recipients[0].address, 'friend@far.test');
});

test('nodemailer: implicit TLS (465) and a rejected recipient', async () => {
  const transport = nodemailer.createTransport({
    host: '127.0.0.1', port: smtps.port, secure: true,
    auth: { user: 'alice@example.test', pass: PASSWORD }, tls: { rejectUnauthorized: false },
  });
  const info = await transport.sendMail({ from: 'alice@example.test', to: 'bob@example.test', subject: 'tls', text: 'x' });
  assert.deepEqual(info.accepted, ['bob@example.test']);
  await assert.rejects(transport.sendMail({ from: 'bob@example.test', to: 'bob@example.test', subject: 'x', text: 'x' }), /553/);
  transport.close();
});

/** Runs a client process without blocking this process (the server runs here too). */
function run(cmd: string, args: string[]): Promise<{ status: number | null; out: string }> {
  return new Promise((resolve) => {
    const p = spawn(cmd, args, { timeout: 20000 });
    let out = '';
    p.stdout.on('data', (d) => (out += d));
    p.stderr.on('data', (d) => (out += d));
    p.on('close', (status) => resolve({ status, out }));
  });
}

const python = (script: string) => run('python3', ['-c', script]);

test("Python smtplib: starttls, login, sendmail, SMTPUTF8", async () => {
  const r = await python(`
import smtplib, ssl
ctx = ssl.create_default_context(); ctx.check_hostname = False; ctx.verify_mode = ssl.CERT_NONE
s = smtplib.SMTP('127.0.0.1', ${sub.port}, local_hostname='py.test')
s.starttls(context=ctx)
s.login('alice@example.test', ${JSON.stringify(PASSWORD)})
refused = s.sendmail('alice@example.test', ['bob@example.test', 'friend@far.test'], 'Subject: py\\r\\n\\r\\n.leading dot\\r\\nend\\r\\n')
print('refused', refused)
msg = 'From: alice@example.test\\r\\nSubject: utf8\\r\\n\\r\\nGrüße\\r\\n'.encode('utf-8')
try:
    s.sendmail('alice@example.test', ['bøb@example.test'], msg, mail_options=['SMTPUTF8', 'BODY=8BITMIME'])
except smtplib.SMTPRecipientsRefused as e:
    print('utf8 rcpt', e.recipients['bøb@example.test'][0])
s.quit()
`);
  assert.equal(r.status, 0, r.out);
  assert.match(r.out, /refused \{\}/);
  assert.match(r.out, /utf8 rcpt 550/);
});

test('Python smtplib: SMTP_SSL and the MX with a 550', async () => {
  const r = await python(`
import smtplib, ssl
ctx = ssl.create_default_context(); ctx.check_hostname = False; ctx.verify_mode = ssl.CERT_NONE
s = smtplib.SMTP_SSL('127.0.0.1', ${smtps.port}, context=ctx)
s.login('alice@example.test', ${JSON.stringify(PASSWORD)})
print('refused', s.sendmail('alice@example.test', ['bob@example.test'], 'Subject: ssl\\r\\n\\r\\nx\\r\\n'))
s.quit()
m = smtplib.SMTP('127.0.0.1', ${mx.port})
print('vrfy', m.verify('alice@example.test'))
print('refused', m.sendmail('x@far.test', ['alice@example.test', 'ghost@example.test'], 'Subject: mx\\r\\n\\r\\nx\\r\\n'))
m.quit()
`);
  assert.equal(r.status, 0, r.out);
  assert.match(r.out, /refused \{\}/);
  assert.match(r.out, /vrfy \(252, /);
  assert.match(r.out, /'ghost@example\.test': \(550, b'5\.1\.1 /);
});

const hasSwaks = spawnSync('which', ['swaks']).status === 0;
test('swaks: pipelining, AUTH LOGIN in plaintext on loopback', { skip: !hasSwaks && 'swaks not installed' }, async () => {
  const r = await run('swaks', [
    '--server', `127.0.0.1:${sub.port}`, '--from', 'alice@example.test', '--to', 'alice@example.test',
    '--auth', 'LOGIN', '--auth-user', 'alice@example.test', '--auth-password', PASSWORD, '--pipeline',
    '--header', 'Subject: swaks',
  ]);
  assert.equal(r.status, 0, r.out);
  assert.match(r.out, /<-  250 2\.0\.0 OK: queued as/);
  const r2 = await run('swaks', ['--server', `127.0.0.1:${mx.port}`, '--from', 'x@far.test', '--to', 'alice@example.test', '--body', 'via swaks']);
  assert.equal(r2.status, 0, r2.out);
});

// swaks speaks TLS only with Perl's Net::SSLeay (Debian: libnet-ssleay-perl)
const swaksTls = hasSwaks && /=== TLS supported/.test(spawnSync('swaks', ['--support'], { encoding: 'utf8' }).stdout ?? '');
test('swaks: STARTTLS then AUTH PLAIN on submission; implicit TLS on 465', { skip: !swaksTls && 'swaks without TLS support (libnet-ssleay-perl)' }, async () => {
  const before = inbox(sub.store, 1).length;
  const r = await run('swaks', [
    '--server', `127.0.0.1:${sub.port}`, '--tls', '--from', 'alice@example.test', '--to', 'alice@example.test',
    '--auth', 'PLAIN', '--auth-user', 'alice@example.test', '--auth-password', PASSWORD, '--header', 'Subject: swaks tls',
  ]);
  assert.equal(r.status, 0, r.out);
  assert.match(r.out, /-> STARTTLS/);
  assert.match(r.out, /=== TLS started with cipher TLSv1\.3:/);
  assert.match(r.out, /<~  250 2\.0\.0 OK: queued as/); // '~': said inside TLS
  const m = inbox(sub.store, 1).at(-1)!;
  assert.equal(inbox(sub.store, 1).length, before + 1);
  assert.match(m, /with ESMTPSA id/);
  assert.match(m, /TLSv1\.3/);
  const r2 = await run('swaks', [
    '--server', `127.0.0.1:${smtps.port}`, '--tls-on-connect', '--from', 'alice@example.test', '--to', 'alice@example.test',
    '--auth', 'PLAIN', '--auth-user', 'alice@example.test', '--auth-password', PASSWORD,
  ]);
  assert.equal(r2.status, 0, r2.out);
  assert.match(r2.out, /<~  250 2\.0\.0 OK: queued as/);
});
