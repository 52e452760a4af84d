// smtp.sender_auth: SPF/DKIM/DMARC recorded in Authentication-Results on the MX, DMARC
// reject policies enforced; DNS answered by a fake resolver (offline).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SmtpClient } from './support/client.js';
import { inbox, startTestServer } from './support/harness.js';

const TXT: Record<string, string> = {
  'far.test': 'v=spf1 ip4:127.0.0.1 -all',
  '_dmarc.far.test': 'v=DMARC1; p=reject',
  'evil.test': 'v=spf1 ip4:192.0.2.1 -all',
  '_dmarc.evil.test': 'v=DMARC1; p=reject',
};

async function resolver(name: string, rr: string): Promise<string[][]> {
  const v = rr === 'TXT' ? TXT[name.toLowerCase()] : undefined;
  if (v === undefined) throw Object.assign(new Error(`no ${rr} for ${name}`), { code: 'ENOTFOUND' });
  return [[v]];
}

async function send(port: number, from: string, want: string): Promise<void> {
  const c = await SmtpClient.connect(port);
  await c.expect('220');
  await c.cmd('EHLO mail.far.test', '250');
  await c.cmd(`MAIL FROM:<${from}>`, '250');
  await c.cmd('RCPT TO:<alice@example.test>', '250');
  await c.cmd('DATA', '354');
  c.write(`From: <${from}>\r\nSubject: auth\r\n\r\nx\r\n.\r\n`);
  await c.expect(want);
  c.close();
}

test('record: Authentication-Results and Received-SPF under our Received', async () => {
  const s = await startTestServer({ mode: 'mx' }, { ingest: { senderAuth: 'record', resolver } });
  await send(s.port, 'news@far.test', '250');
  const m = inbox(s.store, 1).at(-1)!;
  assert.match(m, /\r\nReceived-SPF: pass /);
  assert.match(m, /\r\nAuthentication-Results: mx\.example\.test;[\s\S]*spf=pass[\s\S]*dmarc=pass/);
  await send(s.port, 'ceo@evil.test', '250'); // recorded, not refused
  assert.match(inbox(s.store, 1).at(-1)!, /dmarc=fail/);
  await s.close();
});

test('enforce: DMARC fail with p=reject → 550 5.7.1', async () => {
  const s = await startTestServer({ mode: 'mx' }, { ingest: { senderAuth: 'enforce', resolver } });
  await send(s.port, 'ceo@evil.test', '550 5.7.1');
  await send(s.port, 'news@far.test', '250');
  await s.close();
});

test('forged Authentication-Results with our authserv-id are removed (RFC 8601 §5); others kept', async () => {
  const s = await startTestServer({ mode: 'mx' });
  const c = await SmtpClient.connect(s.port);
  await c.expect('220');
  await c.cmd('EHLO mail.far.test', '250');
  await c.cmd('MAIL FROM:<a@far.test>', '250');
  await c.cmd('RCPT TO:<alice@example.test>', '250');
  await c.cmd('DATA', '354');
  c.write('Authentication-Results: MX.example.test;\r\n dkim=pass header.d=bank.test\r\nAuthentication-Results: relay.far.test; spf=pass\r\nSubject: forged\r\n\r\nx\r\n.\r\n');
  await c.expect('250');
  c.close();
  const m = inbox(s.store, 1).at(-1)!;
  assert.ok(!m.includes('dkim=pass header.d=bank.test'));
  assert.match(m, /\r\nAuthentication-Results: relay\.far\.test; spf=pass\r\nSubject: forged\r\n\r\nx\r\n$/);
  await s.close();
});
