import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildDsn, reportFor, statusOfReply, formatDate } from '../../src/mta/queue/dsn.js';
import { checkLoop, countReceived } from '../../src/mta/queue/loop.js';
import { ProtocolError } from '../../src/lib/errors.js';
import type { QueuedRecipient } from '../../src/store/types.js';
import { header, parsePart, splitMultipart, statusGroups } from './mime-check.js';

const original = Buffer.from(
  'Received: from a by b; Sun, 22 Nov 2026 07:00:00 +0000\r\nFrom: alice@localisp.test\r\nTo: bob@corporate.test\r\n' +
    'Subject: Lunch\r\nMessage-ID: <m1@localisp.test>\r\n\r\nShall we meet at noon?\r\n',
);
const t0 = Date.UTC(2026, 10, 22, 7, 0, 0);

function rcpt(over: Partial<QueuedRecipient>): QueuedRecipient {
  return {
    id: 1, messageId: 1, address: 'bob@corporate.test', orcpt: null, notify: null, state: 'failed', attempts: 1,
    nextAttempt: 0, lastAttempt: t0 + 60_000, lastReply: '550 5.1.1 <bob@corporate.test>: user unknown',
    remoteMta: 'mx.corporate.test', delayNotified: false, ...over,
  };
}

test('a failure DSN parses back into every RFC 3464 field', () => {
  const r1 = reportFor(rcpt({ orcpt: 'rfc822;Bob+x@Corporate.test' }), 'failed');
  const r2 = reportFor(rcpt({ id: 2, address: 'carol@corporate.test', lastReply: '554 no such thing', remoteMta: null }), 'failed');
  const dsn = buildDsn({ reportingMta: 'mail.localisp.test', to: 'alice@localisp.test', envid: 'QQ314159', arrival: t0, recipients: [r1, r2], original, ret: null, now: t0 + 120_000 });
  assert.equal(dsn.body, '7BIT');
  const top = parsePart(dsn.bytes);
  assert.match(header(top, 'content-type') ?? '', /^multipart\/report; report-type=delivery-status;/);
  assert.equal(header(top, 'to'), '<alice@localisp.test>');
  assert.equal(header(top, 'subject'), 'Undelivered Mail Returned to Sender');
  assert.equal(header(top, 'auto-submitted'), 'auto-replied');
  assert.match(header(top, 'from') ?? '', /MAILER-DAEMON@mail\.localisp\.test/);
  const parts = splitMultipart(top);
  assert.equal(parts.length, 3);
  assert.match(header(parts[0], 'content-type') ?? '', /^text\/plain/);
  assert.match(parts[0].body.toString(), /could not be delivered[\s\S]*bob@corporate\.test[\s\S]*user unknown/);
  assert.equal(header(parts[1], 'content-type'), 'message/delivery-status');
  const [msg, g1, g2] = statusGroups(parts[1].body);
  assert.deepEqual(msg.get('reporting-mta'), ['dns;mail.localisp.test']);
  assert.deepEqual(msg.get('original-envelope-id'), ['QQ314159']);
  assert.deepEqual(msg.get('arrival-date'), [formatDate(t0)]);
  assert.equal(formatDate(t0), 'Sun, 22 Nov 2026 07:00:00 +0000');
  assert.deepEqual(g1.get('original-recipient'), ['rfc822;Bob+x@Corporate.test']);
  assert.deepEqual(g1.get('final-recipient'), ['rfc822;bob@corporate.test']);
  assert.deepEqual(g1.get('action'), ['failed']);
  assert.deepEqual(g1.get('status'), ['5.1.1']);
  assert.deepEqual(g1.get('remote-mta'), ['dns;mx.corporate.test']);
  assert.deepEqual(g1.get('diagnostic-code'), ['smtp;550 5.1.1 <bob@corporate.test>: user unknown']);
  assert.deepEqual(g1.get('last-attempt-date'), [formatDate(t0 + 60_000)]);
  assert.equal(g2.get('original-recipient'), undefined);
  assert.deepEqual(g2.get('status'), ['5.0.0']);
  assert.equal(g2.get('remote-mta'), undefined);
  assert.equal(header(parts[2], 'content-type'), 'message/rfc822');
  assert.equal(Buffer.compare(Buffer.concat([parts[2].body, Buffer.from('\r\n')]), original), 0, 'the original comes back byte for byte');
});

test('RET=HDRS returns only the header; no envid, no Original-Envelope-Id', () => {
  const dsn = buildDsn({ reportingMta: 'mx', to: 'a@b.test', envid: null, arrival: t0, recipients: [reportFor(rcpt({}), 'failed')], original, ret: 'HDRS', now: t0 });
  const parts = splitMultipart(parsePart(dsn.bytes));
  assert.equal(header(parts[2], 'content-type'), 'text/rfc822-headers');
  assert.match(parts[2].body.toString(), /Subject: Lunch/);
  assert.doesNotMatch(parts[2].body.toString(), /noon/);
  assert.equal(statusGroups(parts[1].body)[0].get('original-envelope-id'), undefined);
});

test('a delay notice says delayed with 4.x.x, Will-Retry-Until, headers only', () => {
  const r = reportFor(rcpt({ state: 'deferred', lastReply: '421 4.3.2 try later' }), 'delayed', t0 + 5 * 86400_000);
  const dsn = buildDsn({ reportingMta: 'mx', to: 'a@b.test', envid: null, arrival: t0, recipients: [r], original, ret: 'FULL', now: t0 });
  const top = parsePart(dsn.bytes);
  assert.equal(header(top, 'subject'), 'Delayed Mail (still being retried)');
  const parts = splitMultipart(top);
  const g = statusGroups(parts[1].body)[1];
  assert.deepEqual(g.get('action'), ['delayed']);
  assert.deepEqual(g.get('status'), ['4.3.2']);
  assert.deepEqual(g.get('will-retry-until'), [formatDate(t0 + 5 * 86400_000)]);
  assert.equal(header(parts[2], 'content-type'), 'text/rfc822-headers');
});

test('an 8-bit original is returned as 8bit and the DSN needs 8BITMIME', () => {
  const o = Buffer.from('Subject: Grüße\r\n\r\nÄpfel\r\n', 'utf8');
  const dsn = buildDsn({ reportingMta: 'mx', to: 'a@b.test', envid: null, arrival: t0, recipients: [reportFor(rcpt({}), 'failed')], original: o, ret: null, now: t0 });
  assert.equal(dsn.body, '8BITMIME');
  const parts = splitMultipart(parsePart(dsn.bytes));
  assert.equal(header(parts[2], 'content-transfer-encoding'), '8bit');
  assert.match(parts[2].body.toString('utf8'), /Äpfel/);
});

test('status codes from replies', () => {
  assert.equal(statusOfReply('550 5.7.1 no'), '5.7.1');
  assert.equal(statusOfReply('451 4.04.001 odd'), '4.4.1');
  assert.equal(statusOfReply('550 4.1.1 mismatched'), '5.0.0');
  assert.equal(statusOfReply('421 closing'), '4.0.0');
  assert.equal(statusOfReply(null, '5.4.4'), '5.4.4');
});

test('more than 30 Received headers is a loop (5.4.6)', () => {
  const hops = (n: number) => Buffer.from(`${'Received: from x by y; date\r\n'.repeat(n)}Subject: s\r\n\r\nReceived: not a header\r\n`);
  assert.equal(countReceived(hops(30)), 30);
  assert.doesNotThrow(() => checkLoop(hops(30)));
  assert.throws(() => checkLoop(hops(31)), (e: unknown) => e instanceof ProtocolError && e.enhanced === '5.4.6' && e.code === 554);
});

test('the project MIME parser reads the DSN as multipart/report with its three parts', async () => {
  const { parseMessage } = await import('../../src/mime/parse.js');
  const dsn = buildDsn({ reportingMta: 'mail.localisp.test', to: 'alice@localisp.test', envid: null, arrival: t0, recipients: [reportFor(rcpt({}), 'failed')], original, ret: null, now: t0 });
  const p = parseMessage(dsn.bytes);
  assert.deepEqual(p.defects, []);
  assert.equal(`${p.body.type}/${p.body.subtype}`, 'multipart/report');
  assert.equal(p.body.params['report-type'], 'delivery-status');
  assert.deepEqual(p.body.children?.map((c) => `${c.type}/${c.subtype}`), ['text/plain', 'message/delivery-status', 'message/rfc822']);
  const status = dsn.bytes.subarray(p.body.children![1].bodyStart, p.body.children![1].bodyEnd).toString();
  assert.match(status, /^Reporting-MTA: dns;mail\.localisp\.test\r\nArrival-Date: .*\r\n\r\nFinal-Recipient: rfc822;bob@corporate\.test\r\nAction: failed\r\nStatus: 5\.1\.1\r\n/);
  assert.equal(p.body.children![2].message?.envelope.subject, 'Lunch');
  assert.equal(p.subject, 'Undelivered Mail Returned to Sender');
});

test('SMTPUTF8 mail is reported with RFC 6533 global types and UTF-8 addresses', () => {
  const o = Buffer.from('From: jürgen@localisp.test\r\nSubject: Grüße\r\n\r\nHallo\r\n', 'utf8');
  const dsn = buildDsn({ reportingMta: 'mx', to: 'jürgen@localisp.test', envid: null, arrival: t0, recipients: [reportFor(rcpt({ address: 'zoë@corporate.test' }), 'failed')], original: o, ret: 'HDRS', now: t0, utf8: true });
  assert.equal(dsn.body, '8BITMIME');
  const parts = splitMultipart(parsePart(dsn.bytes));
  assert.equal(header(parts[1], 'content-type'), 'message/global-delivery-status');
  assert.deepEqual(statusGroups(parts[1].body)[1].get('final-recipient'), ['utf-8;zoë@corporate.test']);
  assert.equal(header(parts[2], 'content-type'), 'message/global-headers');
});
