// POP3 over TLS: STLS on the plain port (RFC 2595 §4) and implicit TLS (995), CAPA changes.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Pop3TestClient, addUser, message, putInInbox, startTestServer } from './support/harness.js';
import { storeKinds } from './support/stores.js';

for (const kind of await storeKinds()) {
  test(`[${kind.name}] STLS upgrades, then plaintext login works and STLS is gone from CAPA`, async () => {
    const store = await kind.open();
    const t = await startTestServer(store, { allowPlaintextOnLoopback: false });
    try {
      const alice = await addUser(store, 'alice@example.test');
      await putInInbox(store, alice, message('secret', 'over TLS'));
      const c = await Pop3TestClient.connect(t.port);
      await c.cmd('STLS extra', /^-ERR STLS takes no arguments/);
      await c.stls();
      await c.cmd('CAPA', /^\+OK/);
      const caps = (await c.multiline()).toString();
      assert.doesNotMatch(caps, /^STLS/m);
      assert.match(caps, /^USER\r$/m);
      await c.cmd('STLS', /^-ERR TLS is already active/);
      await c.cmd('USER alice@example.test', /^\+OK/);
      await c.cmd('PASS correct horse', /^\+OK maildrop has 1/);
      await c.cmd('RETR 1', /^\+OK/);
      assert.match((await c.multiline()).toString(), /over TLS/);
      await c.cmd('QUIT', /^\+OK/);
    } finally {
      await t.close();
    }
  });

  test(`[${kind.name}] commands pipelined after STLS in plaintext are discarded`, async () => {
    const store = await kind.open();
    const t = await startTestServer(store);
    try {
      const c = await Pop3TestClient.connect(t.port);
      c.writeRaw('STLS\r\nNOOP\r\n'); // the NOOP must not be answered inside TLS
      await c.expect(/^\+OK begin TLS/);
      // finish the upgrade the ordinary way: the test client's stls() sends STLS itself, so do it by hand
      const tls = await import('node:tls');
      const socket = (c as unknown as { socket: import('node:net').Socket }).socket;
      socket.removeAllListeners('data');
      const secured = tls.connect({ socket, rejectUnauthorized: false });
      await new Promise((r) => secured.once('secureConnect', r));
      secured.write('CAPA\r\n');
      const first = await new Promise<string>((r) => secured.once('data', (d: Buffer) => r(d.toString())));
      assert.match(first, /^\+OK capability list follows/);
      secured.destroy();
    } finally {
      await t.close();
    }
  });

  test(`[${kind.name}] implicit TLS (pop3s)`, async () => {
    const store = await kind.open();
    const t = await startTestServer(store, { implicitTls: true, allowPlaintextOnLoopback: false });
    try {
      assert.equal(t.server.name, 'pop3s');
      await addUser(store, 'alice@example.test');
      const c = await Pop3TestClient.connect(t.port, { tls: true });
      assert.match(c.greeting, /^\+OK /);
      await c.cmd('CAPA', /^\+OK/);
      const caps = (await c.multiline()).toString();
      assert.doesNotMatch(caps, /^STLS/m);
      assert.match(caps, /^SASL PLAIN LOGIN\r$/m);
      await c.cmd('USER alice@example.test', /^\+OK/);
      await c.cmd('PASS correct horse', /^\+OK/);
      await c.cmd('QUIT', /^\+OK/);
    } finally {
      await t.close();
    }
  });
}
