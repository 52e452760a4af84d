/**
 * The story of issue 4, on loopback: three Posthorn instances — localisp.test (127.0.0.2),
 * corporate.test (127.0.0.3), island.test (127.0.0.4) — each with its own store, SMTP
 * server and queue runner, and a DNS responder answering their MX and A records.
 * Alice at localisp submits one message for bob and carol at corporate; bob gets it; carol
 * has moved, so corporate answers 251 and relays it (with an SRS sender) to island, where
 * carol gets it. Then: a hop that is down (delivered once when back), a 550 (a correct
 * bounce back to alice), a hop down past the delay warning (a delay notice), and Postfix
 * relaying into the island (our client → Postfix is test/relay/postfix.test.ts).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { deliverBatch } from '../../src/mta/transport/deliver.js';
import { submit, submitRaw, threeIsps, until } from './instances.js';
import { header, parsePart, splitMultipart, statusGroups } from './mime-check.js';
import { postfixAvailable, startPostfix } from './postfix-instance.js';

test('three instances: relay, forward with 251 and SRS, down hop, bounce, delay notice', { timeout: 60_000 }, async () => {
  const hash = '$argon2id$not-used'; // nobody logs in here
  const isps = await threeIsps({
    localisp: async (s) => { await s.directory.addAccount({ address: 'alice@localisp.test', passwordHash: hash }); },
    corporate: async (s) => {
      await s.directory.addAccount({ address: 'bob@corporate.test', passwordHash: hash });
      await s.directory.addForward('carol@corporate.test', 'carol@island.test');
    },
    island: async (s) => {
      await s.directory.addAccount({ address: 'carol@island.test', passwordHash: hash });
      await s.directory.addAccount({ address: 'dave@island.test', passwordHash: hash });
    },
  });
  const { localisp, corporate, island, port: probe } = isps;
  try {

    // 1. one message, two recipients at corporate; carol has moved to island
    assert.deepEqual((await submit(['bob@corporate.test', 'carol@corporate.test'], probe, 'Lunch')).map((r) => r.split(' ')[0]), ['accepted', 'accepted']);
    const [toBob] = await until('bob\'s copy', async () => (await corporate.inbox('bob@corporate.test')).length === 1 && corporate.inbox('bob@corporate.test'));
    assert.match(toBob, /^Return-Path: <alice@localisp\.test>\r\n/);
    assert.match(toBob, /Received: from mx\.localisp\.test \(.*127\.0\.0\.2/);
    assert.match(toBob, /Lunch: see you at noon\.\r\n$/);
    const [toCarol] = await until('carol\'s copy on the island', async () => (await island.inbox('carol@island.test')).length === 1 && island.inbox('carol@island.test'));
    // forwarded with SRS: the island sees corporate's domain in the reverse-path
    assert.match(toCarol, /^Return-Path: <SRS0=[^=]{4}=[A-Z2-7]{2}=localisp\.test=alice@corporate\.test>\r\n/);
    assert.equal((toCarol.match(/^Received: /gm) ?? []).length, 3, 'submission, localisp → corporate, corporate → island');
    assert.match(toCarol, /Lunch: see you at noon\.\r\n$/);
    // corporate says 251 for the moved user (RFC 5321 §3.4)
    const rcpt = await submitRaw('127.0.0.3', probe, 'carol@corporate.test');
    assert.match(rcpt, /^251 /);

    // 2. the next hop is down: the message waits, and arrives once when the hop is back
    await island.server!.close();
    await submit(['dave@island.test'], probe, 'Waiting');
    await until('a deferred attempt', async () => (await localisp.store.queue.list()).some((m) => m.recipients.some((r) => r.state === 'deferred' && /^421 4\.4\.1/.test(r.lastReply ?? ''))));
    await island.startServer();
    await until('dave\'s copy', async () => (await island.inbox('dave@island.test')).length === 1);
    await new Promise((r) => setTimeout(r, 800)); // several retry periods
    assert.equal((await island.inbox('dave@island.test')).length, 1, 'delivered exactly once');

    // 3. the next hop answers 550: alice gets a correct bounce
    await submit(['nobody@corporate.test'], probe, 'Typo');
    const bounce = await until('the bounce', async () => (await localisp.inbox('alice@localisp.test')).find((m) => m.includes('Undelivered Mail')));
    const top = parsePart(Buffer.from(bounce));
    assert.match(header(top, 'content-type') ?? '', /^multipart\/report; report-type=delivery-status/);
    assert.match(bounce, /^Return-Path: <>\r\n/);
    const parts = splitMultipart(top);
    const g = statusGroups(parts[1].body);
    assert.deepEqual(g[0].get('reporting-mta'), ['dns;mx.localisp.test']);
    assert.deepEqual(g[1].get('final-recipient'), ['rfc822;nobody@corporate.test']);
    assert.deepEqual(g[1].get('action'), ['failed']);
    assert.match(g[1].get('status')?.[0] ?? '', /^5\.1\.\d+$/);
    assert.deepEqual(g[1].get('remote-mta'), ['dns;mx.corporate.test']);
    assert.match(g[1].get('diagnostic-code')?.[0] ?? '', /^smtp;550 5\.1\.\d+ /);
    assert.match(parts[2].body.toString(), /Subject: Typo/);

    // 4. a hop that stays down past the delay warning: alice is told, once
    await island.server!.close();
    await submit(['dave@island.test'], probe, 'Patience');
    const notice = await until('the delay notice', async () => (await localisp.inbox('alice@localisp.test')).find((m) => m.includes('Delayed Mail')), 12_000);
    assert.deepEqual(statusGroups(splitMultipart(parsePart(Buffer.from(notice)))[1].body)[1].get('action'), ['delayed']);
    await island.startServer();
    await until('the delayed message', async () => (await island.inbox('dave@island.test')).length === 2);
    assert.equal((await localisp.inbox('alice@localisp.test')).filter((m) => m.includes('Delayed Mail')).length, 1);

    // 5. Postfix (Debian's) as a peer: it relays to the island, which delivers
    if (postfixAvailable()) {
      const pf = await startPostfix({ relayTo: probe, relayAddress: '127.0.0.4' });
      try {
        await deliverBatch(
          { key: 'pf', via: 'route', targets: [{ host: 'postfix.test', address: '127.0.0.1', port: pf.smtpdPort }], tls: 'off', auth: null },
          [{ sender: 'alice@localisp.test', recipients: [{ id: 1, address: 'dave@island.test', notify: null, orcpt: null }], data: Buffer.from('From: alice@localisp.test\r\nSubject: via Postfix\r\n\r\nhello\r\n'), envid: null, ret: null, body: '7BIT', smtputf8: false }],
          { hostname: 'mx.localisp.test', connectTimeoutMs: 2000, commandTimeoutMs: 5000, tls: 'off', auth: null, localAddress: '127.0.0.2' },
          async () => undefined,
        );
        const got = await until('mail from Postfix', async () => (await island.inbox('dave@island.test')).find((m) => m.includes('via Postfix')));
        assert.match(got, /Received: from postfix\.test/);
      } finally {
        await pf.stop();
      }
    }
  } finally {
    await isps.close();
  }
});

