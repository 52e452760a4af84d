/** \Recent mark (MailStore.claimRecent, RFC 3501 §2.3.2): shared by every store instance,
 *  so sessions on different nodes never both claim a message. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Ctx } from '../conformance.js';
import { appendN, freshAccount, inbox } from './helpers.js';

export function recentCases(ctx: Ctx): void {
  test('claimRecent: the mark only rises, one claimer wins, every store instance sees it', async () => {
    const s = ctx.store();
    const other = await ctx.another();
    const acc = await freshAccount(s);
    const ib = await inbox(s, acc);
    assert.equal(await s.mail.claimRecent(ib, 0), 0, 'a new mailbox has claimed nothing');
    const claims = await Promise.all([s.mail.claimRecent(ib, 5), other.mail.claimRecent(ib, 5)]);
    assert.deepEqual(claims.sort(), [0, 5], 'exactly one of two concurrent claimers saw the old mark');
    assert.equal(await other.mail.claimRecent(ib, 3), 5, 'a lower claim leaves the mark');
    assert.equal(await s.mail.claimRecent(ib, 0), 5);
    assert.equal(await other.mail.claimRecent(ib, 9), 5);
    assert.equal(await s.mail.claimRecent(ib, 0), 9);
    assert.equal(await s.mail.claimRecent(999_999_999, 5), 0, 'no such mailbox: nothing claimed, no endless retry');
    // eight racing claimers: each gets the UIDs between the mark it saw and its own, and no
    // UID goes to two of them (RFC 3501 §2.3.2)
    const upTo = Array.from({ length: 8 }, (_, i) => 20 + i);
    const saw = await Promise.all(upTo.map((u, i) => (i % 2 ? s : other).mail.claimRecent(ib, u)));
    const claimed = upTo.flatMap((u, i) => Array.from({ length: Math.max(0, u - saw[i]) }, (_, k) => saw[i] + 1 + k));
    assert.deepEqual(claimed.sort((a, b) => a - b), Array.from({ length: 18 }, (_, k) => 10 + k));
    assert.equal(await s.mail.claimRecent(ib, 0), 27);
  });

  test('status counts the messages above the mark as unclaimed, and the mark as it stands', async () => {
    const s = ctx.store();
    const ib = await inbox(s, await freshAccount(s));
    assert.equal((await s.mail.status(ib)).unclaimed, 0, 'an empty mailbox');
    const uids = await appendN(s, ib, 5);
    assert.equal((await s.mail.status(ib)).unclaimed, 5);
    await s.mail.claimRecent(ib, uids[2]);
    assert.equal((await s.mail.status(ib)).unclaimed, 2);
    await s.mail.storeFlags(ib, [[uids[4], uids[4]]], 'add', ['\\Deleted']);
    await s.mail.expunge(ib);
    assert.equal((await s.mail.status(ib)).unclaimed, 1, 'an expunged message is no longer counted');
    await s.mail.claimRecent(ib, uids[4]);
    assert.equal((await s.mail.status(ib)).unclaimed, 0);
  });
}
