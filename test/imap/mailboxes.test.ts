/** Mailbox commands over the wire: CREATE, DELETE, RENAME, LIST/LSUB, SUBSCRIBE, STATUS. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { expectLines, startTestServer } from './support/harness.js';

test('CREATE, LIST with * and %, CHILDREN, DELETE, RENAME', async () => {
  const t = await startTestServer();
  try {
    const c = await t.connect();
    expectLines(await c.send('CREATE Work/Projects/'), [/^t\d+ OK/]);
    expectLines(await c.send('CREATE Work'), [/^t\d+ NO \[ALREADYEXISTS\]/]);
    expectLines(await c.send('CREATE inbox'), [/^t\d+ NO \[ALREADYEXISTS\]/]);
    expectLines(await c.send('CREATE "a/../b"'), [/^t\d+ NO \[CANNOT\]/]);
    expectLines(await c.send('CREATE "bad*name"'), [/^t\d+ BAD|NO \[CANNOT\]/]);
    expectLines(await c.send('LIST "" ""'), [/^\* LIST \(\\Noselect\) "\/" ""$/, /OK/]);
    expectLines(await c.send('LIST "" *'), [
      /^\* LIST \(\\HasNoChildren\) "\/" "INBOX"$/,
      /^\* LIST \(\\HasChildren\) "\/" "Work"$/,
      /^\* LIST \(\\HasNoChildren\) "\/" "Work\/Projects"$/,
      /OK/,
    ]);
    const top = await c.send('LIST "" %');
    assert.ok(!top.some((l) => l.includes('Projects')), top.join('\n'));
    expectLines(await c.send('LIST Work/ %'), [/"Work\/Projects"/, /OK/]);
    expectLines(await c.send('RENAME Work Job'), [/OK/]);
    expectLines(await c.send('LIST "" "Job*"'), [/"Job"$/, /"Job\/Projects"$/, /OK/]);
    expectLines(await c.send('RENAME Nope Other'), [/NO \[NONEXISTENT\]/]);
    expectLines(await c.send('DELETE INBOX'), [/NO/]);
    expectLines(await c.send('DELETE Job/Projects'), [/OK/]);
    expectLines(await c.send('DELETE Job/Projects'), [/NO \[NONEXISTENT\]/]);
  } finally {
    await t.close();
  }
});

test('modified UTF-7 names; UTF-8 once enabled', async () => {
  const t = await startTestServer();
  try {
    const c = await t.connect();
    expectLines(await c.send('CREATE "&U,BTFw-"'), [/OK/]);
    expectLines(await c.send('CREATE "&Jjo"'), [/NO \[CANNOT\] Invalid mailbox name/]);
    expectLines(await c.send('LIST "" "&U,BTFw-"'), [/^\* LIST \(.*\) "\/" "&U,BTFw-"$/, /OK/]);
    expectLines(await c.send('ENABLE UTF8=ACCEPT'), [/ENABLED UTF8=ACCEPT/, /OK/]);
    expectLines(await c.send('LIST "" *'), [/"台北"/, /OK/]);
  } finally {
    await t.close();
  }
});

test('SUBSCRIBE, LSUB, LIST (SUBSCRIBED), RETURN (STATUS), STATUS', async () => {
  const t = await startTestServer();
  try {
    const c = await t.connect();
    await c.ok('CREATE Old');
    await c.ok('CREATE Lists');
    await c.ok('SUBSCRIBE Old');
    expectLines(await c.send('LSUB "" *'), [/^\* LSUB \(.*\) "\/" "INBOX"$/, /^\* LSUB \(.*\) "\/" "Old"$/, /OK/]);
    const sub = await c.send('LIST (SUBSCRIBED) "" *');
    assert.ok(!sub.some((l) => l.includes('"Lists"')), sub.join('\n'));
    expectLines(sub, [/\\Subscribed.*"Old"/]);
    await c.ok('UNSUBSCRIBE Old');
    assert.ok(!(await c.send('LSUB "" *')).some((l) => l.includes('"Old"')));
    await t.deliver('Subject: one\r\n\r\nbody\r\n');
    await t.deliver('Subject: two\r\n\r\nbody\r\n', { flags: ['\\Seen'] });
    expectLines(await c.send('STATUS INBOX (MESSAGES UNSEEN UIDNEXT UIDVALIDITY SIZE)'),
      [/^\* STATUS "INBOX" \(MESSAGES 2 UNSEEN 1 UIDNEXT 3 UIDVALIDITY \d+ SIZE \d+\)$/, /OK/]);
    expectLines(await c.send('LIST "" INBOX RETURN (STATUS (MESSAGES))'), [/^\* LIST/, /^\* STATUS "INBOX" \(MESSAGES 2\)$/, /OK/]);
    expectLines(await c.send('STATUS Nope (MESSAGES)'), [/NO \[NONEXISTENT\]/]);
  } finally {
    await t.close();
  }
});

test('CREATE-SPECIAL-USE and QUOTA', async () => {
  const t = await startTestServer();
  try {
    const c = await t.connect();
    expectLines(await c.send('CREATE Everything (USE (\\All))'), [/^t\d+ OK/]);
    expectLines(await c.send('LIST "" Everything'), [/^\* LIST \(.*\\All.*\) "\/" "Everything"$/]);
    expectLines(await c.send('CREATE Odd (USE (\\Bogus))'), [/^t\d+ NO \[USEATTR\]/]);
    // no limit: no quota root, and no QUOTA response (RFC 9208 §4.2.2; §9 wants a resource)
    const unlimited = await c.send('GETQUOTAROOT INBOX');
    expectLines(unlimited, [/^\* QUOTAROOT "INBOX"$/, /^t\d+ OK/]);
    assert.ok(!unlimited.some((l) => l.startsWith('* QUOTA ')), unlimited.join('\n'));
    expectLines(await c.send('GETQUOTA ""'), [/^t\d+ NO \[NONEXISTENT\]/]);
    await t.store.directory.updateAccount(t.account.address, { quota: 10 * 1024 * 1024 });
    await t.deliver(`Subject: big\r\n\r\n${'x'.repeat(4000)}\r\n`);
    expectLines(await c.send('GETQUOTAROOT INBOX'), [/^\* QUOTAROOT "INBOX" ""$/, /^\* QUOTA "" \(STORAGE 4 10240\)$/, /OK/]);
    expectLines(await c.send('GETQUOTA ""'), [/^\* QUOTA "" \(STORAGE 4 10240\)$/, /OK/]);
    expectLines(await c.send('GETQUOTA "other"'), [/NO \[NONEXISTENT\]/]);
  } finally {
    await t.close();
  }
});
