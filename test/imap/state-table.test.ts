/** The state table derived from the command files matches RFC 3501 §6 / RFC 9051 §6 "Valid states". */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { COMMANDS } from '../../src/server/imap/commands/index.js';
import type { StateKind } from '../../src/server/imap/types.js';

const ANY = ['CAPABILITY', 'NOOP', 'LOGOUT', 'ID'];
// RFC 4467 §9 and RFC 5465 §8 (command-auth), RFC 4978 §5 (command-auth), RFC 9208 §4.1.
const EXT_AUTH = ['GENURLAUTH', 'URLFETCH', 'RESETKEY', 'NOTIFY', 'COMPRESS', 'SETQUOTA'];
const EXPECTED: Record<StateKind, string[]> = {
  // RFC 3501 §6.1 any state, §6.2 not authenticated
  'not-authenticated': [...ANY, 'STARTTLS', 'AUTHENTICATE', 'LOGIN'],
  // §6.3 authenticated (also valid in selected)
  authenticated: [...ANY, 'ENABLE', 'SELECT', 'EXAMINE', 'CREATE', 'DELETE', 'RENAME', 'SUBSCRIBE', 'UNSUBSCRIBE', 'LIST', 'LSUB', 'NAMESPACE', 'STATUS', 'APPEND', 'IDLE', 'GETQUOTA', 'GETQUOTAROOT', ...EXT_AUTH],
  // §6.4 selected
  selected: [...ANY, 'SELECT', 'EXAMINE', 'CREATE', 'DELETE', 'RENAME', 'SUBSCRIBE', 'UNSUBSCRIBE', 'LIST', 'LSUB', 'NAMESPACE', 'STATUS', 'APPEND', 'IDLE', 'GETQUOTA', 'GETQUOTAROOT',
    'CHECK', 'CLOSE', 'UNSELECT', 'EXPUNGE', 'SEARCH', 'FETCH', 'STORE', 'COPY', 'MOVE', 'SORT', 'THREAD', 'CANCELUPDATE', ...EXT_AUTH],
  logout: [],
};

test('state table: commands legal in each state', () => {
  for (const [state, want] of Object.entries(EXPECTED) as Array<[StateKind, string[]]>) {
    const got = [...COMMANDS.values()].filter((c) => c.states.includes(state)).map((c) => c.name).sort();
    assert.deepEqual(got, [...want].sort(), state);
  }
});

test('state table: UID forms', () => {
  const uid = [...COMMANDS.values()].filter((c) => c.uid).map((c) => c.name).sort();
  assert.deepEqual(uid, ['COPY', 'EXPUNGE', 'FETCH', 'MOVE', 'SEARCH', 'SORT', 'STORE', 'THREAD']);
});
