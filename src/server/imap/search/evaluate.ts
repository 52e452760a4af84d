/**
 * SEARCH evaluation (RFC 3501 §6.4.4, RFC 9051 §6.4.4). Keys that need only flags, UIDs and
 * sequence numbers run on the flag rows; keys on size, dates and header fields on the stored
 * metadata (never the blob); TEXT uses the store's full-text index (MailStore.searchText),
 * BODY the index narrowed by the parsed text parts. String matching is case-insensitive
 * substring matching (RFC 3501 §6.4.4).
 */
import type { EnvelopeAddress, ParsedMessage } from '../../../mime/types.js';
import type { MessageFlags, MessageRow } from '../../../store/types.js';
import type { SearchKey } from '../../../protocol/imap/parse/search.js';
import { dayOf } from '../../../protocol/imap/dates.js';
import { inRanges, resolveRanges, type SeqSet } from '../../../protocol/imap/seqset.js';

export interface Candidate {
  seq: number;
  flags: MessageFlags;
  row: MessageRow | null;
  meta: ParsedMessage | null;
}

export interface SearchEnv {
  exists: number;
  maxUid: number;
  saved: number[];
  now: number;
  /** UIDs that are \Recent in this session. */
  recent: Set<number>;
  /** UIDs matching TEXT/BODY words, looked up once per distinct string. */
  textHits: Map<string, Set<number>>;
}

/** True when evaluating `key` needs the full row (metadata) of every message. */
export function needsRow(key: SearchKey): boolean {
  switch (key.kind) {
    case 'header': case 'body': case 'date': case 'size': case 'age': return true;
    case 'not': return needsRow(key.key);
    case 'or': return needsRow(key.a) || needsRow(key.b);
    case 'and': return key.keys.some(needsRow);
    default: return false;
  }
}

/** A key whose matches all lie among the full-text index hits for its string: TEXT, BODY, and
 *  SUBJECT (the index holds the decoded subject; raw-only matches such as text inside an
 *  encoded-word are not matches in Dovecot either). Returns that string, or null. */
export function indexedString(k: SearchKey): string | null {
  if (k.kind === 'text' || k.kind === 'body') return k.value;
  if (k.kind === 'header' && k.field === 'subject' && k.value.trim() !== '') return k.value;
  return null;
}

/** UIDs every match must be among: the intersection of the top-level indexed keys' hits; null = any. */
export function requiredUids(key: SearchKey, env: SearchEnv): Set<number> | null {
  const keys = key.kind === 'and' ? key.keys : [key];
  let out: number[] | null = null;
  for (const k of keys) {
    const value = indexedString(k);
    if (value === null) continue;
    const hits: Set<number> = env.textHits.get(value) ?? new Set<number>();
    out = out === null ? [...hits] : out.filter((u) => hits.has(u));
  }
  return out === null ? null : new Set(out);
}

/** The strings to look up in the index: TEXT/BODY anywhere, SUBJECT at the top level. */
export function textStrings(key: SearchKey, out: Set<string> = new Set(), top = true): Set<string> {
  if (top) for (const k of key.kind === 'and' ? key.keys : [key]) { const v = indexedString(k); if (v !== null) out.add(v); }
  if (key.kind === 'text' || key.kind === 'body') out.add(key.value);
  else if (key.kind === 'not') textStrings(key.key, out, false);
  else if (key.kind === 'or') { textStrings(key.a, out, false); textStrings(key.b, out, false); }
  else if (key.kind === 'and') for (const k of key.keys) textStrings(k, out, false);
  return out;
}

export function usesModseq(key: SearchKey): boolean {
  if (key.kind === 'modseq') return true;
  if (key.kind === 'not') return usesModseq(key.key);
  if (key.kind === 'or') return usesModseq(key.a) || usesModseq(key.b);
  if (key.kind === 'and') return key.keys.some(usesModseq);
  return false;
}

function hasFlag(m: MessageFlags, flag: string): boolean {
  const f = flag.toLowerCase();
  return m.flags.some((x) => x.toLowerCase() === f);
}

function inSet(set: SeqSet, n: number, max: number, saved: number[] | null): boolean {
  if (set.kind === 'saved') return saved !== null && saved.includes(n);
  return inRanges(resolveRanges(set.ranges, max), n);
}

function contains(hay: string | null | undefined, needle: string): boolean {
  return hay !== null && hay !== undefined && hay.toLowerCase().includes(needle.toLowerCase());
}

const ADDRESS_FIELDS: Record<string, keyof ParsedMessage['envelope']> = { from: 'from', to: 'to', cc: 'cc', bcc: 'bcc' };

/** Address fields also match their parsed form ("name <local@domain>"), so comments and
 *  quoting in the raw header do not hide an address (as Dovecot matches). */
function addressMatch(meta: ParsedMessage, field: string, value: string): boolean {
  const key = ADDRESS_FIELDS[field];
  const list = key ? (meta.envelope[key] as EnvelopeAddress[] | null) : null;
  if (!list) return false;
  // RFC 5322 §3.2.2: comments and folding white space are not part of the address.
  const bare = (s: string) => s.replace(/\([^()]*\)/g, '').replace(/\s+/g, '');
  return list.some((a) => a.mailbox !== null && a.host !== null && contains(`${a.name ?? ''} <${bare(a.mailbox)}@${bare(a.host)}>`, value));
}

function headerMatch(meta: ParsedMessage, field: string, value: string): boolean {
  if (value !== '' && addressMatch(meta, field, value)) return true;
  const decoded: Record<string, string> = { subject: meta.subject, from: meta.from, to: meta.to, cc: meta.cc };
  let present = false;
  for (const [name, raw] of meta.headers) {
    if (name.toLowerCase() !== field) continue;
    present = true;
    if (contains(raw, value)) return true;
  }
  // RFC 3501 §6.4.4: HEADER with an empty string matches every message that has the field.
  if (value === '') return present;
  return present && contains(decoded[field], value);
}

const MONTHS = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];

/** RFC 3501 §6.4.4 SENT*: the Date: field's own calendar day, disregarding time and zone. */
function sentDay(meta: ParsedMessage | null, fallback: number): number {
  const raw = meta?.headers.find(([n]) => n.toLowerCase() === 'date')?.[1];
  const m = raw ? /(\d{1,2})\s+([A-Za-z]{3})[a-z]*\s+(\d{2,4})/.exec(raw) : null;
  const mon = m ? MONTHS.indexOf(m[2].toLowerCase()) : -1;
  if (m && mon >= 0) {
    let y = Number(m[3]);
    if (y < 50) y += 2000;
    else if (y < 1000) y += 1900; // RFC 5322 §4.3 obsolete two- and three-digit years
    return Date.UTC(y, mon, Number(m[1]));
  }
  return dayOf(meta?.sentDate ?? fallback);
}

export function matches(key: SearchKey, c: Candidate, env: SearchEnv): boolean {
  switch (key.kind) {
    case 'all': return true;
    case 'flag': return hasFlag(c.flags, key.flag) === key.set;
    // RFC 3501 §6.4.4: NEW = RECENT UNSEEN, OLD = NOT RECENT.
    case 'new': return env.recent.has(c.flags.uid) && !hasFlag(c.flags, '\\Seen');
    case 'recent': return env.recent.has(c.flags.uid) === key.set;
    case 'old': return !env.recent.has(c.flags.uid);
    case 'seq': return inSet(key.set, c.seq, env.exists, null) || (key.set.kind === 'saved' && env.saved.includes(c.flags.uid));
    case 'uid': return inSet(key.set, c.flags.uid, env.maxUid, env.saved);
    case 'modseq': return c.flags.modseq >= key.n;
    case 'not': return !matches(key.key, c, env);
    case 'or': return matches(key.a, c, env) || matches(key.b, c, env);
    case 'and': return key.keys.every((k) => matches(k, c, env));
    case 'text': return env.textHits.get(key.value)?.has(c.flags.uid) ?? false;
    case 'body': {
      // The index covers header fields too: drop hits that only the header fields explain.
      const hit = env.textHits.get(key.value)?.has(c.flags.uid) ?? false;
      if (!hit || !c.meta || contains(c.meta.text, key.value)) return hit;
      return !c.meta.headers.some(([, v]) => contains(v, key.value));
    }
    case 'header': return c.meta !== null && headerMatch(c.meta, key.field, key.value);
    case 'size': {
      const size = c.row?.size ?? 0;
      return key.op === 'larger' ? size > key.n : size < key.n;
    }
    case 'age': {
      const t = c.row?.internalDate ?? 0;
      const limit = env.now - key.seconds * 1000;
      return key.op === 'older' ? t <= limit : t >= limit;
    }
    case 'date': {
      if (!c.row) return false;
      const day = key.field === 'internal' ? dayOf(c.row.internalDate) : sentDay(c.meta, c.row.internalDate);
      return key.op === 'before' ? day < key.day : key.op === 'on' ? day === key.day : day >= key.day;
    }
  }
}
