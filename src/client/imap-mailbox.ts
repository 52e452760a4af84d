/**
 * Mailbox operations of the IMAP client, all by UID (RFC 3501 §6.4.8) so numbers stay valid
 * across sessions: LIST, SELECT/EXAMINE (with CONDSTORE or QRESYNC when offered, RFC 7162),
 * UID FETCH / SEARCH / STORE / COPY / MOVE (RFC 6851) / EXPUNGE (RFC 4315), APPEND.
 */
import { ClientError } from './errors.js';
import { astring, Literal, type Arg, type DataResponse, type ImapClient } from './imap.js';
import { envelope, fetchAttributes, hasAttachment, list, text, type ImapValue } from './imap-response.js';
import type { Envelope } from '../mime/types.js';
import { decodeMutf7 } from '../protocol/imap/mutf7.js';
import { formatSet } from '../protocol/imap/seqset.js';
import { readDateTime } from '../protocol/imap/dates.js';
import { Reader } from '../protocol/imap/reader.js';

export interface Folder {
  name: string;
  delimiter: string | null;
  flags: string[];
}

export interface Selected {
  name: string;
  exists: number;
  uidValidity: number;
  uidNext: number;
  /** RFC 7162 §3.1.2.1; 0 when the server has no CONDSTORE (or NOMODSEQ). */
  highestModseq: number;
  /** With QRESYNC: UIDs expunged since the given modseq (RFC 7162 §3.2.5.1 VANISHED (EARLIER)). */
  vanished: number[];
  /** With QRESYNC: flag changes since the given modseq. */
  changed: FetchRow[];
}

export interface FetchRow {
  uid: number;
  flags?: string[];
  size?: number;
  internalDate?: number;
  envelope?: Envelope;
  attachment?: boolean;
  modseq?: number;
  body?: Buffer;
}

export function uidSet(uids: readonly number[]): string {
  return formatSet([...new Set(uids)].sort((a, b) => a - b));
}

export async function listFolders(c: ImapClient): Promise<Folder[]> {
  const r = await c.run(['LIST', '""', '"*"']); // RFC 3501 §6.3.8
  return r.data
    .filter((d) => d.name === 'LIST')
    .map((d) => {
      const raw = text(d.values[2]) ?? '';
      let name = raw;
      if (!c.utf8) {
        try {
          name = decodeMutf7(raw);
        } catch {
          name = raw; // a server that sends invalid modified UTF-7: show it as it is
        }
      }
      return { name, delimiter: text(d.values[1]), flags: list(d.values[0]).map((f) => String(text(f))) };
    });
}

/** Turns on what the server offers for synchronisation (RFC 7162 §3.2.3 ENABLE QRESYNC). */
export async function enableSync(c: ImapClient): Promise<'qresync' | 'condstore' | 'none'> {
  if (c.caps.has('QRESYNC') && c.caps.has('ENABLE')) {
    await c.run(['ENABLE', 'QRESYNC']);
    return 'qresync';
  }
  return c.caps.has('CONDSTORE') ? 'condstore' : 'none';
}

export interface SelectOptions {
  readOnly?: boolean;
  condstore?: boolean;
  qresync?: { uidValidity: number; modseq: number };
}

export async function select(c: ImapClient, name: string, o: SelectOptions = {}): Promise<Selected> {
  const args: Arg[] = [o.readOnly ? 'EXAMINE' : 'SELECT', c.mailbox(name)];
  if (o.qresync) args.push(`(QRESYNC (${o.qresync.uidValidity} ${o.qresync.modseq}))`);
  else if (o.condstore && c.caps.has('CONDSTORE')) args.push('(CONDSTORE)'); // RFC 7162 §3.1.8
  const r = await c.run(args);
  const s: Selected = { name, exists: 0, uidValidity: 0, uidNext: 0, highestModseq: 0, vanished: [], changed: [] };
  for (const d of r.data) {
    if (d.name === 'EXISTS' && d.num !== null) s.exists = d.num;
    if (d.name === 'VANISHED') s.vanished.push(...expandSet(String(text(d.values[d.values.length - 1]))));
    if (d.name === 'FETCH') s.changed.push(fetchRow(d));
  }
  for (const n of [...r.notes, r.done]) {
    const code = n.code;
    if (code?.name === 'UIDVALIDITY') s.uidValidity = Number(code.args);
    if (code?.name === 'UIDNEXT') s.uidNext = Number(code.args);
    if (code?.name === 'HIGHESTMODSEQ') s.highestModseq = Number(code.args);
  }
  return s;
}

/** `1:3,7` → [1,2,3,7] (UID sets from VANISHED and ESEARCH). */
export function expandSet(set: string): number[] {
  const out: number[] = [];
  for (const part of set.split(',')) {
    const [a, b] = part.split(':').map(Number);
    if (!Number.isFinite(a)) continue;
    const [lo, hi] = b === undefined || !Number.isFinite(b) ? [a, a] : a <= b ? [a, b] : [b, a];
    for (let i = lo; i <= hi; i++) out.push(i);
  }
  return out;
}

function fetchRow(d: DataResponse): FetchRow {
  const a = fetchAttributes(d.values);
  const row: FetchRow = { uid: Number(text(a.get('UID')) ?? 0) };
  if (a.has('FLAGS')) row.flags = list(a.get('FLAGS')).map((f) => String(text(f)));
  if (a.has('RFC822.SIZE')) row.size = Number(text(a.get('RFC822.SIZE')));
  if (a.has('INTERNALDATE')) row.internalDate = internalDate(a.get('INTERNALDATE'));
  if (a.has('ENVELOPE')) row.envelope = envelope(a.get('ENVELOPE'));
  if (a.has('BODYSTRUCTURE')) row.attachment = hasAttachment(a.get('BODYSTRUCTURE'));
  if (a.has('MODSEQ')) row.modseq = Number(text(list(a.get('MODSEQ'))[0]));
  const body = a.get('BODY[]');
  if (body !== undefined) row.body = Buffer.isBuffer(body) ? body : Buffer.from(text(body) ?? '', 'utf8');
  return row;
}

function internalDate(v: ImapValue | undefined): number | undefined {
  const s = text(v);
  if (s === null) return undefined;
  try {
    return readDateTime(new Reader(Buffer.from(`"${s}"`)));
  } catch {
    return undefined;
  }
}

/** UID FETCH; `changedSince` adds RFC 7162 §3.1.4 CHANGEDSINCE. */
export async function fetch(c: ImapClient, uids: string, items: string, changedSince?: number): Promise<FetchRow[]> {
  const args: Arg[] = ['UID', 'FETCH', uids, `(UID ${items})`];
  if (changedSince !== undefined) args.push(`(CHANGEDSINCE ${changedSince})`);
  const r = await c.run(args);
  return r.data.filter((d) => d.name === 'FETCH').map(fetchRow).filter((x) => x.uid > 0);
}

/** UID SEARCH with the given criteria (RFC 3501 §6.4.4); CHARSET UTF-8 when text is not ASCII. */
export async function search(c: ImapClient, criteria: Arg[]): Promise<number[]> {
  const utf8 = criteria.some((a) => a instanceof Literal);
  const r = await c.run(['UID', 'SEARCH', ...(utf8 ? ['CHARSET', 'UTF-8'] : []), ...criteria]);
  const out: number[] = [];
  for (const d of r.data) if (d.name === 'SEARCH') for (const v of d.values) if (typeof v === 'string' && /^\d+$/.test(v)) out.push(Number(v));
  return out.sort((a, b) => a - b);
}

export function searchText(t: string): Arg[] {
  return ['TEXT', astring(t)];
}

export async function store(c: ImapClient, uids: readonly number[], op: '+' | '-', flags: readonly string[]): Promise<void> {
  if (uids.length === 0 || flags.length === 0) return;
  await c.run(['UID', 'STORE', uidSet(uids), `${op}FLAGS.SILENT`, `(${flags.join(' ')})`]); // RFC 3501 §6.4.6
}

/** Removes the messages now (UIDPLUS: only these; RFC 4315 §2.1). */
export async function expunge(c: ImapClient, uids: readonly number[]): Promise<void> {
  if (uids.length === 0) return;
  await store(c, uids, '+', ['\\Deleted']);
  if (c.caps.has('UIDPLUS')) await c.run(['UID', 'EXPUNGE', uidSet(uids)]);
  else await c.run(['EXPUNGE']);
}

/** MOVE (RFC 6851) when offered, else COPY then delete. */
export async function move(c: ImapClient, uids: readonly number[], target: string): Promise<void> {
  if (uids.length === 0) return;
  if (c.caps.has('MOVE')) {
    await c.run(['UID', 'MOVE', uidSet(uids), c.mailbox(target)]);
    return;
  }
  await c.run(['UID', 'COPY', uidSet(uids), c.mailbox(target)]);
  await expunge(c, uids);
}

export async function append(c: ImapClient, folder: string, flags: readonly string[], raw: Buffer): Promise<void> {
  await c.run(['APPEND', c.mailbox(folder), `(${flags.join(' ')})`, new Literal(raw)]); // RFC 3501 §6.3.11
}

export function requireFound(rows: FetchRow[], uid: number, where: string): FetchRow {
  const row = rows.find((r) => r.uid === uid);
  if (!row) throw new ClientError('not-found', `no message ${uid} in ${where}`);
  return row;
}
