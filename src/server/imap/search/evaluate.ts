/**
 * SEARCH evaluation (RFC 3501 §6.4.4, RFC 9051 §6.4.4). Keys that need only flags, UIDs and
 * sequence numbers run on the flag rows; keys on size and dates on the summary numbers
 * (MailStore.getSummaries); SUBJECT on the store's subject column (MailStore.searchSubject);
 * other header fields on the stored metadata (never the blob); TEXT uses the store's full-text index (MailStore.searchText), BODY the index
 * narrowed by the parsed text parts. String matching is case-insensitive
 * substring matching (RFC 3501 §6.4.4).
 */
import type { EnvelopeAddress, ParsedMessage } from '../../../mime/types.js';
import type { MessageFlags, MessageSummary } from '../../../store/types.js';
import type { SearchKey } from '../../../protocol/imap/parse/search.js';
import { dayOf } from '../../../protocol/imap/dates.js';
import { inRanges, resolveRanges, type SeqSet } from '../../../protocol/imap/seqset.js';

export interface Candidate {
  seq: number;
  flags: MessageFlags;
  sum: MessageSummary | null;
  meta: ParsedMessage | null;
}

export interface SearchEnv {
  exists: number;
  maxUid: number;
  saved: number[];
  now: number;
  /** UIDs that are \Recent in this session. */
  recent: { has(uid: number): boolean };
  /** UIDs matching TEXT/BODY words, looked up once per distinct string. */
  textHits: Map<string, Set<number>>;
  /** UIDs whose subject contains the SUBJECT string (MailStore.searchSubject), per string. */
  subjectHits: Map<string, Set<number>>;
}

/** SUBJECT with a non-empty string matches the decoded subject column (as Dovecot matches
 *  the decoded field; text inside an encoded-word's raw form is no match). */
function subjectColumn(key: SearchKey): boolean {
  return key.kind === 'header' && key.field === 'subject' && key.value !== '';
}

/** The SUBJECT strings of `key` answered by the store's subject column. */
export function subjectStrings(key: SearchKey, out: Set<string> = new Set()): Set<string> {
  anyKey(key, (k) => {
    if (k.kind === 'header' && subjectColumn(k)) out.add(k.value);
    return false; // visit every key
  });
  return out;
}

/** True when `test` holds for `key` or any key nested in it (NOT, OR, AND). */
function anyKey(key: SearchKey, test: (k: SearchKey) => boolean): boolean {
  if (test(key)) return true;
  switch (key.kind) {
    case 'not': return anyKey(key.key, test);
    case 'or': return anyKey(key.a, test) || anyKey(key.b, test);
    case 'and': return key.keys.some((k) => anyKey(k, test));
    default: return false;
  }
}

/** True when evaluating `key` needs the summary numbers (sizes, dates) of every message. */
export function needsSummary(key: SearchKey): boolean {
  return anyKey(key, (k) => k.kind === 'date' || k.kind === 'size' || k.kind === 'age');
}

/** True when evaluating `key` needs the parsed metadata of every message. */
export function needsMeta(key: SearchKey): boolean {
  return anyKey(key, (k) => (k.kind === 'header' && !subjectColumn(k)) || k.kind === 'body');
}

/** A key whose matches all lie among the full-text index hits for its string: TEXT and BODY.
 *  Returns that string, or null. */
export function indexedString(k: SearchKey): string | null {
  if (k.kind === 'text' || k.kind === 'body') return k.value;
  return null;
}

/** UIDs every match must be among: the intersection of the top-level TEXT/BODY/SUBJECT
 *  keys' hits; null = any. */
export function requiredUids(key: SearchKey, env: SearchEnv): Set<number> | null {
  const keys = key.kind === 'and' ? key.keys : [key];
  let out: Set<number> | null = null;
  for (const k of keys) {
    const value = indexedString(k);
    const subject = subjectColumn(k) && k.kind === 'header' ? k.value : null;
    if (value === null && subject === null) continue;
    const hits: Set<number> = (value !== null ? env.textHits.get(value) : env.subjectHits.get(subject ?? '')) ?? new Set<number>();
    if (out === null) out = hits;
    else {
      const both = new Set<number>();
      for (const u of out) if (hits.has(u)) both.add(u);
      out = both;
    }
  }
  return out;
}

/** The strings to look up in the index: TEXT/BODY anywhere. */
export function textStrings(key: SearchKey, out: Set<string> = new Set()): Set<string> {
  anyKey(key, (k) => {
    const v = indexedString(k);
    if (v !== null) out.add(v);
    return false; // visit every key
  });
  return out;
}

/** True when a header field's raw value contains `value`. */
function inHeaders(meta: ParsedMessage, value: string): boolean {
  return meta.headers.some(([, v]) => contains(v, value));
}

/** True when evaluating a BODY key of `key` for this index hit needs the message's body
 *  text, which its stored metadata lacks (mime/stored-metadata.ts): a header field contains
 *  the string too, so the index hit alone does not tell. */
export function needsBodyText(key: SearchKey, meta: ParsedMessage, uid: number, env: SearchEnv): boolean {
  return meta.text === '' && anyKey(key, (k) => k.kind === 'body' && (env.textHits.get(k.value)?.has(uid) ?? false) && inHeaders(meta, k.value));
}

/** True when evaluating `key` tests a message's flags or MODSEQ (the flag rows are read). */
export function needsFlags(key: SearchKey): boolean {
  return anyKey(key, (k) => k.kind === 'flag' || k.kind === 'new' || k.kind === 'modseq');
}

export function usesModseq(key: SearchKey): boolean {
  return anyKey(key, (k) => k.kind === 'modseq');
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
      // (run.ts has filled in meta.text, which rows no longer store, where this needs it.)
      const hit = env.textHits.get(key.value)?.has(c.flags.uid) ?? false;
      if (!hit || !c.meta || contains(c.meta.text, key.value)) return hit;
      return !inHeaders(c.meta, key.value);
    }
    case 'header':
      if (subjectColumn(key)) return env.subjectHits.get(key.value)?.has(c.flags.uid) ?? false;
      return c.meta !== null && headerMatch(c.meta, key.field, key.value);
    case 'size': {
      const size = c.sum?.size ?? 0;
      return key.op === 'larger' ? size > key.n : size < key.n;
    }
    case 'age': {
      const t = c.sum?.internalDate ?? 0;
      const limit = env.now - key.seconds * 1000;
      return key.op === 'older' ? t <= limit : t >= limit;
    }
    case 'date': {
      if (!c.sum) return false;
      // RFC 3501 §6.4.4 SENT*: the Date: field's own day; the internal date's without one.
      const day = key.field === 'internal' ? dayOf(c.sum.internalDate) : c.sum.sentDay ?? dayOf(c.sum.internalDate);
      return key.op === 'before' ? day < key.day : key.op === 'on' ? day === key.day : day >= key.day;
    }
  }
}
