// The command table derived from commands/<verb>.ts declarations (STYLE.md habit 2).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { COMMANDS } from '../../src/server/smtp/commands/index.js';

test('every command declares the states it is legal in', () => {
  const table = Object.fromEntries([...COMMANDS.values()].map((c) => [c.name, [...c.states].sort().join(' ')]));
  assert.deepEqual(table, {
    EHLO: 'bdat fresh idle mail rcpt',
    HELO: 'bdat fresh idle mail rcpt',
    MAIL: 'idle',
    RCPT: 'mail rcpt',
    DATA: 'mail rcpt',
    BDAT: 'bdat fresh idle mail rcpt',
    RSET: 'bdat fresh idle mail rcpt',
    NOOP: 'bdat fresh idle mail rcpt',
    QUIT: 'bdat fresh idle mail rcpt',
    HELP: 'bdat fresh idle mail rcpt',
    TURN: 'bdat fresh idle mail rcpt',
    VRFY: 'bdat fresh idle mail rcpt',
    EXPN: 'bdat fresh idle mail rcpt',
    STARTTLS: 'fresh idle',
    AUTH: 'idle',
  });
});
