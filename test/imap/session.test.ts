/** IMAP transcripts over real sockets: greeting, capabilities, login, states, limits. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { expectLines, PASS, startTestServer, USER } from './support/harness.js';
import { memoryStore } from './support/memory-store.js';

test('greeting, CAPABILITY, NOOP, LOGOUT', async () => {
  const t = await startTestServer();
  try {
    const c = await t.connect({ login: false });
    assert.match(c.greeting, /^\* OK \[CAPABILITY IMAP4rev1 .*STARTTLS.*AUTH=PLAIN.*\] /);
    expectLines(await c.send('CAPABILITY'), [/^\* CAPABILITY IMAP4rev1 IMAP4rev2 /, /^t\d+ OK/]);
    expectLines(await c.send('NOOP'), [/^t\d+ OK NOOP/]);
    expectLines(await c.send('SELECT INBOX'), [/^t\d+ BAD .*not valid in this state/]);
    expectLines(await c.send('LOGOUT'), [/^\* BYE/, /^t\d+ OK LOGOUT/]);
  } finally {
    await t.close();
  }
});

test('LOGIN: wrong password, right password, capabilities after login', async () => {
  const t = await startTestServer();
  try {
    const c = await t.connect({ login: false });
    expectLines(await c.send(`LOGIN ${USER} wrong`), [/^t\d+ NO \[AUTHENTICATIONFAILED\]/]);
    expectLines(await c.send(`LOGIN "nobody@example.test" "${PASS}"`), [/^t\d+ NO \[AUTHENTICATIONFAILED\]/]);
    expectLines(await c.send(`LOGIN "${USER}" "${PASS}"`), [/^t\d+ OK \[CAPABILITY .*MOVE.*\] Logged in/]);
    expectLines(await c.send(`LOGIN "${USER}" "${PASS}"`), [/^t\d+ BAD/]);
  } finally {
    await t.close();
  }
});

test('LOGIN with synchronising literals', async () => {
  const t = await startTestServer();
  try {
    const c = await t.connect({ login: false });
    c.write(`a1 LOGIN {${USER.length}}\r\n`);
    assert.match(await c.line(), /^\+ /);
    c.write(`${USER} {${PASS.length}}\r\n`);
    assert.match(await c.line(), /^\+ /);
    c.write(`${PASS}\r\n`);
    expectLines(await c.until('a1'), [/^a1 OK/]);
  } finally {
    await t.close();
  }
});

test('AUTHENTICATE PLAIN with and without initial response; cancel', async () => {
  const t = await startTestServer();
  try {
    const ir = Buffer.from(`\0${USER}\0${PASS}`).toString('base64');
    const c = await t.connect({ login: false });
    c.write('a1 AUTHENTICATE PLAIN\r\n');
    assert.equal(await c.line(), '+ ');
    c.write('*\r\n');
    expectLines(await c.until('a1'), [/^a1 BAD/]);
    c.write('a2 AUTHENTICATE PLAIN\r\n');
    assert.equal(await c.line(), '+ ');
    c.write(`${ir}\r\n`);
    expectLines(await c.until('a2'), [/^a2 OK/]);
    const d = await t.connect({ login: false });
    expectLines(await d.send(`AUTHENTICATE PLAIN ${ir}`), [/^t\d+ OK \[CAPABILITY/]);
    const e = await t.connect({ login: false });
    expectLines(await e.send(`AUTHENTICATE PLAIN ${Buffer.from(`\0${USER}\0nope`).toString('base64')}`), [/^t\d+ NO \[AUTHENTICATIONFAILED\]/]);
  } finally {
    await t.close();
  }
});

test('STARTTLS, then login; LOGINDISABLED off loopback is covered by capabilities()', async () => {
  const t = await startTestServer({ server: { allowPlaintextOnLoopback: false } });
  try {
    const c = await t.connect({ login: false });
    assert.match(c.greeting, /LOGINDISABLED/);
    expectLines(await c.send(`LOGIN "${USER}" "${PASS}"`), [/^t\d+ NO \[PRIVACYREQUIRED\]/]);
    await c.startTls();
    const caps = await c.send('CAPABILITY');
    assert.doesNotMatch(caps[0], /STARTTLS|LOGINDISABLED/);
    assert.match(caps[0], /AUTH=PLAIN/);
    expectLines(await c.send(`LOGIN "${USER}" "${PASS}"`), [/^t\d+ OK/]);
  } finally {
    await t.close();
  }
});

test('bounded input: huge literal, long line, bad syntax, unknown command; the session goes on', async () => {
  const t = await startTestServer({ server: { limits: { maxLine: 1024 } } });
  try {
    const c = await t.connect();
    c.write('a1 APPEND INBOX {9999999999}\r\n');
    expectLines(await c.until('a1'), [/^a1 NO \[TOOBIG\]/]);
    c.write(`a2 NOOP ${'x'.repeat(5000)}\r\n`);
    expectLines(await c.until('a2'), [/^a2 BAD \[TOOBIG\]/]);
    expectLines(await c.send('FROB'), [/^t\d+ BAD Unknown command/]);
    expectLines(await c.send('SELECT "unterminated'), [/^t\d+ BAD/]);
    expectLines(await c.send('UID NOOP'), [/^t\d+ BAD/]);
    expectLines(await c.send('NOOP'), [/^t\d+ OK/]);
  } finally {
    await t.close();
  }
});

test('ENABLE, ID, NAMESPACE', async () => {
  const t = await startTestServer();
  try {
    const c = await t.connect();
    expectLines(await c.send('ENABLE CONDSTORE UTF8=ACCEPT X-UNKNOWN'), [/^\* ENABLED CONDSTORE UTF8=ACCEPT$/, /OK/]);
    expectLines(await c.send('ENABLE CONDSTORE'), [/^\* ENABLED$/, /OK/]);
    expectLines(await c.send('ID ("name" "test")'), [/^\* ID \("name" "Posthorn"/, /OK/]);
    expectLines(await c.send('NAMESPACE'), [/^\* NAMESPACE \(\("" "\/"\)\) NIL NIL$/, /OK/]);
  } finally {
    await t.close();
  }
});

test('pipelined commands are answered in order; a flood of 2,000 NOOPs is served', async () => {
  const t = await startTestServer();
  try {
    const c = await t.connect();
    c.write(Array.from({ length: 2000 }, (_, i) => `p${i} NOOP\r\n`).join(''));
    for (let i = 0; i < 2000; i++) assert.equal(await c.line(), `p${i} OK NOOP completed`);
  } finally {
    await t.close();
  }
});

test('STARTTLS: commands sent with it in plaintext are discarded (RFC 3501 §6.2.1)', async () => {
  const t = await startTestServer();
  try {
    const c = await t.connect({ login: false });
    c.write('s1 STARTTLS\r\ns2 LOGIN x y\r\n');
    assert.match(await c.line(), /^s1 OK/);
    const { default: tls } = await import('node:tls');
    c.socket.removeAllListeners('data');
    const secure = tls.connect({ socket: c.socket, rejectUnauthorized: false });
    await new Promise((r) => secure.once('secureConnect', r));
    const got: string[] = [];
    secure.on('data', (d: Buffer) => got.push(d.toString()));
    secure.write('s3 NOOP\r\n');
    await new Promise((r) => setTimeout(r, 300));
    assert.equal(got.join(''), 's3 OK NOOP completed\r\n');
    secure.destroy();
  } finally {
    await t.close();
  }
});

test('a slow command is not an idle client: autologout counts from its answer', async () => {
  // LIST takes three autologout periods; the client, waiting for it, is not idle
  const store = memoryStore();
  const mail = store.mail;
  const slowMail = Object.assign(Object.create(mail) as typeof mail, {
    listMailboxes: async (accountId: number) => {
      await new Promise((r) => setTimeout(r, 900));
      return mail.listMailboxes(accountId);
    },
  });
  const t = await startTestServer({ store: Object.assign(Object.create(store) as typeof store, { mail: slowMail }), server: { idleTimeoutMs: 300 } });
  try {
    const c = await t.connect();
    await c.ok('LIST "" "*"');
    // and silence afterwards still ends the session
    assert.match(await c.line(), /^\* BYE Autologout/);
  } finally {
    await t.close();
  }
});

test('a client that asks for STARTTLS and never starts the handshake is cut off', async () => {
  const t = await startTestServer({ server: { preAuthTimeoutMs: 300 } });
  try {
    const c = await t.connect({ login: false });
    await c.ok('STARTTLS');
    const t0 = Date.now();
    while (!c.closed && Date.now() - t0 < 5000) await new Promise((r) => setTimeout(r, 50));
    assert.ok(c.closed, 'the server closed the connection');
  } finally {
    await t.close();
  }
});

test('autologout before authentication, and BYE when the server stops', async () => {
  const t = await startTestServer({ server: { preAuthTimeoutMs: 200 } });
  try {
    const c = await t.connect({ login: false });
    assert.match(await c.line(), /^\* BYE Autologout/);
    const d = await t.connect();
    const closing = t.server.close();
    assert.match(await d.line(), /^\* BYE Server shutting down/);
    await closing;
  } finally {
    await t.close().catch(() => undefined);
  }
});
