/**
 * IMAP APPEND on SQLite while its message writer thread runs (src/store/sqlite/writer.ts).
 * Deliveries go through the writer's connection, APPEND through the event loop's
 * (mail/deliver.ts appendMessage()), so two connections append to one mailbox at once: every
 * message gets its own UID, APPENDUID names it, a session in IDLE hears each one, and the
 * single APPEND keeps its flags, INTERNALDATE and exact bytes; an APPEND past the quota is
 * NO [OVERQUOTA] with nothing stored — over the wire.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { deliver } from '../../src/mail/deliver.js';
import { expectLines, startTestServer } from './support/harness.js';

const MSG = 'From: a@example.test\r\nSubject: through the writer\r\n\r\nbody \u00e9\r\n';

test('APPEND beside deliveries through the message writer: distinct UIDs, APPENDUID, EXISTS; flags, date, exact bytes; OVERQUOTA', async (t) => {
  const s = await startTestServer();
  try {
    if (s.store.kind !== 'sqlite' || !s.store.mail.appendRaw) return t.skip('the message writer is SQLite’s');
    // wait until the writer takes messages (it answers null while it loads)
    const scratch = await s.store.mail.createMailbox(s.account.id, 'Scratch');
    let taken = null;
    for (let i = 0; i < 200 && !taken; i++) {
      taken = await s.store.mail.appendRaw(Buffer.from('Subject: warm\r\n\r\nx\r\n'), [{ mailboxId: scratch.id, flags: [] }], Date.now());
      if (!taken) await new Promise((r) => setTimeout(r, 25));
    }
    assert.ok(taken, 'the writer started');

    const idler = await s.connect();
    await idler.ok('SELECT INBOX');
    idler.write('i1 IDLE\r\n');
    assert.match(await idler.line(), /^\+ /);

    const c = await s.connect();
    const bytes = Buffer.byteLength(MSG);
    expectLines(await c.send(`APPEND INBOX (\\Seen $Work) "05-Jan-2024 10:00:00 +0100" {${bytes}+}\r\n${MSG}`), [/^t\d+ OK \[APPENDUID \d+ 1\] APPEND completed$/]);
    // the new keyword comes first (FLAGS, PERMANENTFLAGS: RFC 3501 §7.2.6), then the message
    let heard = await idler.line();
    while (/^\* (FLAGS|OK \[PERMANENTFLAGS)/.test(heard)) heard = await idler.line();
    assert.equal(heard, '* 1 EXISTS');
    idler.write('DONE\r\n');
    expectLines(await idler.until('i1'), [/^i1 OK IDLE terminated$/]);

    // deliveries through the writer and APPENDs over IMAP, at the same time, into one INBOX
    const N = 20;
    const raw = (i: number) => Buffer.from(`Subject: side by side ${i}\r\n\r\nx\r\n`);
    const [delivered, appended] = await Promise.all([
      Promise.all(Array.from({ length: N }, (_, i) => deliver({ store: s.store, bus: s.bus }, raw(i), [{ accountId: s.account.id }]))),
      (async () => {
        const uids: number[] = [];
        for (let i = 0; i < N; i++) {
          const [done] = await c.send(`APPEND INBOX {${raw(i).length}+}\r\n${raw(i).toString()}`);
          uids.push(Number(/APPENDUID \d+ (\d+)\]/.exec(done)?.[1]));
        }
        return uids;
      })(),
    ]);
    const uids = [...delivered.map(([d]) => d.uid), ...appended];
    assert.equal(new Set(uids).size, 2 * N, `distinct UIDs: ${uids.join(' ')}`);
    assert.deepEqual([...uids].sort((a, b) => a - b), Array.from({ length: 2 * N }, (_, i) => i + 2));
    expectLines(await idler.send('NOOP'), [new RegExp(`^\\* ${2 * N + 1} EXISTS$`), /OK/]);

    await c.ok('SELECT INBOX');
    const got = await c.ok('FETCH 1 (FLAGS INTERNALDATE BODY.PEEK[])');
    const line = got.join('\r\n');
    assert.match(line, /FLAGS \(\\Seen \$Work\)/);
    assert.match(line, /INTERNALDATE "05-Jan-2024 09:00:00 \+0000"/); // the same instant, given in UTC
    assert.ok(line.includes(`BODY[] {${bytes}}\r\n${MSG}`), line);

    await s.store.directory.updateAccount(s.account.address, { quota: 1 });
    expectLines(await c.send(`APPEND INBOX {${bytes}+}\r\n${MSG}`), [/^t\d+ NO \[OVERQUOTA\]/]);
    expectLines(await c.send('STATUS INBOX (MESSAGES)'), [new RegExp(`^\\* STATUS "INBOX" \\(MESSAGES ${2 * N + 1}\\)$`)]);
  } finally {
    await s.close();
  }
});
