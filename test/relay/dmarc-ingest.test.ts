/**
 * Sender authentication on port 25 through the one verification path (auth/verify via
 * mta/ingest), DNS answered by the in-test responder: SPF, DKIM and DMARC records for the
 * sending domains. A pass is delivered with exactly one Authentication-Results field; a
 * DMARC failure under p=reject is refused with 550 5.7.1, or filed into Junk when
 * auth.dmarc_reject = "quarantine"; a failure under p=quarantine goes to Junk.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startDnsServer, type TestDnsServer } from '../support/dns-server.js';
import { createResolver } from '../../src/mta/transport/resolver.js';
import { dkimRecord, generateDkimKey, signMessage } from '../../src/auth/dkim.js';
import { deliverBatch } from '../../src/mta/transport/deliver.js';
import { instance, startSmtpProbePort, until, type Instance } from './instances.js';

let dns: TestDnsServer;
const key = generateDkimKey('signed.test', 'sel1', 'ed25519');
before(async () => {
  dns = await startDnsServer({
    'pass.test': { TXT: ['v=spf1 ip4:127.0.0.2 -all'] },
    '_dmarc.pass.test': { TXT: ['v=DMARC1; p=reject'] },
    'signed.test': { TXT: ['v=spf1 -all'] },
    '_dmarc.signed.test': { TXT: ['v=DMARC1; p=reject'] },
    'strict.test': { TXT: ['v=spf1 ip4:192.0.2.1 -all'] },
    '_dmarc.strict.test': { TXT: ['v=DMARC1; p=reject'] },
    'lax.test': { TXT: ['v=spf1 ip4:192.0.2.1 -all'] },
    '_dmarc.lax.test': { TXT: ['v=DMARC1; p=quarantine'] },
  });
  const r = dkimRecord(key);
  dns.set(r.name, { TXT: [r.text] });
});
after(() => dns.close());

const message = (from: string) => Buffer.from(`From: <${from}>\r\nTo: <bob@corporate.test>\r\nSubject: from ${from}\r\nDate: Sun, 22 Nov 2026 07:00:00 +0000\r\nMessage-ID: <${from.replace('@', '.')}@x>\r\n\r\nHello Bob.\r\n`);

/** One message from 127.0.0.2 to bob at the instance; the reply to it. */
async function send(port: number, from: string, data: Buffer = message(from)): Promise<string> {
  let reply = '';
  await deliverBatch(
    { key: 'k', via: 'route', targets: [{ host: 'mx.corporate.test', address: '127.0.0.3', port }], tls: 'off', auth: null },
    [{ sender: from, recipients: [{ id: 1, address: 'bob@corporate.test', notify: null, orcpt: null }], data, envid: null, ret: null, body: '7BIT', smtputf8: false }],
    { hostname: 'mail.sender.test', connectTimeoutMs: 2000, commandTimeoutMs: 10_000, tls: 'off', auth: null, localAddress: '127.0.0.2' },
    async (_m, r) => { reply = r[0].reply; },
  );
  return reply;
}

async function corporate(dmarcReject: 'reject' | 'quarantine'): Promise<{ inst: Instance; port: number }> {
  const port = await startSmtpProbePort();
  const resolver = createResolver({ servers: [dns.server], timeoutMs: 1000, tries: 1 });
  const inst = await instance('corporate.test', '127.0.0.3', port, dns.server, async (s) => {
    await s.directory.addAccount({ address: 'bob@corporate.test', passwordHash: '$argon2id$not-used' });
  }, { senderAuth: 'enforce', dmarcReject, resolver: (n, t) => resolver.resolve(n, t) });
  return { inst, port };
}

test('DMARC enforced: pass → INBOX with one Authentication-Results; p=reject → 550 5.7.1; p=quarantine → Junk', { timeout: 30_000 }, async () => {
  const { inst, port } = await corporate('reject');
  try {
    assert.match(await send(port, 'news@pass.test'), /^250 /);
    assert.match(await send(port, 'news@signed.test', await signMessage(message('news@signed.test'), [key])), /^250 /);
    assert.match(await send(port, 'ceo@strict.test'), /^550 5\.7\.1 DMARC policy of strict\.test rejects/);
    assert.match(await send(port, 'promo@lax.test'), /^250 /);
    const inbox = await until('two in INBOX', async () => { const m = await inst.inbox('bob@corporate.test'); return m.length === 2 && m; });
    for (const m of inbox) {
      assert.equal((m.match(/^Authentication-Results:/gim) ?? []).length, 1, 'one Authentication-Results field');
      assert.match(m, /^Authentication-Results: mx\.corporate\.test;/m);
      assert.match(m, /dmarc=pass/);
    }
    assert.match(inbox[0], /spf=pass[^;]*smtp\.mailfrom=news@pass\.test/);
    assert.match(inbox[1], /dkim=pass header\.i=@signed\.test/);
    assert.match(inbox[1], /spf=fail/);
    const junk = await inst.inbox('bob@corporate.test', 'Junk');
    assert.equal(junk.length, 1);
    assert.match(junk[0], /Subject: from promo@lax\.test/);
    assert.match(junk[0], /dmarc=fail[^;]*header\.from=lax\.test/);
  } finally {
    await inst.close();
  }
});

test('auth.dmarc_reject = "quarantine": a p=reject failure is accepted into Junk', { timeout: 30_000 }, async () => {
  const { inst, port } = await corporate('quarantine');
  try {
    assert.match(await send(port, 'ceo@strict.test'), /^250 /);
    const junk = await until('the Junk copy', async () => { const m = await inst.inbox('bob@corporate.test', 'Junk'); return m.length === 1 && m; });
    assert.match(junk[0], /dmarc=fail[^;]*header\.from=strict\.test/);
    assert.equal((await inst.inbox('bob@corporate.test')).length, 0);
  } finally {
    await inst.close();
  }
});
