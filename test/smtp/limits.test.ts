// Connection-level rules: per-address limit, timeouts, early talkers, relay networks,
// graceful shutdown.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import { SmtpClient } from './support/client.js';
import { startTestServer } from './support/harness.js';
import { memoryDeliver } from './support/memory-store.js';
import type { DeliverFn } from '../../src/mta/ingest/ingest.js';

test('more connections from one address than allowed → 421 4.7.0', async () => {
  const s = await startTestServer({ mode: 'mx', maxConnectionsPerIp: 2 });
  const a = await SmtpClient.connect(s.port);
  const b = await SmtpClient.connect(s.port);
  await a.expect('220');
  await b.expect('220');
  const c = await SmtpClient.connect(s.port);
  await c.expect('421 4.7.0');
  await c.closedByServer();
  a.close();
  await new Promise((r) => setTimeout(r, 100));
  const d = await SmtpClient.connect(s.port);
  await d.expect('220');
  b.close();
  d.close();
  await s.close();
});

test('after QUIT the session gives up its connection slot at once, even while the client keeps its side open', async () => {
  const s = await startTestServer({ mode: 'mx', maxConnectionsPerIp: 1 });
  // a client that reads 221 and the server's FIN but does not close its own side
  const a = net.connect({ port: s.port, host: '127.0.0.1', allowHalfOpen: true });
  let heard = '';
  a.on('data', (d: Buffer) => (heard += d.toString('latin1')));
  const ended = new Promise((r) => a.once('end', r));
  while (!heard.includes('220')) await new Promise((r) => setTimeout(r, 10));
  a.write('QUIT\r\n');
  await ended;
  assert.match(heard, /\r\n221 2\.0\.0 /);
  await new Promise((r) => setTimeout(r, 100));
  const b = await SmtpClient.connect(s.port);
  await b.expect('220'); // not 421: the first session's slot is free
  b.close();
  a.destroy();
  await s.close();
});

test('a silent client is cut off with 421 4.4.2 (command and data timeouts)', async () => {
  const s = await startTestServer({ mode: 'mx', timeouts: { command: 300, data: 300 } });
  const c = await SmtpClient.connect(s.port);
  await c.expect('220');
  await c.expect('421 4.4.2');
  await c.closedByServer();
  const d = await SmtpClient.connect(s.port);
  await d.expect('220');
  await d.cmd('EHLO x.test', '250');
  await d.cmd('MAIL FROM:<a@far.test>', '250');
  await d.cmd('RCPT TO:<alice@example.test>', '250');
  await d.cmd('DATA', '354');
  d.write('Subject: slow\r\n');
  await d.expect('421 4.4.2');
  await s.close();
});

test('the timeout is for a silent client, not for a server still storing its message', async () => {
  // delivery takes three timeout periods: the client waits for its 250, and gets it
  const slowDeliver: DeliverFn = async (ctx, raw, targets) => {
    await new Promise((r) => setTimeout(r, 900));
    return memoryDeliver(ctx, raw, targets);
  };
  const s = await startTestServer({ mode: 'mx', timeouts: { command: 300, data: 300 } }, { deliver: slowDeliver });
  const c = await SmtpClient.connect(s.port);
  await c.expect('220');
  await c.cmd('EHLO x.test', '250');
  await c.cmd('MAIL FROM:<a@far.test>', '250');
  await c.cmd('RCPT TO:<alice@example.test>', '250');
  await c.cmd('DATA', '354');
  await c.cmd('Subject: slow store\r\n\r\nbody\r\n.', '250 2.0.0');
  // and silence afterwards still ends the session
  await c.expect('421 4.4.2');
  await s.close();
});

test('a client that asks for STARTTLS and never starts the handshake is cut off', async () => {
  const s = await startTestServer({ mode: 'mx', timeouts: { command: 300, data: 300 } });
  const c = await SmtpClient.connect(s.port);
  await c.expect('220');
  await c.cmd('EHLO x.test', '250');
  await c.cmd('STARTTLS', '220');
  await c.closedByServer();
  await s.close();
});

test('an early talker (before the greeting) is refused', async () => {
  const s = await startTestServer({ mode: 'mx', greetingDelayMs: 200 });
  const sock = net.connect({ port: s.port, host: '127.0.0.1' });
  sock.write('EHLO spammer\r\n');
  const text = await new Promise<string>((resolve) => {
    let got = '';
    sock.on('data', (d) => (got += d.toString()));
    sock.on('close', () => resolve(got));
  });
  assert.match(text, /^554 5\.5\.0 /);
  assert.ok(!text.includes('220'));
  await s.close();
});

test('relay_networks may relay without AUTH', async () => {
  const s = await startTestServer({ mode: 'mx', relayNetworks: ['127.0.0.0/8'] });
  const c = await SmtpClient.connect(s.port);
  await c.expect('220');
  await c.cmd('EHLO app.internal', '250');
  await c.cmd('MAIL FROM:<app@internal.test>', '250');
  await c.cmd('RCPT TO:<someone@far.test>', '250');
  await c.cmd('DATA', '354');
  c.write('Subject: s\r\n\r\nx\r\n.\r\n');
  await c.expect('250');
  c.close();
  assert.deepEqual(s.store.queued.at(-1)!.recipients.map((r) => r.address), ['someone@far.test']);
  await s.close();
});

test('graceful close: idle sessions get 421 4.3.2; the listener stops', async () => {
  const s = await startTestServer({ mode: 'mx' });
  const c = await SmtpClient.connect(s.port);
  await c.expect('220');
  await c.cmd('EHLO x.test', '250');
  const closing = s.close();
  await c.expect('421 4.3.2');
  await c.closedByServer();
  await closing;
  await assert.rejects(SmtpClient.connect(s.port));
});

test('pipelining past a command that must end a group (RFC 2920 §3.1) → 554 5.5.0 and close', async () => {
  const s = await startTestServer({ mode: 'mx' });
  // DATA: the client must wait for 354 before the message
  const c = await SmtpClient.connect(s.port);
  await c.expect('220');
  await c.cmd('EHLO client.test', '250');
  c.write('MAIL FROM:<s@remote.test>\r\nRCPT TO:<alice@example.test>\r\nDATA\r\nSubject: smuggled\r\n\r\nx\r\n.\r\n');
  await c.expect('250');
  await c.expect('250');
  await c.expect('554 5.5.0 Error: SMTP protocol synchronization');
  await c.closedByServer();
  // NOOP, EHLO: likewise last in their group
  const d = await SmtpClient.connect(s.port);
  await d.expect('220');
  await d.cmd('EHLO client.test', '250');
  d.write('NOOP\r\nMAIL FROM:<s@remote.test>\r\n');
  await d.expect('554 5.5.0');
  await d.closedByServer();
  const e = await SmtpClient.connect(s.port);
  await e.expect('220');
  e.write('EHLO client.test\r\nMAIL FROM:<s@remote.test>\r\n');
  await e.expect('554 5.5.0');
  await e.closedByServer();
  // a well-behaved pipelining client is untouched
  const f = await SmtpClient.connect(s.port);
  await f.expect('220');
  await f.cmd('EHLO client.test', '250');
  f.write('MAIL FROM:<s@remote.test>\r\nRCPT TO:<alice@example.test>\r\nDATA\r\n');
  await f.expect('250');
  await f.expect('250');
  await f.expect('354');
  f.write('Subject: fine\r\n\r\nx\r\n.\r\nQUIT\r\n');
  await f.expect('250 2.0.0');
  await f.expect('221');
  await s.close();
});
