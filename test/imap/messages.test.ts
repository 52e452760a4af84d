/** Message commands over the wire: SELECT, APPEND, FETCH, STORE, COPY/MOVE, EXPUNGE, SEARCH. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { expectLines, startTestServer, type TestServer } from './support/harness.js';

const MSG = 'From: Bob <bob@example.test>\r\nTo: alice@example.test\r\nSubject: Hello there\r\nDate: Mon, 7 Feb 1994 21:52:25 -0800\r\nMessage-ID: <1@example.test>\r\n\r\nHi Alice,\r\nlunch?\r\n';

async function withMessages(n: number, fn: (t: TestServer) => Promise<void>): Promise<void> {
  const t = await startTestServer();
  try {
    for (let i = 1; i <= n; i++) await t.deliver(MSG.replace('Hello there', `Hello ${i}`), { internalDate: Date.UTC(2024, 0, i) });
    await fn(t);
  } finally {
    await t.close();
  }
}

test('SELECT and EXAMINE responses', () => withMessages(3, async (t) => {
  const c = await t.connect();
  expectLines(await c.send('SELECT INBOX'), [
    /^\* FLAGS \((?:\\Recent ?)?\\Answered \\Flagged \\Deleted \\Seen \\Draft\)$/,
    /^\* OK \[PERMANENTFLAGS \((?:\\Recent ?)?.*\\\*\)\]/,
    /^\* 3 EXISTS$/, /^\* 3 RECENT$/, /^\* OK \[UNSEEN 1\]/, /^\* OK \[UIDVALIDITY \d+\]/, /^\* OK \[UIDNEXT 4\]/,
    /^\* OK \[HIGHESTMODSEQ \d+\]/, /^t\d+ OK \[READ-WRITE\]/,
  ]);
  expectLines(await c.send('EXAMINE INBOX'), [/^\* OK \[CLOSED\]/, /^\* OK \[PERMANENTFLAGS \((?:\\Recent ?)?\)\]/, /^t\d+ OK \[READ-ONLY\]/]);
  expectLines(await c.send('STORE 1 +FLAGS (\\Seen)'), [/^t\d+ NO \[READ-ONLY\]/]);
  expectLines(await c.send('SELECT Nope'), [/^t\d+ NO \[NONEXISTENT\]/]);
  expectLines(await c.send('FETCH 1 UID'), [/^t\d+ BAD/]);
}));

test('APPEND: literal, flags and date, MULTIAPPEND, APPENDUID, TRYCREATE', () => withMessages(0, async (t) => {
  const c = await t.connect();
  const m = Buffer.from(MSG);
  c.write(`a1 APPEND INBOX (\\Seen $Work) "05-Jan-2024 10:00:00 +0100" {${m.length}}\r\n`);
  assert.match(await c.line(), /^\+ /);
  c.write(Buffer.concat([m, Buffer.from('\r\n')]));
  expectLines(await c.until('a1'), [/^a1 OK \[APPENDUID \d+ 1\] APPEND completed$/]);
  c.write(`a2 APPEND INBOX {${m.length}+}\r\n${MSG} {${m.length}+}\r\n${MSG}\r\n`);
  expectLines(await c.until('a2'), [/^a2 OK \[APPENDUID \d+ 2:3\]/]);
  expectLines(await c.send(`APPEND Nope {${m.length}+}\r\n${MSG}`), [/NO \[TRYCREATE\]/]);
  await c.ok('SELECT INBOX');
  expectLines(await c.send('FETCH 1 (FLAGS INTERNALDATE RFC822.SIZE)'), [
    new RegExp(`^\\* 1 FETCH \\(FLAGS \\((?:\\\\Recent )?\\\\Seen \\$Work\\) INTERNALDATE "05-Jan-2024 09:00:00 \\+0000" RFC822.SIZE ${m.length}\\)$`),
  ]);
}));

test('APPEND of a large message sent in pieces: another session reads back its exact bytes, whole and in part', () => withMessages(0, async (t) => {
  const lines = Array.from({ length: 4000 }, (_, i) => `line ${i} ${'abcdefghij'.repeat(i % 7)}`);
  const msg = Buffer.from(`From: a@example.test\r\nSubject: big\r\n\r\n${lines.join('\r\n')}\r\n`);
  const c = await t.connect();
  c.write(`a1 APPEND INBOX {${msg.length}}\r\n`);
  assert.match(await c.line(), /^\+ /);
  // in four writes with pauses, so the server reads the literal in several chunks
  for (let i = 0; i < 4; i++) {
    c.write(msg.subarray(Math.floor((i * msg.length) / 4), Math.floor(((i + 1) * msg.length) / 4)));
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  c.write('\r\n');
  expectLines(await c.until('a1'), [/^a1 OK \[APPENDUID \d+ 1\]/]);
  const other = await t.connect();
  await other.ok('EXAMINE INBOX');
  const whole = (await other.ok('FETCH 1 BODY.PEEK[]')).join('\r\n');
  assert.ok(whole.includes(`BODY[] {${msg.length}}\r\n${msg.toString()})`), 'BODY[] is the bytes appended');
  const part = (await other.ok('FETCH 1 BODY.PEEK[]<100000.500>')).join('\r\n');
  assert.ok(part.includes(`BODY[]<100000> {500}\r\n${msg.subarray(100000, 100500).toString()})`), 'a partial fetch cuts the same bytes');
}));

test('FETCH: BODY[] exact bytes, sections, partial, PEEK and implicit \\Seen, ENVELOPE', () => withMessages(2, async (t) => {
  const c = await t.connect();
  await c.ok('SELECT INBOX');
  const whole = MSG.replace('Hello there', 'Hello 1');
  expectLines(await c.send('FETCH 1 BODY.PEEK[]'), [new RegExp(`^\\* 1 FETCH \\(BODY\\[\\] \\{${whole.length}\\}\r\n`)]);
  const l = await c.send('FETCH 1 BODY.PEEK[]');
  assert.equal(l[0], `* 1 FETCH (BODY[] {${whole.length}}\r\n${whole})`);
  expectLines(await c.send('FETCH 1 FLAGS'), [/^\* 1 FETCH \(FLAGS \((?:\\Recent ?)?\)\)$/]);
  expectLines(await c.send('FETCH 1 (BODY[HEADER.FIELDS (SUBJECT)])'), [/^\* 1 FETCH \(BODY\[HEADER.FIELDS \(SUBJECT\)\] \{20\}\r\nSubject: Hello 1\r\n\r\n FLAGS \((?:\\Recent ?)?\\Seen\)\)$/]);
  expectLines(await c.send('UID FETCH 2 (BODY.PEEK[TEXT]<3.5>)'), [/^\* 2 FETCH \(UID 2 BODY\[TEXT\]<3> \{5\}\r\nAlice\)$/]);
  expectLines(await c.send('FETCH 2 (BODY.PEEK[HEADER.FIELDS.NOT (From To Date Message-ID)])'), [/\{20\}\r\nSubject: Hello 2\r\n\r\n\)$/]);
  expectLines(await c.send('FETCH 2 RFC822.HEADER'), [/^\* 2 FETCH \(RFC822.HEADER \{\d+\}\r\nFrom: Bob/]);
  expectLines(await c.send('FETCH 2 ENVELOPE'), [
    /^\* 2 FETCH \(ENVELOPE \("Mon, 7 Feb 1994 21:52:25 -0800" "Hello 2" \(\("Bob" NIL "bob" "example.test"\)\) \(\("Bob" NIL "bob" "example.test"\)\) \(\("Bob" NIL "bob" "example.test"\)\) \(\(NIL NIL "alice" "example.test"\)\) NIL NIL NIL "<1@example.test>"\)\)$/,
  ]);
  expectLines(await c.send('FETCH 1:* (UID FLAGS)'), [/^\* 1 FETCH \(UID 1 FLAGS \((?:\\Recent ?)?\\Seen\)\)$/, /^\* 2 FETCH \(UID 2 FLAGS \((?:\\Recent ?)?\)\)$/]);
  expectLines(await c.send('FETCH 1 BODYSTRUCTURE'), [/^\* 1 FETCH \(BODYSTRUCTURE \("text" "plain" \("charset" "us-ascii"\) NIL NIL "7bit" \d+ 2 NIL NIL NIL NIL\)\)$/]);
  expectLines(await c.send('FETCH 1 (BODY[1]<0.2>)'), [/^\* 1 FETCH \(BODY\[1\]<0> \{2\}\r\nHi\)$/]);
  expectLines(await c.send('FETCH 5 FLAGS'), [/^t\d+ BAD/]);
  expectLines(await c.send('FETCH 1 (BODY[HEADER.FIELDS ()])'), [/^t\d+ BAD/]);
}));

test('FETCH ENVELOPE and BODYSTRUCTURE again, and in a UTF8=ACCEPT session: 8-bit text as a literal, or quoted once enabled', () => withMessages(0, async (t) => {
  await t.deliver(MSG.replace('Hello there', 'Grüße aus Köln'), { internalDate: Date.UTC(2024, 0, 1) });
  const plain = await t.connect();
  const utf8 = await t.connect();
  await plain.ok('SELECT INBOX');
  expectLines(await utf8.send('ENABLE UTF8=ACCEPT'), [/^\* ENABLED UTF8=ACCEPT$/, /OK/]);
  await utf8.ok('SELECT INBOX');
  const literal = /^\* 1 FETCH \(ENVELOPE \("Mon, 7 Feb 1994 21:52:25 -0800" \{17\}\r\nGrüße aus Köln \(\("Bob" NIL "bob" .* BODYSTRUCTURE \("text" "plain" \("charset" "us-ascii"\) NIL NIL "7bit" \d+ 2 NIL NIL NIL NIL\)\)$/;
  const quoted = /^\* 1 FETCH \(ENVELOPE \("Mon, 7 Feb 1994 21:52:25 -0800" "Grüße aus Köln" \(\("Bob" NIL "bob" .* BODYSTRUCTURE \("text" "plain" \("charset" "us-ascii"\) NIL NIL "7bit" \d+ 2 NIL NIL NIL NIL\)\)$/;
  for (let i = 0; i < 2; i++) {
    expectLines(await plain.send('FETCH 1 (ENVELOPE BODYSTRUCTURE)'), [literal, /OK/]);
    expectLines(await utf8.send('FETCH 1 (ENVELOPE BODYSTRUCTURE)'), [quoted, /OK/]);
  }
  expectLines(await plain.send('FETCH 1 (BODY)'), [/^\* 1 FETCH \(BODY \("text" "plain" \("charset" "us-ascii"\) NIL NIL "7bit" \d+ 2\)\)$/, /OK/]);
}));

test('STORE: +/-FLAGS, .SILENT, UNCHANGEDSINCE and MODIFIED', () => withMessages(3, async (t) => {
  const c = await t.connect();
  await c.ok('SELECT INBOX');
  expectLines(await c.send('STORE 1:2 +FLAGS (\\Flagged)'), [/^\* 1 FETCH \(FLAGS \((?:\\Recent ?)?\\Flagged\)\)$/, /^\* 2 FETCH \(FLAGS \((?:\\Recent ?)?\\Flagged\)\)$/, /OK/]);
  assert.equal((await c.send('STORE 1 -FLAGS.SILENT (\\Flagged)')).length, 1);
  expectLines(await c.send('UID STORE 3 FLAGS ($Label1 \\Draft)'), [/^\* 3 FETCH \(UID 3 FLAGS \((?:\\Recent ?)?(\$Label1 \\Draft|\\Draft \$Label1)\)\)$/]);
  const modseq = Number(/FETCH \(MODSEQ \((\d+)\)/.exec((await c.send('FETCH 2 MODSEQ')).join('\n'))?.[1]);
  expectLines(await c.send(`STORE 1:2 (UNCHANGEDSINCE ${modseq}) +FLAGS.SILENT (\\Seen)`), [/^\* 2 FETCH \(MODSEQ \(\d+\)\)$/, /^t\d+ OK \[MODIFIED 1\]/]);
  expectLines(await c.send('STORE 1 +FLAGS (\\Recent)'), [/BAD/]);
}));

test('COPY, MOVE with COPYUID; EXPUNGE, UID EXPUNGE; CLOSE expunges silently', () => withMessages(4, async (t) => {
  const c = await t.connect();
  await c.ok('CREATE Saved');
  await c.ok('SELECT INBOX');
  expectLines(await c.send('COPY 1:2 Saved'), [/^t\d+ OK \[COPYUID \d+ 1:2 1:2\] COPY completed$/]);
  expectLines(await c.send('COPY 1 Nowhere'), [/NO \[TRYCREATE\]/]);
  expectLines(await c.send('MOVE 2 Saved'), [/^\* OK \[COPYUID \d+ 2 3\]/, /^\* 2 EXPUNGE$/, /^t\d+ OK/]);
  await c.ok('STORE 1,3 +FLAGS.SILENT (\\Deleted)');
  expectLines(await c.send('UID EXPUNGE 4'), [/^\* 3 EXPUNGE$/, /^t\d+ OK/]);
  expectLines(await c.send('EXPUNGE'), [/^\* 1 EXPUNGE$/, /^t\d+ OK/]);
  expectLines(await c.send('STATUS Saved (MESSAGES)'), [/MESSAGES 3/]);
  await c.ok('SELECT Saved');
  await c.ok('STORE 1 +FLAGS.SILENT (\\Deleted)');
  const closed = await c.send('CLOSE');
  assert.equal(closed.length, 1, closed.join('\n'));
  expectLines(await c.send('STATUS Saved (MESSAGES)'), [/MESSAGES 2/]);
}));

test('SEARCH: flags, headers, dates, sizes, OR/NOT, UID, TEXT, ESEARCH, SAVE', () => withMessages(4, async (t) => {
  const c = await t.connect();
  await c.ok('SELECT INBOX');
  await c.ok('STORE 2 +FLAGS.SILENT (\\Seen)');
  await c.ok('STORE 3 +FLAGS.SILENT (\\Flagged $Todo)');
  expectLines(await c.send('SEARCH ALL'), [/^\* SEARCH 1 2 3 4$/]);
  expectLines(await c.send('SEARCH SEEN'), [/^\* SEARCH 2$/]);
  expectLines(await c.send('SEARCH UNSEEN NOT FLAGGED'), [/^\* SEARCH 1 4$/]);
  expectLines(await c.send('SEARCH OR SEEN KEYWORD $Todo'), [/^\* SEARCH 2 3$/]);
  expectLines(await c.send('SEARCH SUBJECT "hello 3"'), [/^\* SEARCH 3$/]);
  expectLines(await c.send('UID SEARCH FROM bob UID 2:*'), [/^\* SEARCH 2 3 4$/]);
  expectLines(await c.send('SEARCH SINCE 3-Jan-2024'), [/^\* SEARCH 3 4$/]);
  expectLines(await c.send('SEARCH BEFORE 2-Jan-2024'), [/^\* SEARCH 1$/]);
  expectLines(await c.send('SEARCH SENTON 7-Feb-1994'), [/^\* SEARCH 1 2 3 4$/]);
  expectLines(await c.send('SEARCH LARGER 10000'), [/^\* SEARCH$/]);
  expectLines(await c.send('SEARCH TEXT lunch 2:3'), [/^\* SEARCH 2 3$/]);
  expectLines(await c.send('SEARCH HEADER Message-ID "<1@"'), [/^\* SEARCH 1 2 3 4$/]);
  expectLines(await c.send('SEARCH RETURN (MIN MAX COUNT) NOT SEEN'), [/^\* ESEARCH \(TAG "t\d+"\) MIN 1 MAX 4 COUNT 3$/]);
  expectLines(await c.send('UID SEARCH RETURN () 1:3'), [/^\* ESEARCH \(TAG "t\d+"\) UID ALL 1:3$/]);
  assert.equal((await c.send('SEARCH RETURN (SAVE) FLAGGED')).length, 1);
  expectLines(await c.send('FETCH $ UID'), [/^\* 3 FETCH \(UID 3\)$/]);
  expectLines(await c.send('SEARCH CHARSET KOI8-R ALL'), [/NO \[BADCHARSET/]);
  expectLines(await c.send('SEARCH BLAH'), [/BAD/]);
  expectLines(await c.send('ENABLE IMAP4rev2'), [/BAD .*not valid in this state/]);
  await c.ok('UNSELECT');
  await c.ok('ENABLE IMAP4rev2');
  await c.ok('SELECT INBOX');
  expectLines(await c.send('SEARCH SEEN'), [/^\* ESEARCH \(TAG "t\d+"\) ALL 2$/]);
  expectLines(await c.send(`SEARCH ${'NOT '.repeat(100)}ALL`), [/BAD \[LIMIT\]/]);
}));

test('SORT: subject (base subject), reverse date, arrival; UID SORT', () => withMessages(0, async (t) => {
  await t.deliver('Subject: Re: [list] beta\r\nDate: Tue, 2 Jan 2024 00:00:00 +0000\r\n\r\nx\r\n', { internalDate: 3 });
  await t.deliver('Subject: alpha (fwd)\r\nDate: Wed, 3 Jan 2024 00:00:00 +0000\r\n\r\nx\r\n', { internalDate: 1 });
  await t.deliver('Subject: Fwd: Gamma\r\nDate: Mon, 1 Jan 2024 00:00:00 +0000\r\n\r\nx\r\n', { internalDate: 2 });
  const c = await t.connect();
  await c.ok('SELECT INBOX');
  expectLines(await c.send('SORT (SUBJECT) UTF-8 ALL'), [/^\* SORT 2 1 3$/]);
  expectLines(await c.send('SORT (REVERSE DATE) UTF-8 ALL'), [/^\* SORT 2 1 3$/]);
  expectLines(await c.send('UID SORT (ARRIVAL) US-ASCII NOT SUBJECT beta'), [/^\* SORT 2 3$/]);
  expectLines(await c.send('SORT (NAME) UTF-8 ALL'), [/BAD/]);
}));
