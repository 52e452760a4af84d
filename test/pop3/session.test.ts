// POP3 TRANSACTION over a real socket: STAT, LIST, RETR, TOP, UIDL, DELE, RSET, NOOP, QUIT/UPDATE,
// exact sizes, byte-stuffing, bad arguments, wrong state, long lines, pipelining.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Pop3TestClient, addUser, message, putInInbox, startTestServer } from './support/harness.js';
import { storeKinds } from './support/stores.js';
import { ConnectionLimiter } from '../../src/server/pop3/index.js';
import type { MailboxEvent } from '../../src/store/types.js';

const M1 = message('one', 'Hello\r\n.leading dot\r\n..two dots\r\n.\r\nend');
const M2 = message('two', 'l1\nl2\nl3\nl4');
const M3 = message('three', 'third');

for (const kind of await storeKinds()) {
  test(`[${kind.name}] a whole session: STAT, LIST, UIDL, RETR, TOP, DELE, RSET, QUIT`, async () => {
    const store = await kind.open();
    const t = await startTestServer(store);
    try {
      const alice = await addUser(store, 'alice@example.test');
      const uids = [await putInInbox(store, alice, M1), await putInInbox(store, alice, M2), await putInInbox(store, alice, M3)];
      const sizes = [M1, M2, M3].map((m) => Buffer.byteLength(m) + (m.endsWith('\r\n') ? 0 : 0));
      const inbox = await store.mail.getMailbox(alice.id, 'INBOX');
      const events: MailboxEvent[] = [];
      t.bus.watchMailbox(inbox!.id, (e) => events.push(e));

      const c = await Pop3TestClient.connect(t.port);
      assert.match(c.greeting, /^\+OK .*<\d+\.\d+\.\d+@pop\.example\.test>$/);
      await c.cmd('STAT', /^-ERR STAT needs a login first/);
      await c.cmd('USER alice@example.test', /^\+OK/);
      await c.cmd('PASS correct horse', /^\+OK maildrop has 3 messages/);
      await c.cmd('STAT', new RegExp(`^\\+OK 3 ${sizes[0] + sizes[1] + sizes[2]}$`));
      await c.cmd('LIST', /^\+OK 3 messages/);
      assert.equal((await c.multiline()).toString(), sizes.map((s, i) => `${i + 1} ${s}\r\n`).join(''));
      await c.cmd('LIST 2', new RegExp(`^\\+OK 2 ${sizes[1]}$`));
      await c.cmd('UIDL', /^\+OK/);
      const uidl = (await c.multiline()).toString();
      assert.equal(uidl, uids.map((u, i) => `${i + 1} ${inbox!.uidValidity}.${u}\r\n`).join(''));
      await c.cmd('UIDL 3', new RegExp(`^\\+OK 3 ${inbox!.uidValidity}\\.${uids[2]}$`));

      // RETR: exactly the stored octets after un-stuffing; stuffed lines on the wire
      await c.cmd('RETR 1', new RegExp(`^\\+OK ${sizes[0]} octets`));
      const body = await c.multiline();
      assert.equal(body.toString(), M1 + '\r\n');
      // M1 does not end in CRLF, so a CRLF is added: the stored message in tests ends with 'end'
      await c.cmd('RETR 3', /^\+OK/);
      assert.equal((await c.multiline()).toString(), M3 + '\r\n');

      await c.cmd('TOP 2 2', /^\+OK/);
      assert.equal((await c.multiline()).toString(), 'From: sender@example.test\r\nTo: rcpt@example.test\r\nSubject: two\r\n\r\nl1\r\nl2\r\n');
      await c.cmd('TOP 2 0', /^\+OK/);
      assert.match((await c.multiline()).toString(), /Subject: two\r\n\r\n$/);

      await c.cmd('DELE 1', /^\+OK/);
      await c.cmd('DELE 1', /^-ERR message 1 already deleted/);
      await c.cmd('RETR 1', /^-ERR message 1 already deleted/);
      await c.cmd('LIST 1', /^-ERR/);
      await c.cmd('STAT', new RegExp(`^\\+OK 2 ${sizes[1] + sizes[2]}$`));
      await c.cmd('RSET', /^\+OK maildrop has 3 messages/);
      await c.cmd('STAT', /^\+OK 3 /);
      await c.cmd('DELE 2', /^\+OK/);
      await c.cmd('NOOP', /^\+OK/);
      await c.cmd('QUIT', /^\+OK .*signing off \(2 messages left\)/);
      await c.closedByServer();

      const left = await store.mail.getMessages(inbox!.id, [[1, Infinity]]);
      assert.deepEqual(left.map((r) => r.uid), [uids[0], uids[2]]);
      // on PostgreSQL the event travels by LISTEN/NOTIFY and may land a moment after QUIT
      for (let i = 0; i < 50 && !events.some((e) => e.type === 'expunge'); i++) await new Promise((r) => setTimeout(r, 100));
      assert.deepEqual(events.filter((e) => e.type === 'expunge').map((e) => e.type === 'expunge' && e.uids), [[uids[1]]]);
    } finally {
      await t.close();
    }
  });

  test(`[${kind.name}] exact sizes for messages ending in CRLF, and byte-stuffing on the wire`, async () => {
    const store = await kind.open();
    const t = await startTestServer(store);
    try {
      const bob = await addUser(store, 'bob@example.test');
      const raw = message('dots', '.\r\n..\r\n.x\r\nplain') + '\r\n';
      await putInInbox(store, bob, raw);
      const c = await Pop3TestClient.connect(t.port);
      await c.cmd('USER bob@example.test', /^\+OK/);
      await c.cmd('PASS correct horse', /^\+OK/);
      await c.cmd('LIST 1', new RegExp(`^\\+OK 1 ${Buffer.byteLength(raw)}$`));
      // read raw wire lines to see the stuffing
      c.send('RETR 1');
      await c.expect(new RegExp(`^\\+OK ${Buffer.byteLength(raw)} octets`));
      const wire: string[] = [];
      for (let l = await c.line(); l !== '.'; l = await c.line()) wire.push(l);
      assert.deepEqual(wire.slice(-4), ['..', '...', '..x', 'plain']);
      assert.equal(wire.join('\r\n').replace(/^\./gm, '') + '\r\n', raw);
      await c.cmd('QUIT', /^\+OK/);
    } finally {
      await t.close();
    }
  });

  test(`[${kind.name}] bad input gets a clear -ERR and the session goes on`, async () => {
    const store = await kind.open();
    const t = await startTestServer(store);
    try {
      const carol = await addUser(store, 'carol@example.test');
      await putInInbox(store, carol, message('x', 'y'));
      const c = await Pop3TestClient.connect(t.port);
      await c.cmd('XYZZY', /^-ERR unknown command XYZZY/);
      await c.cmd('', /^-ERR empty command/);
      await c.cmd('RETRIEVE 1', /^-ERR unknown command RETRIEVE/);
      await c.cmd('1 2 3', /^-ERR malformed command/);
      await c.cmd('PASS x', /^-ERR USER first/);
      await c.cmd('X'.repeat(300), /^-ERR line too long/);
      await c.cmd('USER carol@example.test', /^\+OK/);
      await c.cmd('PASS correct horse', /^\+OK/);
      await c.cmd('USER carol@example.test', /^-ERR USER is not allowed after login/);
      await c.cmd('RETR 0', /^-ERR message numbers start at 1/);
      await c.cmd('RETR 99999', /^-ERR no such message, only 1 in maildrop/);
      await c.cmd('RETR x', /^-ERR invalid message number: x/);
      await c.cmd('RETR', /^-ERR RETR needs exactly one message number/);
      await c.cmd('TOP 1 -1', /^-ERR invalid number of lines: -1/);
      await c.cmd('TOP 1', /^-ERR TOP needs a message number and a number of lines/);
      await c.cmd('DELE -1', /^-ERR invalid message number/);
      await c.cmd('LIST 1 2', /^-ERR LIST takes at most one/);
      await c.cmd('STAT x', /^-ERR STAT takes no arguments/);
      await c.cmd('STLS', /^-ERR STLS is not allowed after login/);
      await c.cmd('STAT', /^\+OK 1 /);
      await c.cmd('QUIT', /^\+OK/);
    } finally {
      await t.close();
    }
  });

  test(`[${kind.name}] pipelined commands are answered in order (RFC 2449 PIPELINING)`, async () => {
    const store = await kind.open();
    const t = await startTestServer(store);
    try {
      const dave = await addUser(store, 'dave@example.test');
      await putInInbox(store, dave, message('p', 'q'));
      const c = await Pop3TestClient.connect(t.port);
      await putInInbox(store, dave, message('r', 's'));
      await putInInbox(store, dave, message('t', 'u'));
      c.writeRaw('USER dave@example.test\r\nPASS correct horse\r\nSTAT\r\nLIST 1\r\nNOOP\r\n');
      for (const p of [/^\+OK send PASS/, /^\+OK maildrop/, /^\+OK 3 /, /^\+OK 1 /, /^\+OK$/]) await c.expect(p);
      // pipelined RETR/TOP (read ahead from the store) come back complete and in order
      c.writeRaw('RETR 3\r\nRETR 1\r\nTOP 2 0\r\nRETR 3\r\nDELE 2\r\nRETR 2\r\nQUIT\r\n');
      for (const subject of ['t', 'p', 'r', 't']) {
        await c.expect(/^\+OK/);
        assert.match((await c.multiline()).toString(), new RegExp(`^Subject: ${subject}$`, 'm'));
      }
      await c.expect(/^\+OK message 2 deleted/);
      await c.expect(/^-ERR message 2 already deleted/);
      await c.expect(/^\+OK .*signing off/);
      await c.closedByServer();
      // nothing pipelined after QUIT is run
      const d = await Pop3TestClient.connect(t.port);
      d.writeRaw('QUIT\r\nNOOP\r\nCAPA\r\n');
      await d.expect(/^\+OK .*signing off/);
      await d.closedByServer();
      await assert.rejects(d.line(), /connection closed/);
    } finally {
      await t.close();
    }
  });

  test(`[${kind.name}] a dropped connection deletes nothing and frees the maildrop; second session gets [IN-USE]`, async () => {
    const store = await kind.open();
    const t = await startTestServer(store);
    try {
      const erin = await addUser(store, 'erin@example.test');
      await putInInbox(store, erin, message('a', 'b'));
      await putInInbox(store, erin, message('c', 'd'));
      const a = await Pop3TestClient.connect(t.port);
      await a.cmd('USER erin@example.test', /^\+OK/);
      await a.cmd('PASS correct horse', /^\+OK maildrop has 2/);
      const b = await Pop3TestClient.connect(t.port);
      await b.cmd('USER erin@example.test', /^\+OK/);
      await b.cmd('PASS correct horse', /^-ERR \[IN-USE\] /);
      await b.cmd('STAT', /^-ERR/); // still in AUTHORIZATION
      await a.cmd('DELE 1', /^\+OK/);
      await a.cmd('DELE 2', /^\+OK/);
      a.close();
      // once the first session is gone, the lock is free and both messages are still there
      let reply = '';
      for (let i = 0; i < 50 && !reply.startsWith('+OK'); i++) {
        await new Promise((r) => setTimeout(r, 20));
        b.send('USER erin@example.test');
        await b.expect(/^\+OK/);
        reply = await b.cmd('PASS correct horse', /^[+-]/);
      }
      assert.match(reply, /^\+OK maildrop has 2 messages/);
      await b.cmd('QUIT', /^\+OK/);
    } finally {
      await t.close();
    }
  });

  test(`[${kind.name}] mail arriving during a session appears in the next one`, async () => {
    const store = await kind.open();
    const t = await startTestServer(store);
    try {
      const fay = await addUser(store, 'fay@example.test');
      await putInInbox(store, fay, message('1', '1'));
      const c = await Pop3TestClient.connect(t.port);
      await c.cmd('USER fay@example.test', /^\+OK/);
      await c.cmd('PASS correct horse', /^\+OK maildrop has 1 message /);
      await putInInbox(store, fay, message('2', '2'));
      await c.cmd('STAT', /^\+OK 1 /);
      await c.cmd('RETR 2', /^-ERR no such message/);
      await c.cmd('QUIT', /^\+OK/);
      const d = await Pop3TestClient.connect(t.port);
      await d.cmd('USER fay@example.test', /^\+OK/);
      await d.cmd('PASS correct horse', /^\+OK maildrop has 2 messages/);
      await d.cmd('QUIT', /^\+OK/);
    } finally {
      await t.close();
    }
  });

  test(`[${kind.name}] idle timeout closes the session without UPDATE`, async () => {
    const store = await kind.open();
    const t = await startTestServer(store, { idleTimeoutMs: 150 });
    try {
      const gus = await addUser(store, 'gus@example.test');
      await putInInbox(store, gus, message('1', '1'));
      const c = await Pop3TestClient.connect(t.port);
      await c.cmd('USER gus@example.test', /^\+OK/);
      await c.cmd('PASS correct horse', /^\+OK/);
      await c.cmd('DELE 1', /^\+OK/);
      await c.expect(/^-ERR autologout/);
      await c.closedByServer();
      const inbox = await store.mail.getMailbox(gus.id, 'INBOX');
      assert.equal((await store.mail.getMessages(inbox!.id, [[1, Infinity]])).length, 1);
    } finally {
      await t.close();
    }
  });

  test(`[${kind.name}] a slow command is not an idle client: autologout waits for the reply`, async () => {
    const store = await kind.open();
    // the maildrop lock after PASS takes longer than the whole autologout period
    const locks = store.locks;
    const slowLocks = Object.assign(Object.create(locks) as typeof locks, {
      tryLock: async (key: string) => {
        await new Promise((r) => setTimeout(r, 600));
        return locks.tryLock(key);
      },
    });
    const t = await startTestServer(Object.assign(Object.create(store) as typeof store, { locks: slowLocks }), { idleTimeoutMs: 200 });
    try {
      const hal = await addUser(store, 'hal@example.test');
      await putInInbox(store, hal, message('1', '1'));
      const c = await Pop3TestClient.connect(t.port);
      await c.cmd('USER hal@example.test', /^\+OK/);
      await c.cmd('PASS correct horse', /^\+OK maildrop has 1 message/);
      await c.cmd('STAT', /^\+OK 1 /);
      // then silence from the client: now the timer applies
      await c.expect(/^-ERR autologout/);
      await c.closedByServer();
    } finally {
      await t.close();
    }
  });

  test(`[${kind.name}] a client that asks for STLS and never starts the handshake is cut off`, async () => {
    const store = await kind.open();
    const t = await startTestServer(store, { idleTimeoutMs: 300 });
    try {
      const c = await Pop3TestClient.connect(t.port);
      await c.cmd('STLS', /^\+OK/);
      await c.closedByServer();
    } finally {
      await t.close();
    }
  });

  test(`[${kind.name}] connections beyond the per-address limit are turned away, others go on`, async () => {
    const store = await kind.open();
    const t = await startTestServer(store, { maxConnectionsPerIp: 2 });
    try {
      const a = await Pop3TestClient.connect(t.port);
      const b = await Pop3TestClient.connect(t.port);
      const c = await Pop3TestClient.connect(t.port);
      assert.match(c.greeting, /^-ERR \[SYS\/TEMP\] too many connections/);
      await c.closedByServer();
      await a.cmd('QUIT', /^\+OK/);
      await a.closedByServer();
      await new Promise((r) => setTimeout(r, 50));
      const d = await Pop3TestClient.connect(t.port);
      assert.match(d.greeting, /^\+OK/);
      await b.cmd('NOOP', /^-ERR NOOP needs a login first/);
      d.close();
      b.close();
    } finally {
      await t.close();
    }
  });

  test(`[${kind.name}] a shared limiter counts pop3 and pop3s together`, async () => {
    const store = await kind.open();
    const limiter = new ConnectionLimiter(100, 1);
    const plain = await startTestServer(store, { connectionLimiter: limiter });
    const secure = await startTestServer(store, { implicitTls: true, connectionLimiter: limiter });
    try {
      const a = await Pop3TestClient.connect(plain.port);
      assert.match(a.greeting, /^\+OK/);
      const b = await Pop3TestClient.connect(secure.port, { tls: true });
      assert.match(b.greeting, /^-ERR \[SYS\/TEMP\] too many connections/);
      a.close();
    } finally {
      await plain.close();
      await secure.close();
    }
  });

  test(`[${kind.name}] server close says goodbye to open sessions`, async () => {
    const store = await kind.open();
    const t = await startTestServer(store);
    const c = await Pop3TestClient.connect(t.port);
    await t.close();
    await c.expect(/^-ERR \[SYS\/TEMP\] server shutting down/);
    await c.closedByServer();
  });
}
