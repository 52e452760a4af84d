/**
 * SEARCH arguments (RFC 3501 §6.4.4, RFC 9051 §6.4.4): an optional RETURN list (RFC 4731
 * ESEARCH, RFC 5182 SAVE), an optional CHARSET (only US-ASCII and UTF-8 are accepted: BADCHARSET
 * otherwise) and a tree of search keys, with OR/NOT/parentheses nested at most MAX_DEPTH deep
 * and at most MAX_KEYS keys in all, so a hostile query is refused before any work.
 * Also: MODSEQ (RFC 7162 §3.1.5) and OLDER/YOUNGER (RFC 5032 WITHIN).
 */
import { bad, ImapError } from '../errors.js';
import type { Reader } from '../reader.js';
import { readDate } from '../dates.js';
import { readSeqSet, type SeqSet } from '../seqset.js';
import { readReturnOpts, type ReturnOption } from './return-opts.js';

export const MAX_DEPTH = 32;
export const MAX_KEYS = 1000;

export type DateField = 'internal' | 'sent';

export type SearchKey =
  | { kind: 'all' }
  | { kind: 'flag'; flag: string; set: boolean }
  | { kind: 'new' } | { kind: 'old' } | { kind: 'recent'; set: boolean }
  | { kind: 'header'; field: string; value: string }
  | { kind: 'body' | 'text'; value: string }
  | { kind: 'date'; field: DateField; op: 'before' | 'on' | 'since'; day: number }
  | { kind: 'size'; op: 'larger' | 'smaller'; n: number }
  | { kind: 'age'; op: 'older' | 'younger'; seconds: number }
  | { kind: 'modseq'; n: number }
  | { kind: 'seq'; set: SeqSet } | { kind: 'uid'; set: SeqSet }
  | { kind: 'not'; key: SearchKey }
  | { kind: 'or'; a: SearchKey; b: SearchKey }
  | { kind: 'and'; keys: SearchKey[] };

export type { ReturnOption } from './return-opts.js';
import type { PartialRange } from './return-opts.js';

export interface SearchArgs {
  /** null: plain SEARCH response; [] : RETURN () which means ALL (RFC 4731 §3.1). */
  returns: ReturnOption[] | null;
  /** RFC 5267 §4.4 / RFC 9394 §3.1 PARTIAL range, or null. */
  partial: PartialRange | null;
  charset: string | null;
  key: SearchKey;
}

const FLAG_KEYS: Record<string, [string, boolean]> = {
  ANSWERED: ['\\Answered', true], DELETED: ['\\Deleted', true], DRAFT: ['\\Draft', true],
  FLAGGED: ['\\Flagged', true], SEEN: ['\\Seen', true], UNANSWERED: ['\\Answered', false],
  UNDELETED: ['\\Deleted', false], UNDRAFT: ['\\Draft', false], UNFLAGGED: ['\\Flagged', false],
  UNSEEN: ['\\Seen', false],
};
const ADDRESS_KEYS = new Set(['BCC', 'CC', 'FROM', 'SUBJECT', 'TO']);
const DATE_KEYS: Record<string, [DateField, 'before' | 'on' | 'since']> = {
  BEFORE: ['internal', 'before'], ON: ['internal', 'on'], SINCE: ['internal', 'since'],
  SENTBEFORE: ['sent', 'before'], SENTON: ['sent', 'on'], SENTSINCE: ['sent', 'since'],
};

export function readSearchArgs(r: Reader): SearchArgs {
  r.sp();
  const ret = readReturnOpts(r);
  let charset: string | null = null;
  if (r.eatWord('CHARSET')) {
    r.sp();
    charset = r.astring('a charset');
    checkCharset(charset);
    r.sp();
  }
  return { returns: ret?.options ?? null, partial: ret?.partial ?? null, charset, key: readSearchKeys(r) };
}

/** 1*search-key separated by SP, to the end of the command (RFC 3501 §9 search). */
export function readSearchKeys(r: Reader): SearchKey {
  const counter = { n: 0 };
  const keys: SearchKey[] = [readKey(r, 0, counter)];
  while (!r.atEnd()) {
    r.sp();
    keys.push(readKey(r, 0, counter));
  }
  return keys.length === 1 ? keys[0] : { kind: 'and', keys };
}

/** search-charset: only US-ASCII and UTF-8 (RFC 3501 §6.4.4: otherwise NO [BADCHARSET]). */
export function checkCharset(charset: string): void {
  if (!/^(US-ASCII|UTF-8)$/i.test(charset)) throw new ImapError('NO', 'Unsupported charset', 'BADCHARSET (US-ASCII UTF-8)');
}

function readKey(r: Reader, depth: number, counter: { n: number }): SearchKey {
  if (depth > MAX_DEPTH) throw bad('Search keys nest too deep', 'LIMIT');
  if (++counter.n > MAX_KEYS) throw bad('Too many search keys', 'LIMIT');
  if (r.eat('(')) {
    const keys: SearchKey[] = [readKey(r, depth + 1, counter)];
    while (!r.eat(')')) {
      r.sp();
      keys.push(readKey(r, depth + 1, counter));
    }
    return keys.length === 1 ? keys[0] : { kind: 'and', keys };
  }
  const c = r.peek();
  if ((c >= 0x30 && c <= 0x39) || c === 0x2a || c === 0x24) return { kind: 'seq', set: readSeqSet(r) };
  const word = r.atom('a search key').toUpperCase();
  const arg = (): string => {
    r.sp();
    return r.astring('a search string');
  };
  const flag = FLAG_KEYS[word];
  if (flag) return { kind: 'flag', flag: flag[0], set: flag[1] };
  if (ADDRESS_KEYS.has(word)) return { kind: 'header', field: word.toLowerCase(), value: arg() };
  const date = DATE_KEYS[word];
  if (date) {
    r.sp();
    return { kind: 'date', field: date[0], op: date[1], day: readDate(r) };
  }
  switch (word) {
    case 'ALL': return { kind: 'all' };
    case 'NEW': return { kind: 'new' };
    case 'OLD': return { kind: 'old' };
    case 'RECENT': return { kind: 'recent', set: true };
    case 'BODY': return { kind: 'body', value: arg() };
    case 'TEXT': return { kind: 'text', value: arg() };
    case 'HEADER': {
      const field = arg();
      return { kind: 'header', field: field.toLowerCase(), value: arg() };
    }
    case 'KEYWORD': case 'UNKEYWORD': {
      r.sp();
      return { kind: 'flag', flag: r.flag(), set: word === 'KEYWORD' };
    }
    case 'LARGER': case 'SMALLER': {
      r.sp();
      return { kind: 'size', op: word === 'LARGER' ? 'larger' : 'smaller', n: r.number('a size', Number.MAX_SAFE_INTEGER) };
    }
    case 'OLDER': case 'YOUNGER': {
      r.sp();
      return { kind: 'age', op: word === 'OLDER' ? 'older' : 'younger', seconds: r.nzNumber('an interval') };
    }
    case 'MODSEQ': {
      r.sp();
      // RFC 7162 §3.1.5: [SP entry-name SP entry-type-req] before the number.
      if (r.peekChar('"')) {
        r.string();
        r.sp();
        r.atom('an entry type');
        r.sp();
      }
      return { kind: 'modseq', n: r.number('a mod-sequence', Number.MAX_SAFE_INTEGER) };
    }
    case 'UID': {
      r.sp();
      return { kind: 'uid', set: readSeqSet(r) };
    }
    case 'NOT': {
      r.sp();
      return { kind: 'not', key: readKey(r, depth + 1, counter) };
    }
    case 'OR': {
      r.sp();
      const a = readKey(r, depth + 1, counter);
      r.sp();
      return { kind: 'or', a, b: readKey(r, depth + 1, counter) };
    }
    default: throw bad(`Unknown search key ${word}`);
  }
}
