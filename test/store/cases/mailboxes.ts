/** Mailbox contract: create with parents, duplicates, INBOX in any case, rename with
 *  children, rename of INBOX (RFC 3501 §6.3.5), delete, subscriptions apart from
 *  mailboxes (RFC 3501 §6.3.6), status. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Ctx } from '../conformance.js';
import { appendN, freshAccount, inbox, reason } from './helpers.js';

export function mailboxCases(ctx: Ctx): void {
  test('create makes missing parents; duplicates and bad names refused; INBOX any case', async () => {
    const s = ctx.store();
    const acc = await freshAccount(s);
    const c = await s.mail.createMailbox(acc.id, 'Work/2026/Q1/');
    assert.equal(c.name, 'Work/2026/Q1');
    assert.equal(c.uidNext, 1);
    const names = (await s.mail.listMailboxes(acc.id)).map((m) => m.name);
    for (const n of ['Work', 'Work/2026', 'Work/2026/Q1']) assert.ok(names.includes(n), n);
    assert.equal(await reason(s.mail.createMailbox(acc.id, 'Work/2026')), 'duplicate');
    assert.equal(await reason(s.mail.createMailbox(acc.id, 'inbox')), 'duplicate');
    assert.equal(await reason(s.mail.createMailbox(acc.id, 'a//b')), 'invalid');
    assert.equal((await s.mail.getMailbox(acc.id, 'iNbOx'))?.name, 'INBOX');
    assert.equal(await s.mail.getMailbox(acc.id, 'work'), null, 'other names are case-sensitive');
    const byId = await s.mail.getMailboxById(c.id);
    assert.equal(byId?.name, 'Work/2026/Q1');
    await s.mail.setSubscribed(acc.id, 'Work', true);
    assert.equal((await s.mail.getMailbox(acc.id, 'Work'))?.subscribed, true);
    assert.equal(await reason(s.mail.setSubscribed(acc.id, 'Nope', true)), 'not-found');
  });

  test('subscriptions are names of their own: kept over delete and rename, listed apart', async () => {
    const s = ctx.store();
    const acc = await freshAccount(s);
    const base = await s.mail.listSubscriptions(acc.id); // the default special-use mailboxes
    await s.mail.createMailbox(acc.id, 'Lists/Gone');
    await s.mail.createMailbox(acc.id, 'Lists/Kept');
    await s.mail.setSubscribed(acc.id, 'Lists/Gone', true);
    await s.mail.setSubscribed(acc.id, 'Lists/Gone', true); // idempotent
    await s.mail.deleteMailbox(acc.id, 'Lists/Gone');
    const subs = await s.mail.listSubscriptions(acc.id);
    assert.deepEqual(subs.filter((n) => !base.includes(n)), ['Lists/Gone'], 'RFC 3501 §6.3.6: deleting keeps the subscription');
    const again = await s.mail.createMailbox(acc.id, 'Lists/Gone');
    assert.equal(again.subscribed, true, 'a re-created mailbox of a subscribed name shows subscribed');
    await s.mail.renameMailbox(acc.id, 'Lists/Gone', 'Lists/Moved');
    assert.equal((await s.mail.getMailbox(acc.id, 'Lists/Moved'))?.subscribed, false, 'rename leaves the subscription with the name');
    assert.ok((await s.mail.listSubscriptions(acc.id)).includes('Lists/Gone'));
    await s.mail.setSubscribed(acc.id, 'Lists/Gone', false);
    await s.mail.setSubscribed(acc.id, 'Never/Subscribed', false); // unsubscribing any name succeeds
    assert.deepEqual((await s.mail.listSubscriptions(acc.id)).filter((n) => !base.includes(n)), []);
    assert.equal((await s.mail.getMailbox(acc.id, 'Lists/Kept'))?.subscribed, false);
  });

  test('a re-created mailbox gets a new UIDVALIDITY', async () => {
    const s = ctx.store();
    const acc = await freshAccount(s);
    const a = await s.mail.createMailbox(acc.id, 'Temp');
    await s.mail.deleteMailbox(acc.id, 'Temp');
    const b = await s.mail.createMailbox(acc.id, 'Temp');
    assert.notEqual(a.uidValidity, b.uidValidity);
  });

  test('rename moves children and keeps messages; destination conflicts refused', async () => {
    const s = ctx.store();
    const acc = await freshAccount(s);
    const p = await s.mail.createMailbox(acc.id, 'Projects');
    const child = await s.mail.createMailbox(acc.id, 'Projects/Alpha');
    await appendN(s, child.id, 2);
    await s.mail.createMailbox(acc.id, 'Other');
    assert.equal(await reason(s.mail.renameMailbox(acc.id, 'Projects', 'Other')), 'duplicate');
    assert.equal(await reason(s.mail.renameMailbox(acc.id, 'Missing', 'X')), 'not-found');
    await s.mail.renameMailbox(acc.id, 'Projects', 'Archive/Old/Projects');
    const names = (await s.mail.listMailboxes(acc.id)).map((m) => m.name);
    assert.ok(names.includes('Archive/Old'), 'parent created');
    assert.ok(names.includes('Archive/Old/Projects/Alpha'));
    assert.ok(!names.includes('Projects') && !names.includes('Projects/Alpha'));
    const moved = await s.mail.getMailbox(acc.id, 'Archive/Old/Projects/Alpha');
    assert.equal(moved?.id, child.id, 'same mailbox, same UIDVALIDITY');
    assert.equal((await s.mail.listFlags(child.id)).length, 2);
    assert.equal((await s.mail.getMailboxById(p.id))?.name, 'Archive/Old/Projects');
  });

  test('renaming INBOX moves its messages to a new mailbox and leaves INBOX empty', async () => {
    const s = ctx.store();
    const acc = await freshAccount(s);
    const ib = await inbox(s, acc);
    await appendN(s, ib, 3);
    await s.mail.createMailbox(acc.id, 'INBOX/Child');
    await s.mail.renameMailbox(acc.id, 'inbox', 'Old Mail');
    const old = await s.mail.getMailbox(acc.id, 'Old Mail');
    assert.ok(old);
    assert.deepEqual((await s.mail.listFlags(old.id)).map((m) => m.uid), [1, 2, 3]);
    assert.equal((await s.mail.status(ib)).messages, 0);
    assert.ok(await s.mail.getMailbox(acc.id, 'INBOX'));
    assert.ok(await s.mail.getMailbox(acc.id, 'INBOX/Child'), "INBOX's children stay");
    const next = await appendN(s, ib, 1);
    assert.equal(next[0], 4, 'INBOX UIDs are not reused');
  });

  test('delete removes the mailbox and its messages, keeps children, refuses INBOX', async () => {
    const s = ctx.store();
    const acc = await freshAccount(s);
    const parent = await s.mail.createMailbox(acc.id, 'P');
    await s.mail.createMailbox(acc.id, 'P/C');
    await appendN(s, parent.id, 2);
    await s.mail.deleteMailbox(acc.id, 'P');
    assert.equal(await s.mail.getMailbox(acc.id, 'P'), null);
    assert.ok(await s.mail.getMailbox(acc.id, 'P/C'));
    assert.deepEqual(await s.mail.quotaUsage(acc.id), { bytes: 0, messages: 0 });
    assert.equal(await reason(s.mail.deleteMailbox(acc.id, 'INBOX')), 'invalid');
    assert.equal(await reason(s.mail.deleteMailbox(acc.id, 'P')), 'not-found');
  });
}
