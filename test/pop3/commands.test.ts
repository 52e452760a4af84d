// The command table derived from the per-command declarations (STYLE.md habit 2).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { COMMANDS, stateTable } from '../../src/server/pop3/commands/index.js';

test('state table: which verbs are legal in which state (RFC 1939 §§4–6, RFC 2449, 2595, 5034)', () => {
  assert.deepEqual(stateTable(), {
    authorization: ['APOP', 'AUTH', 'CAPA', 'PASS', 'QUIT', 'STLS', 'USER'],
    transaction: ['CAPA', 'DELE', 'LIST', 'NOOP', 'QUIT', 'RETR', 'RSET', 'STAT', 'TOP', 'UIDL'],
    update: [],
  });
  for (const [name, c] of COMMANDS) assert.equal(name, c.name);
});
