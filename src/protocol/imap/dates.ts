/**
 * IMAP dates (RFC 3501 §9): `date` for SEARCH (day granularity, no zone: compared in the
 * server's zone, here UTC) and `date-time` for APPEND and INTERNALDATE
 * ("dd-Mon-yyyy hh:mm:ss +zzzz"). Values outside the calendar are refused as BAD.
 */
import { bad } from './errors.js';
import type { Reader } from './reader.js';

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

function month(name: string): number {
  const i = MONTHS.findIndex((m) => m.toLowerCase() === name.toLowerCase());
  if (i === -1) throw bad(`Invalid month "${name}"`);
  return i;
}

function validDay(y: number, m: number, d: number): void {
  const days = new Date(Date.UTC(y, m + 1, 0)).getUTCDate();
  if (d < 1 || d > days || y < 1) throw bad('Invalid date');
}

/** RFC 3501 §9 date = date-text / DQUOTE date-text DQUOTE; returns the UTC midnight (ms). */
export function readDate(r: Reader): number {
  const quoted = r.eat('"');
  const text = r.atom('a date');
  if (quoted) r.expect('"');
  const m = /^(\d{1,2})-([A-Za-z]{3})-(\d{4})$/.exec(text);
  if (!m) throw bad('Invalid date, expected d-Mon-yyyy');
  const y = Number(m[3]);
  const mo = month(m[2]);
  const d = Number(m[1]);
  validDay(y, mo, d);
  return Date.UTC(y, mo, d);
}

/** RFC 3501 §9 date-time (DQUOTE date-day-fixed "-" date-month "-" date-year SP time SP zone DQUOTE). */
export function readDateTime(r: Reader): number {
  const s = r.quoted().toString('latin1');
  const m = /^([ \d]\d)-([A-Za-z]{3})-(\d{4}) (\d\d):(\d\d):(\d\d) ([+-])(\d\d)(\d\d)$/.exec(s);
  if (!m) throw bad('Invalid date-time');
  const y = Number(m[3]);
  const mo = month(m[2]);
  const d = Number(m[1].trim());
  validDay(y, mo, d);
  const [hh, mi, ss] = [Number(m[4]), Number(m[5]), Number(m[6])];
  if (hh > 23 || mi > 59 || ss > 60) throw bad('Invalid time');
  const zone = (m[7] === '-' ? -1 : 1) * (Number(m[8]) * 60 + Number(m[9]));
  return Date.UTC(y, mo, d, hh, mi, Math.min(ss, 59)) - zone * 60000;
}

/** INTERNALDATE as sent (RFC 3501 §7.4.2): "dd-Mon-yyyy hh:mm:ss +0000", in UTC. */
export function formatDateTime(ms: number): string {
  const t = new Date(ms);
  const p = (n: number) => String(n).padStart(2, '0');
  return `${p(t.getUTCDate())}-${MONTHS[t.getUTCMonth()]}-${t.getUTCFullYear()} ${p(t.getUTCHours())}:${p(t.getUTCMinutes())}:${p(t.getUTCSeconds())} +0000`;
}

/** The UTC day (midnight ms) a timestamp falls on: SEARCH compares dates by day (RFC 3501 §6.4.4). */
export function dayOf(ms: number): number {
  const t = new Date(ms);
  return Date.UTC(t.getUTCFullYear(), t.getUTCMonth(), t.getUTCDate());
}
