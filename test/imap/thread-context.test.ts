/**
 * THREAD (RFC 5256 §3), ESORT and contexts (RFC 5267 §3–4) and subscriptions kept apart from
 * mailboxes (RFC 3501 §6.3.6, RFC 5258), over the wire, beyond what the imaptest scripts check.
 */
import { test } from 'node:test';
import { expectLines, startTestServer, type TestServer } from './support/harness.js';

function msg(h: Record<string, string>): string {
  return `${Object.entries(h).map(([k, v]) => `${k}: ${v}`).join('\r\n')}\r\n\r\nbody\r\n`;
}

async function withServer(fn: (t: TestServer) => Promise<void>): Promise<void> {
  const t = await startTestServer();
  try {
    await fn(t);
  } finally {
    await t.close();
  }
}

const day = (d: number) => ({ internalDate: Date.UTC(2024, 0, d) });

test('THREAD REFERENCES: references, In-Reply-To, dummies, subject merging, UID THREAD, search criteria', () => withServer(async (t) => {
  await t.deliver(msg({ 'Message-ID': '<root@x>', Subject: 'Plans' }), day(1));
  await t.deliver(msg({ 'Message-ID': '<r1@x>', 'In-Reply-To': '<root@x> (sent by Bob)', Subject: 'Re: Plans' }), day(2));
  await t.deliver(msg({ 'Message-ID': '<r2@x>', References: '<root@x> <r1@x>', Subject: 'Re: Plans' }), day(3));
  // Two replies to a message we do not have: a dummy parent with two children.
  await t.deliver(msg({ 'Message-ID': '<o1@x>', References: '<lost@x>', Subject: 'Other' }), day(4));
  await t.deliver(msg({ 'Message-ID': '<o2@x>', References: '<lost@x>', Subject: 'Re: Other' }), day(5));
  // No references, but "Re:" of an existing subject: merged under it (step 5).
  await t.deliver(msg({ 'Message-ID': '<late@x>', Subject: 'Re: Plans' }), day(6));
  // References that point at each other: no loop is made; the later message's own
  // reference would close one, so it stays the root (step 1.B).
  await t.deliver(msg({ 'Message-ID': '<l1@x>', References: '<l2@x>', Subject: 'Loop' }), day(7));
  await t.deliver(msg({ 'Message-ID': '<l2@x>', References: '<l1@x>', Subject: 'Loop' }), day(8));
  const c = await t.connect();
  await c.ok('SELECT INBOX');
  expectLines(await c.send('THREAD REFERENCES UTF-8 ALL'), [/^\* THREAD \(1 \(2 3\)\(6\)\)\(\(4\)\(5\)\)\(8 7\)$/, /^t\d+ OK/]);
  await c.ok('STORE 1 +FLAGS (\\Seen)');
  // Without message 1, <root@x> is a dummy; two replies of one subject share a new dummy.
  expectLines(await c.send('UID THREAD REFERENCES US-ASCII UNSEEN'), [/^\* THREAD \(\(2 3\)\(6\)\)\(\(4\)\(5\)\)\(8 7\)$/, /^t\d+ OK/]);
  expectLines(await c.send('THREAD REFERENCES UTF-8 SUBJECT nothing-like-this'), [/^\* THREAD$/, /^t\d+ OK/]);
  expectLines(await c.send('THREAD REFS UTF-8 ALL'), [/^t\d+ BAD/]);
  expectLines(await c.send('THREAD REFERENCES KOI8-R ALL'), [/^t\d+ NO \[BADCHARSET/]);
}));

test('THREAD ORDEREDSUBJECT: one thread per base subject, children flat, threads by first date', () => withServer(async (t) => {
  await t.deliver(msg({ Subject: 'b', Date: 'Mon, 1 Jan 2024 10:00:00 +0000' }), day(1));
  await t.deliver(msg({ Subject: 'Re: a', Date: 'Mon, 1 Jan 2024 09:00:00 +0000' }), day(2));
  await t.deliver(msg({ Subject: 'Fwd: b', Date: 'Mon, 1 Jan 2024 11:00:00 +0000' }), day(3));
  await t.deliver(msg({ Subject: 'A', Date: 'Mon, 1 Jan 2024 12:00:00 +0000' }), day(4));
  await t.deliver(msg({ Subject: 'b' }), day(5)); // no Date: the internal date stands in
  const c = await t.connect();
  await c.ok('SELECT INBOX');
  expectLines(await c.send('THREAD ORDEREDSUBJECT UTF-8 ALL'), [/^\* THREAD \(2 4\)\(1 \(3\)\(5\)\)$/, /^t\d+ OK/]);
}));

test('ESORT: MIN/MAX/ALL in sort order, COUNT, PARTIAL; PARTIAL with ALL is refused', () => withServer(async (t) => {
  for (const [i, s] of ['c', 'a', 'd', 'b'].entries()) await t.deliver(msg({ Subject: s }), day(i + 1));
  const c = await t.connect();
  await c.ok('SELECT INBOX');
  expectLines(await c.send('SORT RETURN (MIN MAX ALL COUNT) (SUBJECT) UTF-8 ALL'), [/^\* ESEARCH \(TAG "t\d+"\) MIN 2 MAX 3 ALL 2,4,1,3 COUNT 4$/]);
  expectLines(await c.send('UID SORT RETURN () (REVERSE SUBJECT) UTF-8 ALL'), [/^\* ESEARCH \(TAG "t\d+"\) UID ALL 3,1,4,2$/]);
  expectLines(await c.send('SORT RETURN (PARTIAL 3:2) (SUBJECT) UTF-8 ALL'), [/^\* ESEARCH \(TAG "t\d+"\) PARTIAL \(2:3 4,1\)$/]);
  expectLines(await c.send('SORT RETURN (PARTIAL 5:9) (SUBJECT) UTF-8 ALL'), [/^\* ESEARCH \(TAG "t\d+"\) PARTIAL \(5:9 NIL\)$/]);
  expectLines(await c.send('SORT RETURN (PARTIAL 1:2 ALL) (SUBJECT) UTF-8 ALL'), [/^t\d+ BAD/]);
  expectLines(await c.send('SEARCH RETURN (PARTIAL 0:2) ALL'), [/^t\d+ BAD/]);
}));

test('CONTEXT=SEARCH: another session\'s changes come as ADDTO/REMOVEFROM, REMOVEFROM before EXPUNGE; CANCELUPDATE', () => withServer(async (t) => {
  for (let i = 1; i <= 3; i++) await t.deliver(msg({ Subject: `m${i}` }), day(i));
  const a = await t.connect();
  const b = await t.connect();
  await a.ok('SELECT INBOX');
  await b.ok('SELECT INBOX');
  a.write('s1 SEARCH RETURN (UPDATE COUNT) FLAGGED\r\n');
  expectLines(await a.until('s1'), [/^\* ESEARCH \(TAG "s1"\) COUNT 0$/, /^s1 OK/]);
  expectLines(await a.send('UID SEARCH RETURN (UPDATE) FLAGGED', 'u1'), [/^\* ESEARCH \(TAG "u1"\) UID$/, /^u1 OK/]);
  await b.ok('STORE 1,3 +FLAGS (\\Flagged)');
  expectLines(await a.send('NOOP'), [/^\* 1 FETCH/, /^\* ESEARCH \(TAG "s1"\) ADDTO \(0 1,3\)$/, /^\* ESEARCH \(TAG "u1"\) UID ADDTO \(0 1,3\)$/, /^t\d+ OK/]);
  await b.ok('STORE 1 +FLAGS (\\Deleted)');
  await b.ok('EXPUNGE');
  expectLines(await a.send('NOOP'), [/^\* ESEARCH \(TAG "s1"\) REMOVEFROM \(0 1\)$/, /^\* 1 EXPUNGE$/, /^t\d+ OK/]);
  await b.ok('APPEND INBOX (\\Flagged) {13}\r\nSubject: m4\r\n');
  expectLines(await a.send('NOOP'), [/^\* 3 EXISTS$/, /^\* ESEARCH \(TAG "s1"\) ADDTO \(0 3\)$/, /^\* ESEARCH \(TAG "u1"\) UID ADDTO \(0 4\)$/, /^t\d+ OK/]);
  // While IDLE, as the change happens.
  a.write('i1 IDLE\r\n');
  expectLines([await a.line()], [/^\+ /]);
  await b.ok('STORE 1 +FLAGS (\\Flagged)');
  expectLines([await a.line(), await a.line(), await a.line()], [/^\* 1 FETCH/, /^\* ESEARCH \(TAG "s1"\) ADDTO \(0 1\)$/, /^\* ESEARCH \(TAG "u1"\) UID ADDTO \(0 2\)$/]);
  a.write('DONE\r\n');
  expectLines(await a.until('i1'), [/^i1 OK/]);
  await b.ok('STORE 1 -FLAGS (\\Flagged)');
  expectLines(await a.send('NOOP'), [/^\* ESEARCH \(TAG "s1"\) REMOVEFROM \(0 1\)$/, /^t\d+ OK/]);
  // This session's own STORE is reported before its tagged OK.
  expectLines(await a.send('STORE 1 +FLAGS (\\Flagged)'), [/^\* 1 FETCH/, /^\* ESEARCH \(TAG "s1"\) ADDTO \(0 1\)$/, /^t\d+ OK/]);
  expectLines(await a.send('SEARCH RETURN (UPDATE) ALL', 's1'), [/^s1 BAD/]);
  expectLines(await a.send('CANCELUPDATE "s1" "nope"'), [/^t\d+ NO/]);
  await a.ok('CANCELUPDATE "s1" "u1"');
  await b.ok('STORE 2 -FLAGS (\\Flagged)');
  const quiet = await a.send('NOOP');
  expectLines(quiet, [/^\* 2 FETCH/, /^t\d+ OK/]);
  if (quiet.some((l) => l.includes('ESEARCH'))) throw new Error(`cancelled context still updated:\n${quiet.join('\n')}`);
  await a.ok('UNSELECT');
  expectLines(await a.send('CANCELUPDATE "u1"'), [/^t\d+ BAD/]);
}));

test('CONTEXT=SORT: additions and removals carry their positions in the sorted result', () => withServer(async (t) => {
  await t.deliver(msg({ Subject: 'b' }), day(1));
  await t.deliver(msg({ Subject: 'd' }), day(2));
  const a = await t.connect();
  const b = await t.connect();
  await a.ok('SELECT INBOX');
  await b.ok('SELECT INBOX');
  expectLines(await a.send('SORT RETURN (UPDATE ALL) (SUBJECT) UTF-8 ALL', 'o1'), [/^\* ESEARCH \(TAG "o1"\) ALL 1:2$/, /^o1 OK/]);
  await b.ok('APPEND INBOX {12}\r\nSubject: c\r\n');
  await b.ok('APPEND INBOX {12}\r\nSubject: a\r\n');
  // Sorted now: a(4) b(1) c(3) d(2).
  expectLines(await a.send('NOOP'), [/^\* 4 EXISTS$/, /^\* ESEARCH \(TAG "o1"\) ADDTO \(1 4\)$/, /^\* ESEARCH \(TAG "o1"\) ADDTO \(3 3\)$/, /^t\d+ OK/]);
  await b.ok('STORE 1,2 +FLAGS (\\Deleted)');
  await b.ok('EXPUNGE');
  // Removed from the last position down: d at 4, then b at 2.
  expectLines(await a.send('NOOP'), [/^\* ESEARCH \(TAG "o1"\) REMOVEFROM \(4 2\)$/, /^\* ESEARCH \(TAG "o1"\) REMOVEFROM \(2 1\)$/, /^\* 1 EXPUNGE$/, /^\* 1 EXPUNGE$/, /^t\d+ OK/]);
}));

test('subscriptions outlive their mailbox: LIST (SUBSCRIBED) shows \\NonExistent \\Subscribed, LSUB lists it', () => withServer(async (t) => {
  const c = await t.connect();
  await c.ok('CREATE Club/News');
  await c.ok('SUBSCRIBE Club/News');
  await c.ok('DELETE Club/News');
  expectLines(await c.send('LIST (SUBSCRIBED) "" "Club/*"'), [/^\* LIST \(\\NonExistent \\HasNoChildren \\Subscribed\) "\/" "?Club\/News"?$/, /^t\d+ OK/]);
  expectLines(await c.send('LSUB "" "Club/*"'), [/^\* LSUB \(\) "\/" "?Club\/News"?$/, /^t\d+ OK/]);
  expectLines(await c.send('LIST "" "Club/*"'), [/^t\d+ OK/]);
  expectLines(await c.send('LIST (SUBSCRIBED RECURSIVEMATCH) "" "Club"'), [/^\* LIST \(\\HasNoChildren\) "\/" "?Club"? \("CHILDINFO" \("SUBSCRIBED"\)\)$/, /^t\d+ OK/]);
  await c.ok('CREATE Club/News');
  expectLines(await c.send('LIST "" "Club/News" RETURN (SUBSCRIBED)'), [/^\* LIST \(\\HasNoChildren \\Subscribed\) "\/" "?Club\/News"?$/]);
  await c.ok('RENAME Club/News Club/Old');
  expectLines(await c.send('LIST "" "Club/*" RETURN (SUBSCRIBED)'), [/^\* LIST \(\\HasNoChildren\) "\/" "?Club\/Old"?$/]);
  expectLines(await c.send('SUBSCRIBE Nowhere'), [/^t\d+ NO/]);
  await c.ok('UNSUBSCRIBE Nowhere');
}));

test('CONTEXT: past the context limit an untagged NO [NOUPDATE] refuses only the UPDATE', () => withServer(async (t) => {
  await t.deliver(msg({ Subject: 'x' }), day(1));
  const c = await t.connect();
  await c.ok('SELECT INBOX');
  for (let i = 0; i < 32; i++) await c.ok(`SEARCH RETURN (UPDATE) ALL`);
  expectLines(await c.send('SEARCH RETURN (UPDATE COUNT) ALL', 'over'), [/^\* NO \[NOUPDATE "over"\]/, /^\* ESEARCH \(TAG "over"\) COUNT 1$/, /^over OK/]);
  expectLines(await c.send('SEARCH RETURN (PARTIAL 1:2 PARTIAL 3:4) ALL'), [/^t\d+ BAD/]);
}));
