/** \Recent mark (MailStore.claimRecent, RFC 3501 §2.3.2): shared by every store instance,
 *  so sessions on different nodes never both claim a message. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Ctx } from '../conformance.js';
import { freshAccount, inbox } from './helpers.js';

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
  });
}
