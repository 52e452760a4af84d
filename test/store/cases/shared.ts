/** What several processes sharing one store rely on: exclusive locks, events that reach
 *  the other instance, and queue claims that never hand one recipient to two nodes. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { MailboxEvent } from '../../../src/store/types.js';
import type { Ctx } from '../conformance.js';
import { freshAccount, inbox, newMessage, sleep } from './helpers.js';

export function sharedCases(ctx: Ctx): void {
  test('concurrent appends from two instances get distinct, gap-free UIDs', async () => {
    const a = ctx.store();
    const b = await ctx.another();
    const acc = await freshAccount(a);
    const ib = await inbox(a, acc);
    const sent = (await a.mail.getMailbox(acc.id, 'Sent'))!.id;
    const jobs = [];
    for (let i = 0; i < 6; i++) {
      const s = i % 2 ? a : b;
      // opposite mailbox order in alternate batches: must not deadlock
      const order = i % 2 ? [ib, sent] : [sent, ib];
      jobs.push(Promise.all(order.map(async (mailboxId) => ({ mailboxId, message: await newMessage(s, `c${i}`) })))
        .then((items) => s.mail.append(items)));
    }
    const results = (await Promise.all(jobs)).flat();
    const uids = results.filter((r) => r.mailboxId === ib).map((r) => r.uid).sort((x, y) => x - y);
    assert.deepEqual(uids, [1, 2, 3, 4, 5, 6]);
    const modseqs = results.filter((r) => r.mailboxId === ib).map((r) => r.modseq);
    assert.equal(new Set(modseqs).size, 6);
    // concurrent STOREs of different flags on the same messages: neither is lost
    const adds = ['\\Seen', '\\Flagged', '\\Answered', 'One', 'Two', 'Three'];
    await Promise.all(adds.map((flag, i) => (i % 2 ? a : b).mail.storeFlags(ib, [[1, 6]], 'add', [flag])));
    for (const m of await a.mail.listFlags(ib)) assert.deepEqual([...m.flags].sort(), [...adds].sort());
  });

  test('locks are exclusive across store instances and free again on release', async () => {
    const a = ctx.store();
    const b = await ctx.another();
    const key = `maildrop:${Math.random()}`;
    const h = await a.locks.tryLock(key);
    assert.ok(h);
    assert.equal(await b.locks.tryLock(key), null);
    assert.equal(await a.locks.tryLock(key), null, 'not re-entrant');
    const other = await b.locks.tryLock(`${key}:other`);
    assert.ok(other);
    await h.release();
    const h2 = await b.locks.tryLock(key);
    assert.ok(h2);
    await h2.release();
    await other.release();
  });

  test('events published by one instance reach subscribers of another, in order', async () => {
    const a = ctx.store();
    const b = await ctx.another();
    const got: MailboxEvent[] = [];
    const off = b.events.subscribe((e) => got.push(e));
    const e1: MailboxEvent = { type: 'append', accountId: 1, mailboxId: 7, uid: 3, modseq: 9 };
    const e2: MailboxEvent = { type: 'expunge', accountId: 1, mailboxId: 7, uids: [1, 2], modseq: 10 };
    await a.events.publish(e1);
    await a.events.publish(e2);
    for (let i = 0; i < 100 && got.length < 2; i++) await sleep(20);
    off();
    assert.deepEqual(got, [e1, e2]);
    // the publisher's own subscribers: at once, exactly once
    const local: MailboxEvent[] = [];
    const offLocal = a.events.subscribe((e) => local.push(e));
    await a.events.publish(e1);
    assert.deepEqual(local, [e1]);
    await sleep(100);
    offLocal();
    assert.deepEqual(local, [e1]);
  });

  test('queue: claims are exclusive, leases expire, attempts are recorded', async () => {
    const a = ctx.store();
    const b = await ctx.another();
    const blobId = await a.blobs.put(Buffer.from('queued message'));
    const id = await a.queue.enqueue({
      sender: 'from@here.test', blobId, size: 14, envid: 'E1', ret: 'HDRS', body: '8BITMIME',
      recipients: [{ address: 'x@there.test', orcpt: 'rfc822;x@there.test', notify: ['FAILURE', 'DELAY'] }, { address: 'y@there.test' }],
    });
    const now = Date.now() + 1000;
    const [ca, cb] = await Promise.all([a.queue.claimDue(now, 10, 'node-a', 60_000), b.queue.claimDue(now, 10, 'node-b', 60_000)]);
    const claimed = [...ca, ...cb].flatMap((m) => m.recipients.map((r) => r.id));
    assert.equal(claimed.length, new Set(claimed).size, 'no recipient claimed twice');
    const mine = ca.filter((m) => m.id === id).concat(cb.filter((m) => m.id === id));
    assert.equal(mine.flatMap((m) => m.recipients).length, 2);
    assert.deepEqual(await a.queue.claimDue(now, 10, 'node-a', 60_000).then((l) => l.filter((m) => m.id === id)), [], 'leased');
    const msg = await a.queue.get(id);
    assert.equal(msg?.envid, 'E1');
    assert.equal(msg?.body, '8BITMIME');
    const x = msg!.recipients.find((r) => r.address === 'x@there.test')!;
    assert.deepEqual(x.notify, ['FAILURE', 'DELAY']);
    assert.equal(x.orcpt, 'rfc822;x@there.test');
    const y = msg!.recipients.find((r) => r.address === 'y@there.test')!;
    await a.queue.recordAttempt(x.id, { state: 'delivered', reply: '250 ok', remoteMta: 'mx.there.test', at: now });
    await a.queue.recordAttempt(y.id, { state: 'deferred', reply: '451 later', remoteMta: 'mx.there.test', at: now, nextAttempt: now + 5000, delayNotified: true });
    const after = await b.queue.get(id);
    const y2 = after!.recipients.find((r) => r.id === y.id)!;
    assert.deepEqual([y2.state, y2.attempts, y2.nextAttempt, y2.lastReply, y2.delayNotified], ['deferred', 1, now + 5000, '451 later', true]);
    assert.deepEqual((await b.queue.claimDue(now, 10, 'node-b', 60_000)).filter((m) => m.id === id), [], 'not due yet');
    assert.equal(await a.queue.retryNow(id), 1);
    const again = (await b.queue.claimDue(Date.now() + 1000, 10, 'node-b', 1)).filter((m) => m.id === id);
    assert.deepEqual(again.flatMap((m) => m.recipients.map((r) => r.id)), [y.id]);
    await sleep(5);
    const expired = (await a.queue.claimDue(Date.now() + 1000, 10, 'node-a', 60_000)).filter((m) => m.id === id);
    assert.deepEqual(expired.flatMap((m) => m.recipients.map((r) => r.id)), [y.id], 'lease ran out');
    assert.equal(await a.queue.removeFinished() >= 0, true);
    assert.ok(await a.queue.get(id), 'still pending: kept');
    await a.queue.recordAttempt(y.id, { state: 'failed', reply: '550 no', remoteMta: null, at: Date.now() });
    assert.ok((await a.queue.removeFinished()) >= 1);
    assert.equal(await a.queue.get(id), null);
    const id2 = await a.queue.enqueue({ sender: '', blobId, size: 14, isBounce: true, recipients: [{ address: 'z@there.test' }] });
    assert.equal((await a.queue.list()).find((m) => m.id === id2)?.isBounce, true);
    await a.queue.remove(id2);
    assert.equal(await a.queue.get(id2), null);
  });
}
