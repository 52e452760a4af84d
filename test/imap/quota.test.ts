/**
 * QUOTA (RFC 9208) limits over the wire, on SQLite and PostgreSQL: APPEND, MULTIAPPEND,
 * CATENATE and COPY past the limit are NO [OVERQUOTA] with nothing stored (§4.3.1); MOVE
 * inside the account adds nothing and works; SETQUOTA is understood but refused, and
 * QUOTASET not advertised (limits are the operator's).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { expectLines } from './support/harness.js';
import { onEachStore } from './support/stores.js';

const body = (n: number) => `Subject: q\r\n\r\n${'x'.repeat(n)}\r\n`;
const lit = (s: string) => `{${s.length}+}\r\n${s}`;

test('over quota: APPEND, MULTIAPPEND, CATENATE and COPY get [OVERQUOTA]; MOVE works', (t) => onEachStore(t, async (s) => {
  await s.store.directory.updateAccount(s.account.address, { quota: 3000 });
  const c = await s.connect();
  await c.ok('CREATE Box');
  expectLines(await c.send(`APPEND INBOX ${lit(body(1000))}`), [/^t\d+ OK/]);
  expectLines(await c.send(`APPEND INBOX ${lit(body(1000))}`), [/^t\d+ OK/]);
  expectLines(await c.send(`APPEND INBOX ${lit(body(1000))}`), [/^t\d+ NO \[OVERQUOTA\]/]);
  expectLines(await c.send(`APPEND Box ${lit(body(100))} ${lit(body(1000))}`), [/^t\d+ NO \[OVERQUOTA\]/]);
  expectLines(await c.send('APPEND Box CATENATE (URL "/INBOX/;UID=1" URL "/INBOX/;UID=2")'), [/^t\d+ NO \[OVERQUOTA\]/]);
  await c.ok('SELECT INBOX');
  expectLines(await c.send('COPY 1:2 Box'), [/^t\d+ NO \[OVERQUOTA\]/]);
  expectLines(await c.send('MOVE 1 Box'), [/^t\d+ OK/]);
  expectLines(await c.send('STATUS Box (MESSAGES)'), [/^\* STATUS "Box" \(MESSAGES 1\)$/]);
  expectLines(await c.send('GETQUOTAROOT Box'), [/^\* QUOTAROOT "Box" ""$/, /^\* QUOTA "" \(STORAGE 2 2\)$/]);
}));

test('SETQUOTA is refused: limits are set by the operator', (t) => onEachStore(t, async (s) => {
  const c = await s.connect();
  const caps = (await c.ok('CAPABILITY'))[0];
  assert.match(caps, / QUOTA /);
  assert.doesNotMatch(caps, /QUOTASET/);
  expectLines(await c.send('SETQUOTA "" (STORAGE 512)'), [/^t\d+ NO \[NOPERM\]/]);
  expectLines(await c.send('SETQUOTA "" ()'), [/^t\d+ NO \[NOPERM\]/]);
  expectLines(await c.send('SETQUOTA "#user/bob" (STORAGE 1)'), [/^t\d+ NO \[NONEXISTENT\]/]);
  for (const bad of ['SETQUOTA', 'SETQUOTA ""', 'SETQUOTA "" (STORAGE)', 'SETQUOTA "" (STORAGE x)', 'SETQUOTA "" STORAGE 1']) {
    expectLines(await c.send(bad), [/^t\d+ BAD /]);
  }
}));
