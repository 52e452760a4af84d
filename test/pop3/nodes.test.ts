// Two servers sharing one store (two nodes on PostgreSQL; two handles on one SQLite file):
// the maildrop lock holds across them, and QUIT's expunge reaches the other node's bus.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { MailboxEvent } from '../../src/store/types.js';
import { Pop3TestClient, addUser, message, putInInbox, startTestServer } from './support/harness.js';
import { storeKinds } from './support/stores.js';

for (const kind of await storeKinds()) {
  test(`[${kind.name}] two nodes: [IN-USE] across them, expunge seen by the other node`, { skip: !kind.openSecond && 'this store has a single handle' }, async () => {
    const storeA = await kind.open();
    const storeB = await kind.openSecond!();
    const a = await startTestServer(storeA);
    const b = await startTestServer(storeB);
    try {
      const alice = await addUser(storeA, 'alice@example.test');
      const uid = await putInInbox(storeA, alice, message('shared', 'x') + '\r\n');
      const inbox = await storeB.mail.getMailbox(alice.id, 'INBOX');
      const seen: MailboxEvent[] = [];
      b.bus.watchMailbox(inbox!.id, (e) => seen.push(e));

      const c1 = await Pop3TestClient.connect(a.port);
      await c1.cmd('USER alice@example.test', /^\+OK/);
      await c1.cmd('PASS correct horse', /^\+OK maildrop has 1 message /);
      const c2 = await Pop3TestClient.connect(b.port);
      await c2.cmd('USER alice@example.test', /^\+OK/);
      await c2.cmd('PASS correct horse', /^-ERR \[IN-USE\]/);
      await c1.cmd('DELE 1', /^\+OK/);
      await c1.cmd('QUIT', /^\+OK/);
      for (let i = 0; i < 100 && !seen.some((e) => e.type === 'expunge'); i++) await new Promise((r) => setTimeout(r, 20));
      const ev = seen.find((e) => e.type === 'expunge');
      assert.ok(ev && ev.type === 'expunge' && ev.uids.includes(uid), `expunge event on node B, got ${JSON.stringify(seen)}`);
      await c2.cmd('USER alice@example.test', /^\+OK/);
      await c2.cmd('PASS correct horse', /^\+OK maildrop has 0 messages/);
      await c2.cmd('QUIT', /^\+OK/);
    } finally {
      await a.close();
      await b.close();
    }
  });
}
