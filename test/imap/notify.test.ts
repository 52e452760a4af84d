/**
 * NOTIFY (RFC 5465) over the wire, on SQLite and PostgreSQL: initial STATUS, unsolicited
 * STATUS for watched mailboxes, immediate EXISTS/FETCH/EXPUNGE for the selected mailbox,
 * LIST for mailbox and subscription changes of another session (not our own), NOTIFY NONE,
 * and the grammar rules that make a request BAD or NO [BADEVENT].
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { expectLines } from './support/harness.js';
import { onEachStore } from './support/stores.js';

const MSG = 'Subject: hello\r\n\r\nbody\r\n';

test('NOTIFY: STATUS for watched mailboxes, now and when they change', (t) => onEachStore(t, async (s) => {
  const a = await s.connect();
  assert.match((await a.ok('CAPABILITY'))[0], / NOTIFY/);
  await a.ok('CREATE Lists');
  await a.ok('CREATE Lists/One');
  await a.ok('CREATE Other');
  await s.deliver(MSG, { mailbox: 'Lists/One' });
  const init = await a.ok('NOTIFY SET STATUS (subtree Lists (MessageNew MessageExpunge FlagChange))');
  expectLines(init, [/^\* STATUS "Lists" \(MESSAGES 0 UIDNEXT 1 UIDVALIDITY \d+ HIGHESTMODSEQ \d+\)$/, /^\* STATUS "Lists\/One" \(MESSAGES 1 UIDNEXT 2 UIDVALIDITY \d+ HIGHESTMODSEQ \d+\)$/]);
  assert.equal(init.length, 2);
  // Without STATUS: no initial responses.
  assert.deepEqual(await a.ok('NOTIFY SET (mailboxes (Lists/One Other) (MessageNew MessageExpunge))'), []);
  await s.deliver(MSG, { mailbox: 'Lists/One' });
  assert.match(await a.line(), /^\* STATUS "Lists\/One" \(MESSAGES 2 UIDNEXT 3 UIDVALIDITY \d+\)$/);
  await s.deliver(MSG, { mailbox: 'Lists' }); // not watched now
  await s.deliver(MSG, { mailbox: 'Other' });
  assert.match(await a.line(), /^\* STATUS "Other" \(MESSAGES 1 UIDNEXT 2 UIDVALIDITY \d+\)$/);
  await a.ok('NOTIFY NONE');
  await s.deliver(MSG, { mailbox: 'Other' });
  assert.deepEqual(await a.ok('NOOP'), []);
}));

test('NOTIFY: the selected mailbox hears new mail with fetch attributes, and expunges, at once', (t) => onEachStore(t, async (s) => {
  await s.deliver(MSG);
  const a = await s.connect();
  const b = await s.connect();
  await a.ok('SELECT INBOX');
  await b.ok('SELECT INBOX');
  await a.ok('NOTIFY SET (selected (MessageNew (UID BODY.PEEK[HEADER.FIELDS (SUBJECT)]) MessageExpunge FlagChange))');
  await s.deliver('Subject: second\r\n\r\nx\r\n');
  assert.equal(await a.line(), '* 2 EXISTS');
  assert.match(await a.line(), /^\* 2 RECENT$/);
  assert.equal(await a.line(), '* 2 FETCH (UID 2 BODY[HEADER.FIELDS (SUBJECT)] {19}\r\nSubject: second\r\n\r\n)');
  await b.ok('STORE 1 +FLAGS (\\Deleted)');
  assert.match(await a.line(), /^\* 1 FETCH \(FLAGS \(.*\\Deleted.*\) UID 1\)$|^\* 1 FETCH \(UID 1 FLAGS \(.*\\Deleted.*\)\)$|^\* 1 FETCH \(FLAGS \(.*\\Deleted.*\)\)$/);
  await b.ok('EXPUNGE');
  assert.equal(await a.line(), '* 1 EXPUNGE');
  // The message was not marked \Seen by the notification's FETCH.
  expectLines(await a.send('FETCH 1 FLAGS'), [/^\* 1 FETCH \(FLAGS \(\\Recent\)\)$/]);
}));

test('NOTIFY: MailboxName and SubscriptionChange of another session, not our own', (t) => onEachStore(t, async (s) => {
  const a = await s.connect();
  const b = await s.connect();
  await a.ok('NOTIFY SET (personal (MailboxName SubscriptionChange))');
  await a.ok('CREATE Mine');
  await b.ok('CREATE Theirs');
  assert.equal(await a.line(), '* LIST () "/" "Theirs"');
  await b.ok('SUBSCRIBE Theirs');
  assert.equal(await a.line(), '* LIST (\\Subscribed) "/" "Theirs"');
  await b.ok('RENAME Theirs Renamed');
  assert.equal(await a.line(), '* LIST () "/" "Renamed" ("OLDNAME" ("Theirs"))');
  await b.ok('DELETE Renamed');
  assert.equal(await a.line(), '* LIST (\\NonExistent) "/" "Renamed"');
  assert.deepEqual(await a.ok('NOOP'), []);
}));

test('NOTIFY: bad requests are BAD, unsupported events NO [BADEVENT]', (t) => onEachStore(t, async (s) => {
  const a = await s.connect();
  for (const bad of [
    'NOTIFY', 'NOTIFY SET', 'NOTIFY BOGUS', 'NOTIFY SET (selected (MailboxName))', 'NOTIFY SET (personal (MessageNew))',
    'NOTIFY SET (personal (FlagChange))', 'NOTIFY SET (selected (MessageNew MessageExpunge)) (selected-delayed NONE)',
    'NOTIFY SET (personal (MessageNew (UID) MessageExpunge))', 'NOTIFY SET (elsewhere (MessageNew MessageExpunge))',
    'NOTIFY NONE extra',
  ]) expectLines(await a.send(bad), [/^t\d+ BAD /]);
  expectLines(await a.send('NOTIFY SET (personal (MessageNew MessageExpunge AnnotationChange))'),
    [/^t\d+ NO \[BADEVENT \(MessageNew MessageExpunge FlagChange MailboxName SubscriptionChange\)\]/]);
  expectLines(await a.send('NOTIFY SET (mailboxes Nope (MessageNew MessageExpunge)) (inboxes NONE)'), [/^t\d+ OK/]);
}));
