/**
 * Argument grammars of the smaller commands (RFC 3501 §6, RFC 9051 §6 and extensions):
 * mailbox names (RFC 3501 §5.1), LIST (RFC 5258 LIST-EXTENDED, RFC 5819 LIST-STATUS,
 * RFC 6154 SPECIAL-USE), STATUS items, SELECT/EXAMINE parameters (RFC 7162 CONDSTORE,
 * QRESYNC), STORE (with UNCHANGEDSINCE), APPEND (RFC 3502 MULTIAPPEND, RFC 3516 literal8,
 * RFC 4469 CATENATE in parse/catenate.ts).
 * Each function consumes exactly its grammar from the cursor and throws BAD otherwise.
 */
import { bad, no } from '../errors.js';
import { decodeMutf7 } from '../mutf7.js';
import type { Reader } from '../reader.js';
import { readDateTime } from '../dates.js';
import { readSeqSet, type SeqSet } from '../seqset.js';
import { readCatenateParts, type CatenatePart } from './catenate.js';

export const SEPARATOR = '/';

/** A mailbox argument: "INBOX" in any case is INBOX (RFC 3501 §5.1); modified UTF-7 is decoded
 *  unless the session enabled UTF-8 (RFC 6855 §3, RFC 9051 §5.1). */
export function readMailbox(r: Reader, utf8: boolean): string {
  const raw = r.astring('a mailbox name');
  if (utf8) return normaliseMailbox(raw);
  try {
    return normaliseMailbox(decodeMutf7(raw));
  } catch (e) {
    // Well-formed syntax naming a mailbox that cannot exist: NO, not BAD (as Dovecot answers).
    throw no(`Invalid mailbox name: ${(e as Error).message}`, 'CANNOT');
  }
}

export function normaliseMailbox(name: string): string {
  if (name.toUpperCase() === 'INBOX') return 'INBOX';
  if (name.toUpperCase().startsWith('INBOX' + SEPARATOR)) return 'INBOX' + name.slice(5);
  return name;
}

/** Names we refuse to create (RFC 3501 §5.1; RFC 9051 §5.1): empty levels, wildcards, controls, "." levels. */
export function checkNewMailboxName(name: string): void {
  if (name.length === 0 || name.length > 1000) throw no('Invalid mailbox name', 'CANNOT');
  if (/[\x00-\x1f\x7f*%]/.test(name)) throw no('Mailbox names cannot contain wildcards or control characters', 'CANNOT');
  for (const level of name.split(SEPARATOR)) {
    if (level === '' || level === '.' || level === '..') throw no('Invalid mailbox name: empty or "." level', 'CANNOT');
  }
  if (name.split(SEPARATOR).length > 32) throw no('Mailbox hierarchy too deep', 'LIMIT');
}

/** DELETED-STORAGE: RFC 9208 §4.1.4, required with QUOTA=RES-STORAGE (§5.1). */
export type StatusItem = 'MESSAGES' | 'RECENT' | 'UIDNEXT' | 'UIDVALIDITY' | 'UNSEEN' | 'DELETED' | 'SIZE' | 'HIGHESTMODSEQ' | 'APPENDLIMIT'
  | 'DELETED-STORAGE';
const STATUS_ITEMS = new Set<StatusItem>(['MESSAGES', 'RECENT', 'UIDNEXT', 'UIDVALIDITY', 'UNSEEN', 'DELETED', 'SIZE', 'HIGHESTMODSEQ', 'APPENDLIMIT',
  'DELETED-STORAGE']);

/** "(" status-att *(SP status-att) ")" (RFC 3501 §6.3.10, RFC 9051 §6.3.11, RFC 7162 §3.1.9). */
export function readStatusItems(r: Reader): StatusItem[] {
  return r.list(() => {
    const a = r.atom('a status item').toUpperCase() as StatusItem;
    if (!STATUS_ITEMS.has(a)) throw bad(`Unknown status item ${a}`);
    return a;
  }, false, 20);
}

export interface ListArgs {
  reference: string;
  patterns: string[];
  select: { subscribed: boolean; recursiveMatch: boolean; specialUse: boolean };
  returns: { subscribed: boolean; children: boolean; specialUse: boolean; status: StatusItem[] | null };
  /** True when any LIST-EXTENDED syntax was used (RFC 5258 §3: then CHILDREN info is not implied). */
  extended: boolean;
}

/** LIST [SP list-select-opts] SP mailbox SP mbox-or-pat [SP list-return-opts] (RFC 5258 §6). */
export function readListArgs(r: Reader, utf8: boolean): ListArgs {
  const args: ListArgs = {
    reference: '', patterns: [], extended: false,
    select: { subscribed: false, recursiveMatch: false, specialUse: false },
    returns: { subscribed: false, children: false, specialUse: false, status: null },
  };
  r.sp();
  if (r.peekChar('(')) {
    args.extended = true;
    r.list(() => {
      const o = r.atom('a selection option').toUpperCase();
      if (o === 'SUBSCRIBED') args.select.subscribed = true;
      else if (o === 'RECURSIVEMATCH') args.select.recursiveMatch = true;
      else if (o === 'SPECIAL-USE') args.select.specialUse = true;
      else if (o !== 'REMOTE') throw bad(`Unknown LIST selection option ${o}`);
    }, true, 10);
    // RFC 5258 §3.1: RECURSIVEMATCH needs another option with it.
    if (args.select.recursiveMatch && !args.select.subscribed && !args.select.specialUse) throw bad('RECURSIVEMATCH alone');
    r.sp();
  }
  // A pattern that is not valid modified UTF-7 matches nothing: it is kept as given (RFC 3501 §6.3.8 gives no error for it).
  const dec = (s: string) => {
    if (utf8) return s;
    try {
      return decodeMutf7(s);
    } catch {
      return s;
    }
  };
  args.reference = dec(r.astring('a reference name'));
  r.sp();
  if (r.peekChar('(')) {
    args.extended = true;
    args.patterns = r.list(() => dec(r.listMailbox()), false, 50);
  } else args.patterns = [dec(r.listMailbox())];
  if (!r.atEnd()) {
    r.sp();
    if (!r.eatWord('RETURN')) throw bad('Expected RETURN');
    args.extended = true;
    r.sp();
    r.list(() => {
      const o = r.atom('a return option').toUpperCase();
      if (o === 'SUBSCRIBED') args.returns.subscribed = true;
      else if (o === 'CHILDREN') args.returns.children = true;
      else if (o === 'SPECIAL-USE') args.returns.specialUse = true;
      else if (o === 'STATUS') {
        r.sp();
        args.returns.status = readStatusItems(r);
      } else throw bad(`Unknown LIST return option ${o}`);
    }, true, 10);
  }
  r.end();
  return args;
}

export interface SelectArgs {
  condstore: boolean;
  qresync: { uidValidity: number; modseq: number; knownUids: SeqSet | null } | null;
}

/** SELECT/EXAMINE mailbox [SP "(" select-param *(SP select-param) ")"] (RFC 7162 §3.1.8, §3.2.5). */
export function readSelectParams(r: Reader): SelectArgs {
  const args: SelectArgs = { condstore: false, qresync: null };
  if (r.atEnd()) return args;
  r.sp();
  r.list(() => {
    const p = r.atom('a select parameter').toUpperCase();
    if (p === 'CONDSTORE') args.condstore = true;
    else if (p === 'QRESYNC') {
      r.sp();
      r.expect('(');
      const uidValidity = r.nzNumber('a UIDVALIDITY');
      r.sp();
      const modseq = r.number('a mod-sequence', Number.MAX_SAFE_INTEGER);
      let knownUids: SeqSet | null = null;
      if (r.eat(' ')) {
        if (!r.peekChar('(')) {
          knownUids = readSeqSet(r, false);
          r.eat(' ');
        }
        // Optional seq-match-data "(" seqs SP uids ")": accepted and ignored (RFC 7162 §3.2.5.2 allows it).
        if (r.eat('(')) {
          readSeqSet(r, false);
          r.sp();
          readSeqSet(r, false);
          r.expect(')');
        }
      }
      r.expect(')');
      args.qresync = { uidValidity, modseq, knownUids };
    } else throw bad(`Unknown SELECT parameter ${p}`);
  }, false, 5);
  r.end();
  return args;
}

export interface StoreArgs {
  set: SeqSet;
  unchangedSince: number | null;
  mode: 'add' | 'remove' | 'replace';
  silent: boolean;
  flags: string[];
}

/** STORE sequence-set [SP "(" UNCHANGEDSINCE n ")"] SP store-att-flags (RFC 3501 §6.4.6, RFC 7162 §3.1.3). */
export function readStoreArgs(r: Reader): StoreArgs {
  r.sp();
  const set = readSeqSet(r);
  r.sp();
  let unchangedSince: number | null = null;
  if (r.eat('(')) {
    if (!r.eatWord('UNCHANGEDSINCE')) throw bad('Unknown STORE modifier');
    r.sp();
    unchangedSince = r.number('a mod-sequence', Number.MAX_SAFE_INTEGER);
    r.expect(')');
    r.sp();
  }
  const mode = r.eat('+') ? 'add' : r.eat('-') ? 'remove' : 'replace';
  const silent = r.eatWord('FLAGS.SILENT');
  if (!silent && !r.eatWord('FLAGS')) throw bad('Expected FLAGS or FLAGS.SILENT');
  r.sp();
  let flags: string[];
  if (r.peekChar('(')) flags = r.flagList();
  else {
    flags = [r.flag()];
    while (!r.atEnd()) {
      r.sp();
      flags.push(r.flag());
    }
  }
  r.end();
  if (flags.some((f) => f.toLowerCase() === '\\recent')) throw bad('\\Recent cannot be stored');
  return { set, unchangedSince, mode, silent, flags };
}

export interface AppendMessage {
  flags: string[];
  internalDate: number | null;
  data: Buffer;
  binary: boolean;
  /** RFC 4469 CATENATE: the parts to join (data is then empty). */
  catenate?: CatenatePart[];
}

/** APPEND mailbox 1*(SP [flag-list SP] [date-time SP] literal) (RFC 3501 §6.3.11, RFC 3502 §6.3.11). */
export function readAppendArgs(r: Reader, utf8: boolean): { mailbox: string; messages: AppendMessage[] } {
  r.sp();
  const mailbox = readMailbox(r, utf8);
  const messages: AppendMessage[] = [];
  while (!r.atEnd()) {
    r.sp();
    const hasFlags = r.peekChar('(');
    const flags = hasFlags ? r.flagList() : [];
    if (hasFlags) r.sp();
    const internalDate = r.peekChar('"') ? readDateTime(r) : null;
    if (internalDate !== null) r.sp();
    // RFC 4469 §5: append-data = literal / literal8 / append-data-ext (CATENATE).
    if (r.eatWord('CATENATE')) {
      r.sp();
      messages.push({ flags, internalDate, data: Buffer.alloc(0), binary: false, catenate: readCatenateParts(r) });
      if (messages.length > 1000) throw bad('Too many messages in one APPEND', 'LIMIT');
      continue;
    }
    // RFC 9051 §6.3.12: UTF8 (literal) form of UTF8=ACCEPT is accepted as a plain literal.
    let utf8Wrapped = false;
    if (r.eatWord('UTF8')) {
      r.sp();
      r.expect('(');
      utf8Wrapped = true;
    }
    const { data, binary } = r.literal(true);
    if (utf8Wrapped) r.expect(')');
    messages.push({ flags, internalDate, data, binary });
    if (messages.length > 1000) throw bad('Too many messages in one APPEND', 'LIMIT');
  }
  if (messages.length === 0) throw bad('APPEND needs a message');
  return { mailbox, messages };
}

/** COPY/MOVE sequence-set SP mailbox (RFC 3501 §6.4.7, RFC 6851 §3.1). */
export function readCopyArgs(r: Reader, utf8: boolean): { set: SeqSet; mailbox: string } {
  r.sp();
  const set = readSeqSet(r);
  r.sp();
  const mailbox = readMailbox(r, utf8);
  r.end();
  return { set, mailbox };
}
