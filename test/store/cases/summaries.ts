/** Summary columns (MailStore.getSummaries / searchSubject / sortUids): filled from the
 *  parsed message at append, kept by COPY, used by SEARCH SUBJECT, SENT* and SORT. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseMessage } from '../../../src/mime/parse.js';
import type { NewMessage, Store } from '../../../src/store/types.js';
import type { Ctx } from '../conformance.js';
import { freshAccount, inbox } from './helpers.js';

async function parsed(s: Store, head: string, internalDate: number): Promise<NewMessage> {
  const raw = Buffer.from(`${head}\r\n\r\nbody\r\n`);
  return { blobId: await s.blobs.put(raw), size: raw.length, internalDate, flags: [], metadata: JSON.stringify(parseMessage(raw)), searchText: '' };
}

export function summaryCases(ctx: Ctx): void {
  test('summaries: subject search, sent dates and sort order from columns filled at append', async () => {
    const s = ctx.store();
    const acc = await freshAccount(s);
    const ib = await inbox(s, acc);
    const msgs = [
      // uid 1: encoded subject, no Date: (DATE sorts by internal date)
      await parsed(s, 'From: "Zed" <zed@example.test>\r\nSubject: =?utf-8?q?Gr=C3=BC=C3=9Fe_aus_K=C3=B6ln?=', Date.UTC(2024, 0, 5)),
      // uid 2: "Re: [list] Report", a Date: in another zone than UTC on a different day
      await parsed(s, 'From: alice@example.test\r\nTo: Bob <bob@example.test>\r\nSubject: Re: [list] Report\r\nDate: Tue, 2 Jan 2024 23:30:00 -0500\r\nMessage-ID: <m2@example.test>', Date.UTC(2024, 0, 9)),
      // uid 3
      await parsed(s, 'From: Bob <bob@example.test>\r\nSubject: report\r\nDate: Mon, 1 Jan 2024 10:00:00 +0000', Date.UTC(2024, 0, 1)),
      // uid 4: metadata a store written by hand might hold
      { ...(await parsed(s, 'Subject: x', 0)), metadata: '{}', internalDate: Date.UTC(2024, 0, 3) },
    ];
    await s.mail.append(msgs.map((message) => ({ mailboxId: ib, message })));
    assert.deepEqual(await s.mail.searchSubject(ib, 'REPORT'), [2, 3]);
    assert.deepEqual(await s.mail.searchSubject(ib, 'grÜße'), [1], 'decoded and case-insensitive beyond ASCII');
    assert.deepEqual(await s.mail.searchSubject(ib, 'nothing'), []);
    const sums = await s.mail.getSummaries(ib, [[1, Infinity]]);
    assert.deepEqual(sums.map((m) => [m.uid, m.sentDate, m.sentDay]), [
      [1, null, null],
      [2, Date.UTC(2024, 0, 3, 4, 30), Date.UTC(2024, 0, 2)],
      [3, Date.UTC(2024, 0, 1, 10), Date.UTC(2024, 0, 1)],
      [4, null, null],
    ]);
    assert.deepEqual((await s.mail.getSummaries(ib, [[2, 3]])).map((m) => [m.uid, m.size]), [[2, msgs[1].size], [3, msgs[2].size]]);
    const order = (key: 'DATE' | 'SUBJECT' | 'FROM' | 'DISPLAYFROM' | 'SIZE', reverse = false) => s.mail.sortUids(ib, [{ key, reverse }]);
    // DATE: sent date, else internal date: 3 (Jan 1), 4 (Jan 3 internal), 2 (Jan 3 04:30 sent), 1 (Jan 5 internal)
    assert.deepEqual(await order('DATE'), [3, 4, 2, 1]);
    assert.deepEqual(await order('DATE', true), [1, 2, 4, 3]);
    // SUBJECT: base subjects "" (4 has '{}'), "GRÜSSE AUS KÖLN", "REPORT" twice (2 is "Re: [list] Report"):
    // ties stay in UID order, also reversed (RFC 5256 §3)
    assert.deepEqual(await order('SUBJECT'), [4, 1, 2, 3]);
    assert.deepEqual(await order('SUBJECT', true), [2, 3, 1, 4]);
    // FROM: mailbox part: "" (4), ALICE, BOB, ZED; DISPLAYFROM: "" , ALICE@EXAMPLE.TEST, BOB, ZED
    assert.deepEqual(await order('FROM'), [4, 2, 3, 1]);
    assert.deepEqual(await order('DISPLAYFROM'), [4, 2, 3, 1]);
    // copies keep the columns
    const sent = (await s.mail.getMailbox(acc.id, 'Sent'))!.id;
    await s.mail.copy(ib, [[1, 2]], sent);
    assert.deepEqual(await s.mail.searchSubject(sent, 'köln'), [1]);
    assert.deepEqual(await s.mail.sortUids(sent, [{ key: 'DATE', reverse: false }]), [2, 1]);
  });
}
