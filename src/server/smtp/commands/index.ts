/**
 * The command table, built from the command modules' own declarations (STYLE.md habit 2).
 * The dispatcher (session.ts) looks verbs up here and checks `states` before `handle`.
 */
import type { SmtpCommand } from '../api.js';
import { ehlo } from './ehlo.js';
import { helo } from './helo.js';
import { mail } from './mail.js';
import { rcpt } from './rcpt.js';
import { data } from './data.js';
import { bdat } from './bdat.js';
import { rset, noop, quit, help, turn } from './simple.js';
import { vrfy, expn } from './vrfy.js';
import { starttls } from './starttls.js';
import { auth } from './auth.js';

export const COMMANDS: ReadonlyMap<string, SmtpCommand> = new Map(
  [ehlo, helo, mail, rcpt, data, bdat, rset, noop, quit, help, turn, vrfy, expn, starttls, auth].map((c) => [c.name, c]),
);
