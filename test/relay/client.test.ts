import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startSink, type SinkOptions } from './smtp-sink.js';
import { deliverBatch } from '../../src/mta/transport/deliver.js';
import type { OutboundMessage, RecipientOutcome } from '../../src/mta/transport/transaction.js';
import type { Destination, TlsPolicy } from '../../src/mta/transport/routes.js';
import { downgradeTo7bit } from '../../src/mta/transport/downgrade.js';

const opts = { hostname: 'mail.localisp.test', connectTimeoutMs: 2000, commandTimeoutMs: 5000, tls: 'opportunistic' as TlsPolicy, auth: null };
const text = Buffer.from('From: alice@localisp.test\r\nTo: bob@corporate.test\r\nSubject: hi\r\n\r\n.leading dot\r\nbody\r\n');

function message(over: Partial<OutboundMessage> = {}): OutboundMessage {
  return {
    sender: 'alice@localisp.test',
    recipients: [{ id: 1, address: 'bob@corporate.test', notify: null, orcpt: null }, { id: 2, address: 'carol@corporate.test', notify: ['SUCCESS', 'FAILURE'], orcpt: 'rfc822;Carol+x@corporate.test' }],
    data: text, envid: 'ENV 1', ret: 'HDRS', body: '7BIT', smtputf8: false, ...over,
  };
}

function dest(ports: number[], tls: TlsPolicy = 'opportunistic', host = '127.0.0.1'): Destination {
  return { key: 'k', via: 'mx', targets: ports.map((port) => ({ host: 'mx.corporate.test', address: host, port })), tls, auth: null };
}

async function run(sinkOpts: SinkOptions, msgs: OutboundMessage[], d?: (port: number) => Destination, o = opts) {
  const sink = await startSink(sinkOpts);
  const results: RecipientOutcome[][] = [];
  try {
    await deliverBatch(d ? d(sink.port) : dest([sink.port]), msgs, o, async (_m, r) => { results.push(r); });
  } finally {
    await sink.close();
  }
  return { sink, results };
}

test('pipelined DATA with DSN parameters; the body arrives byte for byte', async () => {
  const { sink, results } = await run({}, [message()]);
  assert.deepEqual(results[0].map((r) => [r.id, r.kind, r.hopHasDsn, r.remoteMta]), [[1, 'accepted', true, 'mx.corporate.test'], [2, 'accepted', true, 'mx.corporate.test']]);
  const tx = sink.transactions[0];
  assert.equal(Buffer.compare(tx.data, text), 0);
  assert.equal(tx.via, 'DATA');
  assert.equal(tx.mailFrom, `FROM:<alice@localisp.test> SIZE=${text.length} RET=HDRS ENVID=ENV+201`);
  assert.deepEqual(tx.rcpts, ['TO:<bob@corporate.test>', 'TO:<carol@corporate.test> NOTIFY=SUCCESS,FAILURE ORCPT=rfc822;Carol+2Bx@corporate.test']);
});

test('several messages on one connection with RSET between; per-recipient replies', async () => {
  const m2 = message({ recipients: [{ id: 3, address: 'nobody@corporate.test', notify: null, orcpt: null }, { id: 4, address: 'later@corporate.test', notify: null, orcpt: null }] });
  const { sink, results } = await run({ rcpt: (a) => (a.startsWith('nobody') ? '550 5.1.1 no such user' : a.startsWith('later') ? '451 4.3.0 try later' : '250 ok') }, [message(), m2, message()]);
  assert.equal(sink.connections, 1);
  assert.equal(sink.commands.filter((c) => c === 'RSET').length, 2);
  assert.deepEqual(results[1].map((r) => [r.kind, r.reply]), [['permanent', '550 5.1.1 no such user'], ['temporary', '451 4.3.0 try later']]);
  assert.equal(results[2][0].kind, 'accepted');
  assert.equal(sink.transactions.length, 2);
});

test('without PIPELINING, DSN or SIZE: one command at a time, no extension parameters', async () => {
  const { sink, results } = await run({ extensions: [] }, [message()]);
  assert.deepEqual(results[0].map((r) => [r.kind, r.hopHasDsn]), [['accepted', false], ['accepted', false]]);
  assert.equal(sink.transactions[0].mailFrom, 'FROM:<alice@localisp.test>');
  assert.deepEqual(sink.transactions[0].rcpts, ['TO:<bob@corporate.test>', 'TO:<carol@corporate.test>']);
});

test('HELO fallback for a server without EHLO', async () => {
  const { sink, results } = await run({ ehlo: false }, [message()]);
  assert.equal(results[0][0].kind, 'accepted');
  assert.deepEqual(sink.commands.slice(0, 2), ['EHLO mail.localisp.test', 'HELO mail.localisp.test']);
});

test('CHUNKING: BDAT LAST carries the octets unstuffed', async () => {
  const { sink, results } = await run({ extensions: ['PIPELINING', 'CHUNKING', '8BITMIME'] }, [message()]);
  assert.equal(results[0][0].kind, 'accepted');
  assert.equal(sink.transactions[0].via, 'BDAT');
  assert.equal(Buffer.compare(sink.transactions[0].data, text), 0);
});

test('SIZE: a message over the hop\'s limit fails with 5.3.4 before sending', async () => {
  const { sink, results } = await run({ extensions: ['SIZE 20'] }, [message()]);
  assert.equal(results[0][0].kind, 'permanent');
  assert.match(results[0][0].reply, /^552 5\.3\.4/);
  assert.equal(sink.commands.some((c) => c.startsWith('MAIL')), false);
});

test('8-bit: BODY=8BITMIME when offered, converted to quoted-printable when not', async () => {
  const eight = Buffer.from('From: a@b.test\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\nGrüße\r\n', 'utf8');
  const a = await run({}, [message({ data: eight, body: '8BITMIME' })]);
  assert.match(a.sink.transactions[0].mailFrom, /BODY=8BITMIME/);
  assert.equal(Buffer.compare(a.sink.transactions[0].data, eight), 0);
  const b = await run({ extensions: ['PIPELINING'] }, [message({ data: eight, body: '8BITMIME' })]);
  const got = b.sink.transactions[0].data.toString('latin1');
  assert.match(got, /Content-Transfer-Encoding: quoted-printable\r\n\r\nGr=C3=BC=C3=9Fe\r\n$/);
  assert.doesNotMatch(got, /8bit/);
  const hdr8 = Buffer.from('Subject: Grüße\r\n\r\nx\r\n', 'utf8');
  const c = await run({ extensions: [] }, [message({ data: hdr8, body: '8BITMIME' })]);
  assert.match(c.results[0][0].reply, /^554 5\.6\.3/);
});

test('a multipart message is downgraded part by part, boundaries kept', () => {
  const m = Buffer.from('Content-Type: multipart/mixed; boundary="b1"\r\n\r\n--b1\r\nContent-Type: text/plain\r\n\r\nÄ\r\n--b1\r\nContent-Type: application/octet-stream\r\n\r\n\xff\xfe\r\n--b1--\r\n', 'latin1');
  const out = downgradeTo7bit(m)?.toString('latin1') ?? '';
  assert.match(out, /^Content-Type: multipart\/mixed; boundary="b1"\r\nContent-Transfer-Encoding: 7bit\r\n\r\n--b1\r\nContent-Type: text\/plain\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\n=C4\r\n--b1\r\nContent-Type: application\/octet-stream\r\nContent-Transfer-Encoding: base64\r\n\r\n\/\/4=\r\n--b1--\r\n$/);
});

test('SMTPUTF8 needed but not offered: 5.6.7', async () => {
  const { results } = await run({ extensions: ['8BITMIME'] }, [message({ recipients: [{ id: 1, address: 'jürgen@corporate.test', notify: null, orcpt: null }], smtputf8: true })]);
  assert.match(results[0][0].reply, /^553 5\.6\.7/);
  const ok = await run({}, [message({ recipients: [{ id: 1, address: 'jürgen@corporate.test', notify: null, orcpt: null }], smtputf8: true })]);
  assert.equal(ok.results[0][0].kind, 'accepted');
  assert.match(ok.sink.transactions[0].mailFrom, / SMTPUTF8/);
});

test('STARTTLS when offered; required TLS without an offer defers', async () => {
  const { sink, results } = await run({ extensions: ['STARTTLS', 'PIPELINING'] }, [message()]);
  assert.equal(results[0][0].kind, 'accepted');
  assert.equal(sink.transactions[0].tls, true);
  const r = await run({ extensions: [] }, [message()], (p) => dest([p], 'required'));
  assert.equal(r.results[0][0].kind, 'temporary');
  assert.match(r.results[0][0].reply, /4\.7\.4 TLS is required/);
  const off = await run({ extensions: ['STARTTLS'] }, [message()], (p) => dest([p], 'off'));
  assert.equal(off.sink.transactions[0].tls, false);
});

test('a 4xx greeting or a dead address moves on to the next MX', async () => {
  const busy = await startSink({ greeting: '421 4.3.2 busy' });
  const good = await startSink({});
  const dead = await startSink({});
  await dead.close();
  const results: RecipientOutcome[][] = [];
  try {
    await deliverBatch(dest([dead.port, busy.port, good.port]), [message()], opts, async (_m, r) => { results.push(r); });
  } finally {
    await busy.close();
    await good.close();
  }
  assert.equal(results[0][0].kind, 'accepted');
  assert.equal(good.transactions.length, 1);
});

test('all MXs down: every recipient temporary with the last reason', async () => {
  const dead = await startSink({});
  await dead.close();
  const results: RecipientOutcome[][] = [];
  await deliverBatch(dest([dead.port]), [message(), message()], opts, async (_m, r) => { results.push(r); });
  assert.equal(results.length, 2);
  assert.ok(results.flat().every((r) => r.kind === 'temporary' && /^421 4\.4\.1/.test(r.reply)));
});

test('the hop hangs up after 2 messages: we reconnect and deliver the rest', async () => {
  const { sink, results } = await run({ maxPerConnection: 2 }, [message(), message(), message()]);
  assert.equal(results.flat().filter((r) => r.kind === 'accepted').length, 6);
  assert.equal(sink.transactions.length, 3);
  assert.equal(sink.connections, 2);
});

test('AUTH PLAIN to a smarthost', async () => {
  const withAuth = (p: number): Destination => ({ ...dest([p]), auth: { user: 'relay', pass: 's3cret' } });
  const ok = await run({ extensions: ['AUTH PLAIN LOGIN'], credentials: 'relay:s3cret' }, [message()], withAuth);
  assert.equal(ok.sink.transactions[0].auth, 'relay');
  const bad = await run({ extensions: ['AUTH PLAIN'], credentials: 'relay:other' }, [message()], withAuth);
  assert.equal(bad.results[0][0].kind, 'temporary');
  assert.match(bad.results[0][0].reply, /535 5\.7\.8/);
});

test('CHUNKING without PIPELINING: BDAT after the RCPT replies; with both, one write', async () => {
  const a = await run({ extensions: ['CHUNKING'] }, [message(), message()]);
  assert.equal(a.sink.transactions.length, 2);
  assert.ok(a.results.flat().every((r) => r.kind === 'accepted'));
  const b = await run({ extensions: ['PIPELINING', 'CHUNKING'], rcpt: (x) => (x.startsWith('bob') ? '550 5.1.1 no' : '250 ok') }, [message(), message({ recipients: [{ id: 9, address: 'bob@corporate.test', notify: null, orcpt: null }] }), message()]);
  assert.deepEqual(b.results.map((r) => r.map((x) => x.kind)), [['permanent', 'accepted'], ['permanent'], ['permanent', 'accepted']]);
  assert.equal(b.sink.transactions.length, 2);
  assert.ok(b.sink.transactions.every((t) => t.via === 'BDAT' && Buffer.compare(t.data, text) === 0));
});
