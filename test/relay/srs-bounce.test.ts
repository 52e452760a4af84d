/**
 * SRS on the wire, end to end over three instances and the test DNS responder: alice at
 * localisp writes to carol@corporate.test; corporate forwards to carol@island.test with an
 * SRS0 reverse-path of its own domain; the island forwards on to a domain that accepts no
 * mail (null MX, RFC 7505), fails, and bounces to that SRS0 address; corporate reverses it
 * on port 25 (the island has no relay rights there) and relays the bounce to alice, who
 * gets the DSN. A forged or tampered SRS address is 550 5.1.1.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { srsForward } from '../../src/auth/srs.js';
import { submit, submitRaw, threeIsps, until } from './instances.js';
import { parsePart, splitMultipart, statusGroups } from './mime-check.js';

test('a bounce to an SRS0 address finds its way back to the original sender', { timeout: 60_000 }, async () => {
  const hash = '$argon2id$not-used';
  const isps = await threeIsps({
    localisp: async (s) => { await s.directory.addAccount({ address: 'alice@localisp.test', passwordHash: hash }); },
    corporate: async (s) => { await s.directory.addForward('carol@corporate.test', 'carol@island.test'); },
    island: async (s) => { await s.directory.addForward('carol@island.test', 'carol@nomail.test'); },
  }, { 'nomail.test': { MX: [{ preference: 0, exchange: '.' }] } });
  const { localisp, corporate, port } = isps;
  try {

    assert.deepEqual((await submit(['carol@corporate.test'], port, 'Postcard')).map((r) => r.split(' ')[0]), ['accepted']);
    const bounce = await until('the bounce at alice', async () => (await localisp.inbox('alice@localisp.test')).find((m) => m.includes('Undelivered Mail')), 20_000);
    assert.match(bounce, /^Return-Path: <>\r\n/);
    // the bounce passed through corporate, which reversed the SRS0 address
    assert.match(bounce, /Received: from mx\.corporate\.test \(.*127\.0\.0\.3/);
    assert.match(bounce, /Received: from mx\.island\.test \(.*127\.0\.0\.4\][^;]*\r\n[^;]*for <SRS0=[^=]{4}=[A-Z2-7]{2}=localisp\.test=alice@corporate\.test>;/);
    const g = statusGroups(splitMultipart(parsePart(Buffer.from(bounce)))[1].body);
    assert.deepEqual(g[0].get('reporting-mta'), ['dns;mx.island.test']);
    assert.deepEqual(g[1].get('final-recipient'), ['rfc822;carol@nomail.test']);
    assert.deepEqual(g[1].get('action'), ['failed']);
    assert.deepEqual(g[1].get('status'), ['5.1.10']);
    assert.match(bounce, /Subject: Postcard/);
    // corporate's queue is empty again: the bounce was relayed once, not kept
    await until('corporate\'s queue empty', async () => (await corporate.store.queue.list()).length === 0);

    // forged and tampered SRS addresses at corporate: no such mailbox
    const good = srsForward('alice@localisp.test', { secrets: ['secret-corporate.test'], domain: 'corporate.test' });
    assert.match(await submitRaw('127.0.0.3', port, good), /^250 /);
    const tampered = good.replace('=alice@', '=mallory@');
    assert.match(await submitRaw('127.0.0.3', port, tampered), /^550 5\.1\.1 /);
    const foreign = srsForward('alice@localisp.test', { secrets: ['not-ours'], domain: 'corporate.test' });
    assert.match(await submitRaw('127.0.0.3', port, foreign), /^550 5\.1\.1 .*bad-hash/);
    const old = srsForward('alice@localisp.test', { secrets: ['secret-corporate.test'], domain: 'corporate.test', now: () => Date.now() - 40 * 86_400_000 });
    assert.match(await submitRaw('127.0.0.3', port, old), /^550 5\.1\.1 .*expired/);
  } finally {
    await isps.close();
  }
});
