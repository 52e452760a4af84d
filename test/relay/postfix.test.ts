/** Interop: our SMTP client against a real Postfix smtpd (Debian's), which relays to our sink. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { deliverBatch } from '../../src/mta/transport/deliver.js';
import type { OutboundMessage, RecipientOutcome } from '../../src/mta/transport/transaction.js';
import { postfixAvailable, startPostfix } from './postfix-instance.js';
import { startSink } from './smtp-sink.js';

test('our client relays through Postfix: DSN parameters, 8BITMIME, per-recipient rejects', { skip: !postfixAvailable() && 'Postfix not installed or not root' }, async () => {
  const sink = await startSink({});
  const pf = await startPostfix({
    relayTo: sink.port,
    extra: ['smtpd_recipient_restrictions = check_recipient_access inline:{ { ghost@corporate.test = REJECT no such user } }, permit_mynetworks, reject'],
  });
  try {
    const data = Buffer.from('From: alice@localisp.test\r\nTo: bob@corporate.test\r\nSubject: via Postfix\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\n.dot\r\nGrüße\r\n', 'utf8');
    const msg: OutboundMessage = {
      sender: 'alice@localisp.test', data, envid: 'ENV-7', ret: 'HDRS', body: '8BITMIME', smtputf8: false,
      recipients: [{ id: 1, address: 'bob@corporate.test', notify: ['SUCCESS', 'FAILURE'], orcpt: 'rfc822;bob@corporate.test' }, { id: 2, address: 'ghost@corporate.test', notify: null, orcpt: null }],
    };
    const results: RecipientOutcome[][] = [];
    const dest = { key: 'pf', via: 'route' as const, targets: [{ host: 'postfix.test', address: '127.0.0.1', port: pf.smtpdPort }], tls: 'opportunistic' as const, auth: null };
    await deliverBatch(dest, [msg, { ...msg, recipients: [{ id: 3, address: 'carol@corporate.test', notify: null, orcpt: null }] }], { hostname: 'mail.localisp.test', connectTimeoutMs: 3000, commandTimeoutMs: 10_000, tls: 'opportunistic', auth: null }, async (_m, r) => { results.push(r); });
    assert.deepEqual(results.map((r) => r.map((x) => x.kind)), [['accepted', 'permanent'], ['accepted']], JSON.stringify(results) + await pf.log());
    assert.match(results[0][1].reply, /^554 5\.7\.1 .*no such user/);
    assert.equal(results[0][0].hopHasDsn, true);
    for (let i = 0; i < 100 && sink.transactions.length < 2; i++) await new Promise((r) => setTimeout(r, 50));
    assert.equal(sink.transactions.length, 2);
    const tx = sink.transactions.find((t) => t.rcpts[0].includes('bob'))!;
    assert.match(tx.mailFrom, /^FROM:<alice@localisp\.test> .*BODY=8BITMIME/);
    assert.match(tx.mailFrom, /RET=HDRS/);
    assert.match(tx.mailFrom, /ENVID=ENV-7/);
    assert.match(tx.rcpts[0], /NOTIFY=SUCCESS,FAILURE/);
    assert.match(tx.rcpts[0], /ORCPT=rfc822;bob@corporate\.test/);
    const text = tx.data.toString('utf8');
    assert.match(text, /^Received: from mail\.localisp\.test/);
    // Postfix adds Received (and the Message-Id/Date we left out); our fields and body pass intact.
    assert.ok(text.includes('From: alice@localisp.test\r\nTo: bob@corporate.test\r\nSubject: via Postfix\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: 8bit\r\n'));
    assert.ok(text.endsWith('\r\n\r\n.dot\r\nGrüße\r\n'), 'body intact: dot-stuffing undone, 8-bit kept');
  } finally {
    await pf.stop();
    await sink.close();
  }
});
