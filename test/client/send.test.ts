/**
 * `posthorn send` against small fake submission servers: TLS and certificate errors, SCRAM
 * and PLAIN, the --verbose transcript with AUTH masked, SIZE, refused recipients, Bcc only
 * in the envelope, the offline outbox, and no password in the clear off loopback.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import { networkInterfaces } from 'node:os';
import { randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { posthorn } from './cli.js';
import { fakeSmtp } from './fake-smtp.js';
import { freshHome } from './anchors.js';

const home = freshHome();
test.after(home.cleanup);
const body = join(home.dir, 'body.txt');
writeFileSync(body, 'Hello.\n.leading dot line\n');

const base = (port: number, ...more: string[]) => ['send', '--server', `127.0.0.1:${port}`, '--from', 'me@example.com', '--subject', 'Hi', '--body', body, ...more];

test('STARTTLS with an untrusted certificate: refused with subject, issuer and --insecure; accepted with --insecure, SCRAM-SHA-256 preferred', async (t) => {
  const srv = await fakeSmtp({ tls: 'starttls', auth: ['PLAIN', 'SCRAM-SHA-256'], password: 'sekret' });
  t.after(srv.close);
  process.env.POSTHORN_PASSWORD = 'sekret';
  t.after(() => delete process.env.POSTHORN_PASSWORD);
  let r = await posthorn(base(srv.port, '--to', 'you@example.com', '--user', 'me'));
  assert.equal(r.code, 4);
  assert.match(r.stderr, /certificate of 127\.0\.0\.1:\d+ is not trusted/);
  assert.match(r.stderr, /issued to: CN=mail\.test/);
  assert.match(r.stderr, /issued by: CN=mail\.test/);
  assert.match(r.stderr, /--insecure/);
  assert.equal(srv.received.length, 0);

  r = await posthorn(base(srv.port, '--to', 'you@example.com', '--user', 'me', '--insecure'));
  assert.equal(r.code, 0, r.stderr);
  assert.equal(srv.received.length, 1);
  assert.equal(srv.received[0].authMechanism, 'SCRAM-SHA-256');
  // dot-stuffing round trip: the leading dot survives
  assert.match(srv.received[0].data.toString(), /\r\n\.leading dot line\r\n/);
});

test('PLAIN when SCRAM is not offered; a wrong password exits 5; --verbose masks AUTH', async (t) => {
  const srv = await fakeSmtp({ tls: 'implicit', auth: ['PLAIN'], password: 'right' });
  t.after(srv.close);
  let r = await posthorn(base(srv.port, '--to', 'you@example.com', '--user', 'me', '--tls', '--insecure', '--password-stdin'), { stdin: 'wrong\n' });
  assert.equal(r.code, 5);
  assert.match(r.stderr, /authentication failed for me at 127\.0\.0\.1:\d+: 535 5\.7\.8/);

  r = await posthorn(base(srv.port, '--to', 'you@example.com', '--user', 'me', '--tls', '--insecure', '--password-stdin', '--verbose'), { stdin: 'right\n' });
  assert.equal(r.code, 0, r.stderr);
  assert.equal(srv.received[0].authMechanism, 'PLAIN');
  assert.match(r.stderr, /^S: 220 fake\.test ESMTP$/m);
  assert.match(r.stderr, /^C: EHLO /m);
  assert.match(r.stderr, /^S: 250-AUTH PLAIN$/m);
  assert.match(r.stderr, /^C: AUTH PLAIN \*\*\*\*\*\*\*\*$/m);
  assert.match(r.stderr, /^C: MAIL FROM:<me@example\.com>$/m);
  assert.match(r.stderr, /^S: 235 2\.7\.0 ok$/m);
  assert.doesNotMatch(r.stderr, /right|cmlnaHQ|AG1lAHJpZ2h0/);
});

test('SCRAM refused (no SCRAM secret for the account): PLAIN is tried next over TLS', async (t) => {
  const srv = await fakeSmtp({ tls: 'implicit', auth: ['SCRAM-SHA-256', 'PLAIN'], password: 'pw', scramSecret: 'other' });
  t.after(srv.close);
  const r = await posthorn(base(srv.port, '--to', 'you@example.com', '--user', 'me', '--tls', '--insecure', '--password-stdin', '--verbose'), { stdin: 'pw\n' });
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stderr, /^C: AUTH SCRAM-SHA-256 \*+$[\s\S]*^S: 535 [\s\S]*^C: AUTH PLAIN \*+$/m);
  assert.equal(srv.received[0].authMechanism, 'PLAIN');
});

test('a message over SIZE exits 7 before anything is sent', async (t) => {
  const srv = await fakeSmtp({ size: 2000 });
  t.after(srv.close);
  const big = join(home.dir, 'big.bin');
  writeFileSync(big, randomBytes(5000));
  const r = await posthorn(base(srv.port, '--to', 'you@example.com', '--attach', big, '--verbose'));
  assert.equal(r.code, 7);
  assert.match(r.stderr, /more than the 2000 bytes 127\.0\.0\.1:\d+ accepts \(SIZE\)/);
  assert.doesNotMatch(r.stderr, /MAIL FROM/);
});

test('per-recipient results: a refused recipient is reported with its reply and exits 6; Bcc only in the envelope', async (t) => {
  const srv = await fakeSmtp({ refuse: /^nobody@/ });
  t.after(srv.close);
  const r = await posthorn(base(srv.port, '--to', 'you@example.com', '--to', 'nobody@example.com', '--bcc', 'hidden@example.com'));
  assert.equal(r.code, 6);
  assert.match(r.stdout, /accepted you@example\.com: 250 2\.1\.5 ok/);
  assert.match(r.stdout, /REFUSED  nobody@example\.com: 550 5\.1\.1 <nobody@example\.com>: no such user/);
  assert.match(r.stderr, /1 recipient\(s\) refused/);
  assert.deepEqual(srv.received[0].to, ['you@example.com', 'hidden@example.com']);
  const text = srv.received[0].data.toString();
  assert.doesNotMatch(text, /hidden@example\.com|^Bcc:/im);
  assert.match(text, /^To: you@example\.com, nobody@example\.com\r$/m);
  assert.match(text, /^Message-ID: <[^>]+>\r$/m);
  assert.match(text, /^Date: /m);
  assert.match(text, /^MIME-Version: 1\.0\r$/m);
});

test('every recipient refused exits 6 and nothing is sent', async (t) => {
  const srv = await fakeSmtp({ refuse: /./ });
  t.after(srv.close);
  const r = await posthorn(base(srv.port, '--to', 'a@example.com'));
  assert.equal(r.code, 6);
  assert.match(r.stderr, /a@example\.com: 550 5\.1\.1/);
  assert.equal(srv.received.length, 0);
});

test('server unreachable: the message waits in the outbox (exit 75) and send --flush delivers it', async (t) => {
  const probe = net.createServer();
  await new Promise<void>((r) => probe.listen(0, '127.0.0.1', r));
  const deadPort = (probe.address() as net.AddressInfo).port;
  await new Promise((r) => probe.close(r));
  let r = await posthorn(base(deadPort, '--to', 'later@example.com'));
  assert.equal(r.code, 75);
  assert.match(r.stderr, new RegExp(`connection refused by 127\\.0\\.0\\.1:${deadPort}`));
  assert.match(r.stderr, /kept in the outbox/);

  const srv = await fakeSmtp();
  t.after(srv.close);
  r = await posthorn(['send', '--flush', '--server', `127.0.0.1:${srv.port}`]);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /sent \S+ to later@example\.com/);
  assert.deepEqual(srv.received[0].to, ['later@example.com']);
  r = await posthorn(['send', '--flush', '--server', `127.0.0.1:${srv.port}`]);
  assert.match(r.stdout, /outbox is empty/);
});

test('a server that never answers: exit 3 naming host:port', async (t) => {
  const silent = net.createServer(() => undefined);
  await new Promise<void>((r) => silent.listen(0, '127.0.0.1', r));
  const port = (silent.address() as net.AddressInfo).port;
  t.after(() => {
    silent.close();
  });
  const r = await posthorn(['mail', 'list', '--imap', `127.0.0.1:${port}`, '--user', 'u', '--timeout', '0.5']);
  assert.equal(r.code, 3);
  assert.match(r.stderr, new RegExp(`no answer from 127\\.0\\.0\\.1:${port}`));
});

test('no password in the clear to a non-loopback address', async (t) => {
  const ip = Object.values(networkInterfaces()).flat().find((i) => i && !i.internal && i.family === 'IPv4')?.address;
  if (!ip) return t.skip('no non-loopback IPv4 address on this machine');
  const srv = await fakeSmtp({ host: '0.0.0.0', auth: ['PLAIN'] });
  t.after(srv.close);
  const r = await posthorn(['send', '--server', `${ip}:${srv.port}`, '--from', 'me@example.com', '--to', 'a@example.com', '--body', body, '--user', 'me', '--password-stdin'], { stdin: 'secret\n' });
  assert.equal(r.code, 4);
  assert.match(r.stderr, new RegExp(`refusing to send a password to ${ip.replace(/\./g, '\\.')}:\\d+ without TLS`));
  assert.equal(srv.received.length, 0);
});
