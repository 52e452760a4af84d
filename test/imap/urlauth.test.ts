/**
 * URLAUTH (RFC 4467) and URLAUTH=BINARY (RFC 5524) over the wire, on SQLite and PostgreSQL:
 * GENURLAUTH signs only the user's own mailboxes; URLFETCH gives the data to whom the access
 * identifier admits and NIL for a forged, altered, expired or reset URL; RESETKEY voids
 * every URL of the mailbox; BINARY decodes and BODYPARTSTRUCTURE describes the part.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { hashPassword } from '../../src/auth/password.js';
import { expectLines, PASS, type TestServer } from './support/harness.js';
import { onEachStore } from './support/stores.js';

const MSG = 'From: a@example.test\r\nSubject: one\r\nContent-Type: multipart/mixed; boundary=b\r\n\r\n--b\r\n'
  + 'Content-Type: text/plain\r\nContent-Transfer-Encoding: base64\r\n\r\naGVsbG8gd29ybGQ=\r\n--b--\r\n';
const HOST = 'imap://alice@example.test';

async function gen(c: Awaited<ReturnType<TestServer['connect']>>, rump: string): Promise<string> {
  const lines = await c.ok(`GENURLAUTH "${rump}" INTERNAL`);
  const m = /^\* GENURLAUTH (\S+)$/.exec(lines[0]);
  assert.ok(m, lines.join('\n'));
  assert.ok(m[1].startsWith(`${rump}:internal:`), m[1]);
  return m[1];
}

async function bob(s: TestServer): Promise<Awaited<ReturnType<TestServer['connect']>>> {
  await s.store.directory.addAccount({ address: 'bob@example.test', passwordHash: await hashPassword(PASS) });
  const b = await s.connect({ login: false });
  await b.ok(`LOGIN bob@example.test "${PASS}"`);
  return b;
}

test('GENURLAUTH / URLFETCH / RESETKEY: who may fetch what', (t) => onEachStore(t, async (s) => {
  const uid = await s.deliver(MSG);
  const a = await s.connect();
  assert.match((await a.ok('CAPABILITY'))[0], / URLAUTH URLAUTH=BINARY /);
  const own = await gen(a, `${HOST}/INBOX/;UID=${uid};URLAUTH=user+alice@example.test`);
  const any = await gen(a, `${HOST}/INBOX/;UID=${uid}/;SECTION=1;URLAUTH=authuser`);
  const expired = await gen(a, `${HOST}/INBOX/;UID=${uid};EXPIRE=2001-01-01T00:00:00Z;URLAUTH=authuser`);
  const both = (await a.ok(`URLFETCH ${own} ${any}`)).join('\n');
  assert.equal(both, `* URLFETCH ${own} {${MSG.length}}\r\n${MSG} ${any} "aGVsbG8gd29ybGQ="`);
  expectLines(await a.send(`URLFETCH ${expired}`), [/^\* URLFETCH \S+ NIL$/]);
  // Another user: "user+alice" is not for bob; "authuser" is.
  const b = await bob(s);
  expectLines(await b.send(`URLFETCH ${own} ${any}`), [new RegExp(`^\\* URLFETCH ${esc(own)} NIL ${esc(any)} "aGVsbG8gd29ybGQ="$`)]);
  // Forged: another token, a changed UID, a changed access, a URL never signed.
  const forged = own.replace(/:internal:(.)/, (_m, c: string) => `:internal:${c === '0' ? '1' : '0'}`);
  const moved = own.replace(`UID=${uid}`, `UID=${uid + 1}`);
  const widened = own.replace('user+alice@example.test', 'authuser');
  for (const u of [forged, moved, widened, `${HOST}/INBOX/;UID=${uid};URLAUTH=authuser:internal:00`, 'garbage']) {
    expectLines(await b.send(`URLFETCH "${u}"`), [/^\* URLFETCH \S+ NIL$/, /^t\d+ OK/]);
  }
  // GENURLAUTH refuses others' mailboxes, missing ones, unknown mechanisms, and non-rumps.
  expectLines(await b.send(`GENURLAUTH "${HOST}/INBOX/;UID=${uid};URLAUTH=anonymous" INTERNAL`), [/^t\d+ NO \[BADURL\]/]);
  expectLines(await a.send(`GENURLAUTH "${HOST}/Nope/;UID=1;URLAUTH=anonymous" INTERNAL`), [/^t\d+ NO \[BADURL\]/]);
  expectLines(await a.send(`GENURLAUTH "${HOST}/INBOX/;UID=1;URLAUTH=anonymous" HMAC-MD5`), [/^t\d+ NO /]);
  expectLines(await a.send(`GENURLAUTH "${HOST}/INBOX/;UID=1" INTERNAL`), [/^t\d+ NO \[BADURL\]/]);
  expectLines(await a.send('GENURLAUTH'), [/^t\d+ BAD/]);
  // RESETKEY voids every URL of the mailbox; a new GENURLAUTH signs with a new key.
  await a.ok('RESETKEY INBOX');
  expectLines(await b.send(`URLFETCH ${any}`), [/^\* URLFETCH \S+ NIL$/]);
  const again = await gen(a, `${HOST}/INBOX/;UID=${uid}/;SECTION=1;URLAUTH=authuser`);
  assert.notEqual(again, any);
  expectLines(await b.send(`URLFETCH ${again}`), [/^\* URLFETCH \S+ "aGVsbG8gd29ybGQ="$/]);
  await a.ok('RESETKEY');
  expectLines(await b.send(`URLFETCH ${again}`), [/^\* URLFETCH \S+ NIL$/]);
  expectLines(await a.send('RESETKEY Nope'), [/^t\d+ NO \[NONEXISTENT\]/]);
}));

test('URLAUTH=BINARY: decoded content and the structure of what is returned', (t) => onEachStore(t, async (s) => {
  const uid = await s.deliver(MSG);
  const a = await s.connect();
  const url = await gen(a, `${HOST}/INBOX/;UID=${uid}/;SECTION=1;URLAUTH=user+alice@example.test`);
  expectLines(await a.send(`URLFETCH (${url} BODYPARTSTRUCTURE)`), [/^\* URLFETCH \S+ \(BODYPARTSTRUCTURE \("text" "plain" NIL NIL NIL "base64" 16 0 NIL NIL NIL NIL\)\)$/]);
  expectLines(await a.send(`URLFETCH (${url} BINARY BODYPARTSTRUCTURE)`), [/^\* URLFETCH \S+ \(BODYPARTSTRUCTURE \("text" "plain" NIL NIL NIL "7bit" 11 0 NIL NIL NIL NIL\)\) \(BINARY \{11\}\r\nhello world\)$/]);
  expectLines(await a.send(`URLFETCH (${url} BODY)`), [/^\* URLFETCH \S+ \(BODY "aGVsbG8gd29ybGQ="\)$/]);
  expectLines(await a.send(`URLFETCH (${url} BODY BINARY)`), [/^t\d+ BAD/]);
  expectLines(await a.send(`URLFETCH (${url} ENVELOPE)`), [/^t\d+ BAD/]);
}));

function esc(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
}
