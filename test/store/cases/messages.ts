/** Message contract: UID/MODSEQ assignment, reads by UID and sequence, STORE with
 *  UNCHANGEDSINCE, expunge tombstones and changesSince, copy/move mapping with a shared
 *  blob, quota, full-text substring search. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Store } from '../../../src/store/types.js';
import type { Ctx } from '../conformance.js';
import { appendN, freshAccount, inbox, newMessage, reason, sleep } from './helpers.js';

export function messageCases(ctx: Ctx): void {
  test('append: UIDs strictly increase, MODSEQ grows, batch spans mailboxes', async () => {
    const s = ctx.store();
    const acc = await freshAccount(s);
    const ib = await inbox(s, acc);
    const sent = (await s.mail.getMailbox(acc.id, 'Sent'))!.id;
    const before = await s.mail.getMailboxById(ib);
    const r = await s.mail.append([
      { mailboxId: ib, message: await newMessage(s, 'one', ['\\Seen', 'Work']) },
      { mailboxId: sent, message: await newMessage(s, 'two') },
      { mailboxId: ib, message: await newMessage(s, 'three', ['\\flagged']) },
    ]);
    assert.deepEqual(r.map((x) => [x.mailboxId, x.uid]), [[ib, 1], [sent, 1], [ib, 2]]);
    assert.ok(r[0].modseq > before!.highestModseq && r[2].modseq > r[0].modseq);
    const after = await s.mail.getMailboxById(ib);
    assert.equal(after?.uidNext, 3);
    assert.equal(after?.highestModseq, r[2].modseq);
    const flags = await s.mail.listFlags(ib);
    assert.deepEqual(flags.map((f) => f.flags), [['\\Seen', 'Work'], ['\\Flagged']]);
    const st = await s.mail.status(ib);
    assert.equal(st.messages, 2);
    assert.equal(st.unseen, 1);
    assert.equal(st.uidNext, 3);
    assert.ok(st.size > 0);
    const more = await appendN(s, ib, 3);
    assert.deepEqual(more, [3, 4, 5]);
    const rows = await s.mail.getMessages(ib, [[2, 3], [5, Infinity]]);
    assert.deepEqual(rows.map((m) => m.uid), [2, 3, 5]);
    assert.equal(rows[0].metadata, '{}');
    assert.equal((await s.blobs.get(rows[0].blobId)).length, rows[0].size);
    assert.deepEqual((await s.mail.getMessagesBySeq(ib, 2, 4)).map((m) => m.uid), [2, 3, 4]);
    const sparse: Array<[number, number]> = Array.from({ length: 40 }, (_, i) => [i * 2 + 1, i * 2 + 1]);
    assert.deepEqual((await s.mail.getMessages(ib, sparse)).map((m) => m.uid), [1, 3, 5]);
    assert.equal(await reason(s.mail.append([{ mailboxId: 999999999, message: await newMessage(s, 'x') }])), 'not-found');
  });

  test('getMessageHeads and getMetadata: the row without its metadata, its length in octets, the metadata by UID', async () => {
    const s = ctx.store();
    const acc = await freshAccount(s);
    const ib = await inbox(s, acc);
    const metadata = JSON.stringify({ subject: 'Grüße – 日本', text: 'x'.repeat(10_000) });
    await s.mail.append([
      { mailboxId: ib, message: await newMessage(s, 'one', ['\\Seen', 'Work']) },
      { mailboxId: ib, message: { ...(await newMessage(s, 'two')), metadata } },
      { mailboxId: ib, message: await newMessage(s, 'three') },
    ]);
    const full = await s.mail.getMessages(ib, [[1, Infinity]]);
    const heads = await s.mail.getMessageHeads(ib, [[1, 2], [3, Infinity]]);
    assert.deepEqual(heads, full.map(({ metadata: m, ...head }) => ({ ...head, metadataOctets: Buffer.byteLength(m) })));
    assert.equal(heads[1].metadataOctets, Buffer.byteLength(metadata));
    // a span small enough to go by what the store remembers of each message
    assert.deepEqual(await s.mail.getMessageHeads(ib, [[1, 3]]), heads);
    assert.ok(!('metadata' in heads[0]));
    const sparse: Array<[number, number]> = Array.from({ length: 40 }, (_, i) => [i * 2 + 1, i * 2 + 1]);
    assert.deepEqual((await s.mail.getMessageHeads(ib, sparse)).map((m) => m.uid), [1, 3]);
    assert.deepEqual(await s.mail.getMetadata(ib, [[2, 3]]), new Map([[2, metadata], [3, '{}']]));
    assert.deepEqual(await s.mail.getMetadata(ib, sparse), new Map([[1, '{}'], [3, '{}']]));
    assert.deepEqual(await s.mail.getMessageHeads(ib, [[7, 9]]), []);
  });

  test('getMessageHeads read again: flags and MODSEQ as they are now, expunged messages gone, any span alike', async () => {
    const s = ctx.store();
    const other = await ctx.another();
    const ib = await inbox(s, await freshAccount(s));
    await appendN(s, ib, 4);
    const asRows = async () => (await s.mail.getMessages(ib, [[1, Infinity]])).map(({ metadata: m, ...head }) => ({ ...head, metadataOctets: Buffer.byteLength(m) }));
    assert.deepEqual(await s.mail.getMessageHeads(ib, [[1, 4]]), await asRows());
    // the same heads again, after this store and another changed flags
    await s.mail.storeFlags(ib, [[2, 2]], 'add', ['\\Flagged']);
    await other.mail.storeFlags(ib, [[3, 3]], 'add', ['\\Seen', 'Later']);
    const again = await s.mail.getMessageHeads(ib, [[1, 4]]);
    assert.deepEqual(again, await asRows());
    assert.deepEqual(again.map((h) => h.flags), [[], ['\\Flagged'], ['\\Seen', 'Later'], []]);
    await other.mail.storeFlags(ib, [[1, 1]], 'add', ['\\Deleted']);
    await other.mail.expunge(ib);
    await appendN(s, ib, 2);
    const now = await asRows();
    assert.deepEqual(now.map((h) => h.uid), [2, 3, 4, 5, 6]);
    assert.deepEqual(await s.mail.getMessageHeads(ib, [[1, 6]]), now, 'a small span');
    assert.deepEqual(await s.mail.getMessageHeads(ib, [[1, Infinity]]), now, 'a span too large to go by the memo');
    assert.deepEqual(await s.mail.getMessageHeads(ib, [[1, 1], [4, 5]]), now.filter((h) => h.uid === 4 || h.uid === 5));
  });

  test('storeFlags: add/remove/replace, keywords case-insensitive, UNCHANGEDSINCE', async () => {
    const s = ctx.store();
    const acc = await freshAccount(s);
    const ib = await inbox(s, acc);
    await appendN(s, ib, 4);
    const r1 = await s.mail.storeFlags(ib, [[1, 2]], 'add', ['\\Seen', '$Label']);
    assert.deepEqual(r1.updated.map((u) => [u.uid, u.flags]), [[1, ['\\Seen', '$Label']], [2, ['\\Seen', '$Label']]]);
    const m1 = r1.updated[0].modseq;
    const again = await s.mail.storeFlags(ib, [[1, 1]], 'add', ['\\seen', '$label']);
    assert.deepEqual(again.updated, [], 'no change, no new MODSEQ');
    const r2 = await s.mail.storeFlags(ib, [[2, 2]], 'remove', ['$LABEL']);
    assert.deepEqual(r2.updated.map((u) => u.flags), [['\\Seen']]);
    assert.ok(r2.updated[0].modseq > m1);
    // RFC 7162 §3.1.3: message 2 changed after m1, so it is reported, not touched.
    const r3 = await s.mail.storeFlags(ib, [[1, 3]], 'replace', ['\\Answered'], m1);
    assert.deepEqual(r3.modified, [2]);
    assert.deepEqual(r3.updated.map((u) => u.uid), [1, 3]);
    const flags = await s.mail.listFlags(ib);
    assert.deepEqual(flags.map((f) => f.flags), [['\\Answered'], ['\\Seen'], ['\\Answered'], []]);
    const ch = await s.mail.changesSince(ib, r2.updated[0].modseq);
    assert.deepEqual(ch.changed.map((c) => c.uid), [1, 3]);
    assert.deepEqual(ch.expunged, []);
  });

  test('changesSince: changed messages and expunged UIDs by ascending UID, whatever order they changed in', async () => {
    const s = ctx.store();
    const { ib, mark } = await filledInbox(s, 6);
    await s.mail.storeFlags(ib, [[5, 5]], 'add', ['\\Seen']);
    await s.mail.storeFlags(ib, [[4, 4]], 'add', ['\\Deleted']);
    await s.mail.expunge(ib);
    await s.mail.storeFlags(ib, [[1, 1]], 'add', ['\\Flagged']);
    await s.mail.storeFlags(ib, [[2, 2]], 'add', ['\\Deleted']);
    await s.mail.expunge(ib);
    assert.deepEqual(await appendN(s, ib, 1), [7]);
    await s.mail.storeFlags(ib, [[3, 3]], 'add', ['\\Answered']);
    const ch = await s.mail.changesSince(ib, mark);
    assert.deepEqual(ch.changed.map((c) => c.uid), [1, 3, 5, 7]);
    assert.deepEqual(ch.expunged, [2, 4]);
  });

  test('expunge leaves tombstones; removeMessages; UIDs never reused', async () => {
    const s = ctx.store();
    const { ib, mark } = await filledInbox(s, 5);
    await s.mail.storeFlags(ib, [[2, 4]], 'add', ['\\Deleted']);
    assert.deepEqual(await s.mail.expunge(ib, [[1, 3]]), [2, 3]);
    assert.deepEqual(await s.mail.expunge(ib), [4]);
    assert.deepEqual(await s.mail.removeMessages(ib, [5, 99]), [5]);
    assert.deepEqual((await s.mail.listFlags(ib)).map((f) => f.uid), [1]);
    const ch = await s.mail.changesSince(ib, mark);
    assert.deepEqual(ch.expunged, [2, 3, 4, 5]);
    assert.ok((await s.mail.getMailboxById(ib))!.highestModseq > mark);
    assert.deepEqual(await appendN(s, ib, 1), [6]);
    assert.deepEqual((await s.mail.getMessagesBySeq(ib, 1, 2)).map((m) => m.uid), [1, 6]);
  });

  test('copy and move: UID mapping, same blob, flags kept, move leaves tombstones', async () => {
    const s = ctx.store();
    const acc = await freshAccount(s);
    const ib = await inbox(s, acc);
    const arch = (await s.mail.getMailbox(acc.id, 'Archive'))!.id;
    await appendN(s, ib, 4, 'copyme');
    await s.mail.storeFlags(ib, [[2, 2]], 'add', ['\\Flagged', 'Kw']);
    const map = await s.mail.copy(ib, [[2, 3]], arch);
    assert.deepEqual(map, [[2, 1], [3, 2]]);
    const src = await s.mail.getMessages(ib, [[2, 2]]);
    const dst = await s.mail.getMessages(arch, [[1, 1]]);
    assert.equal(dst[0].blobId, src[0].blobId, 'blob shared, not copied');
    assert.deepEqual(dst[0].flags, ['\\Flagged', 'Kw']);
    assert.deepEqual(await s.mail.searchText(arch, 'copyme'), [1, 2], 'index filled at copy');
    const mark = (await s.mail.getMailboxById(ib))!.highestModseq;
    const moved = await s.mail.move(ib, [[1, 1], [4, 4]], arch);
    assert.deepEqual(moved, [[1, 3], [4, 4]]);
    assert.deepEqual((await s.mail.listFlags(ib)).map((f) => f.uid), [2, 3]);
    assert.deepEqual((await s.mail.changesSince(ib, mark)).expunged, [1, 4]);
    assert.deepEqual(await s.mail.copy(ib, [[50, 60]], arch), []);
  });

  test('quota: an append that would exceed it stores nothing', async () => {
    const s = ctx.store();
    const acc = await freshAccount(s, { quota: 100 });
    const ib = await inbox(s, acc);
    const small = await newMessage(s, 'small');
    await s.mail.append([{ mailboxId: ib, message: small }]);
    const big = { ...(await newMessage(s, 'big')), size: 90 };
    assert.equal(await reason(s.mail.append([{ mailboxId: ib, message: small }, { mailboxId: ib, message: big }])), 'quota');
    assert.deepEqual(await s.mail.quotaUsage(acc.id), { bytes: small.size, messages: 1 });
    assert.equal((await s.mail.getMailboxById(ib))!.uidNext, 2, 'nothing assigned');
    const trash = (await s.mail.getMailbox(acc.id, 'Trash'))!.id;
    await s.mail.append([{ mailboxId: ib, message: { ...small, size: 60 } }]);
    assert.equal(await reason(s.mail.copy(ib, [[1, 2]], trash)), 'quota', 'a copy adds octets');
    assert.deepEqual(await s.mail.move(ib, [[1, 2]], trash), [[1, 1], [2, 2]], 'a move within the account does not');
    await s.mail.renameMailbox(acc.id, 'Trash', 'Bin');
    await s.mail.move(trash, [[1, 2]], ib);
    await s.mail.renameMailbox(acc.id, 'INBOX', 'Old');
    assert.equal((await s.mail.quotaUsage(acc.id)).messages, 2);
  });

  test('searchText: case-insensitive substrings, every word must match', async () => {
    const s = ctx.store();
    const acc = await freshAccount(s);
    const ib = await inbox(s, acc);
    await s.mail.append([
      { mailboxId: ib, message: await newMessage(s, 'a', [], 'Quarterly Report from Zürich office') },
      { mailboxId: ib, message: await newMessage(s, 'b', [], 'lunch menu: pizza') },
      { mailboxId: ib, message: await newMessage(s, 'c', [], 'The REPORTING tool is down') },
    ]);
    assert.deepEqual(await s.mail.searchText(ib, 'report'), [1, 3]);
    assert.deepEqual(await s.mail.searchText(ib, 'PORT zür'), [1]);
    assert.deepEqual(await s.mail.searchText(ib, 'izz'), [2]);
    assert.deepEqual(await s.mail.searchText(ib, 'is'), [3]);
    assert.deepEqual(await s.mail.searchText(ib, '50%'), []);
    assert.deepEqual(await s.mail.searchText(ib, 'report "x'), []);
    await s.mail.removeMessages(ib, [1]);
    assert.deepEqual(await s.mail.searchText(ib, 'report'), [3]);
  });

  test('searchText sees every committed message, whether its text is indexed yet or not', async () => {
    // SQLite indexes search text after deliveries pause (sql/text-indexer.ts); a search,
    // a copy or an expunge must not notice the lag
    const s = ctx.store();
    const acc = await freshAccount(s);
    const ib = await inbox(s, acc);
    await s.mail.append([
      { mailboxId: ib, message: await newMessage(s, 'p1', [], 'pending walrus one') },
      { mailboxId: ib, message: await newMessage(s, 'p2', [], 'pending walrus two') },
    ]);
    await s.mail.removeMessages(ib, [1]); // text removed before it was ever indexed
    const other = await s.mail.createMailbox(acc.id, 'Other');
    await s.mail.copy(ib, [[2, 2]], other.id);
    assert.deepEqual(await s.mail.searchText(ib, 'walrus'), [2]);
    assert.deepEqual(await s.mail.searchText(other.id, 'walrus two'), [1]);
    await s.mail.append([{ mailboxId: ib, message: await newMessage(s, 'p3', [], 'later walrus three') }]);
    await sleep(400); // deliveries paused: indexed in the background
    assert.deepEqual(await s.mail.searchText(ib, 'walrus'), [2, 3]);
    await s.mail.deleteMailbox(acc.id, 'Other');
    assert.deepEqual(await s.mail.searchText(ib, 'three'), [3]);
  });
}

/** A fresh account's INBOX holding `n` messages, and its HIGHESTMODSEQ then. */
async function filledInbox(s: Store, n: number): Promise<{ ib: number; mark: number }> {
  const ib = await inbox(s, await freshAccount(s));
  await appendN(s, ib, n);
  return { ib, mark: (await s.mail.getMailboxById(ib))!.highestModseq };
}
