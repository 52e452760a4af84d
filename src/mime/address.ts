/**
 * RFC 5322 §3.4 address lists, tolerant of what real mail carries, into the form IMAP's
 * ENVELOPE wants (RFC 3501 §7.4.2): each mailbox as (name adl mailbox host) with raw,
 * undecoded text; a group as a start marker (mailbox = group name, host = null) followed by
 * its members and an end marker (all null). Never throws.
 */
import { decodeText } from './words.js';
import type { EnvelopeAddress } from './types.js';

type Token = { t: 'word' | 'quoted' | 'comment' | 'angle' | ',' | ';' | ':'; v: string };

function tokenize(s: string): Token[] {
  const out: Token[] = [];
  let i = 0;
  const n = s.length;
  while (i < n) {
    const c = s[i];
    if (c === ' ' || c === '\t' || c === '\r' || c === '\n') {
      i++;
    } else if (c === '"') {
      let v = '';
      i++;
      while (i < n && s[i] !== '"') {
        if (s[i] === '\\' && i + 1 < n) i++;
        v += s[i++];
      }
      i++;
      out.push({ t: 'quoted', v });
    } else if (c === '(') {
      // RFC 5322 §3.2.2: comments nest.
      let depth = 0;
      let v = '';
      for (; i < n; i++) {
        const d = s[i];
        if (d === '\\' && i + 1 < n) v += s[++i];
        else if (d === '(') { if (depth++ > 0) v += d; }
        else if (d === ')') { if (--depth === 0) { i++; break; } v += d; }
        else v += d;
      }
      out.push({ t: 'comment', v });
    } else if (c === '<') {
      let v = '';
      i++;
      while (i < n && s[i] !== '>') {
        if (s[i] === '"') {
          const q = s.indexOf('"', i + 1);
          const e = q < 0 ? n : q + 1;
          v += s.slice(i, e);
          i = e;
        } else v += s[i++];
      }
      i++;
      out.push({ t: 'angle', v: v.trim() });
    } else if (c === ',' || c === ';' || c === ':') {
      out.push({ t: c, v: c });
      i++;
    } else {
      let j = i;
      while (j < n && !' \t\r\n"(<,;:'.includes(s[j])) j++;
      if (j === i) j++; // a stray '>' or ')'
      out.push({ t: 'word', v: s.slice(i, j) });
      i = j;
    }
  }
  return out;
}

function splitAddr(addr: string): { adl: string | null; mailbox: string; host: string } {
  let adl: string | null = null;
  // RFC 5322 §4.4 obs-route: "@a,@b:" before the addr-spec.
  const route = /^(@[^:]*):/.exec(addr);
  if (route) {
    adl = route[1];
    addr = addr.slice(route[0].length);
  }
  const at = addr.lastIndexOf('@');
  if (at < 0) return { adl, mailbox: addr, host: '' };
  let mailbox = addr.slice(0, at);
  if (mailbox.length > 1 && mailbox.startsWith('"') && mailbox.endsWith('"')) {
    mailbox = mailbox.slice(1, -1).replace(/\\(.)/g, '$1');
  }
  return { adl, mailbox, host: addr.slice(at + 1) };
}

function mailboxOf(tokens: Token[]): EnvelopeAddress | null {
  if (tokens.length === 0) return null;
  const angle = tokens.find((t) => t.t === 'angle');
  const phrase: string[] = [];
  let comment: string | null = null;
  let addr = '';
  if (angle) {
    for (const t of tokens) {
      if (t === angle) break;
      if (t.t === 'word' || t.t === 'quoted') phrase.push(t.v);
    }
    addr = angle.v;
  } else {
    for (const t of tokens) {
      if (t.t === 'word') addr += t.v;
      else if (t.t === 'quoted') addr += `"${t.v}"`;
      else if (t.t === 'comment' && comment === null && t.v.trim()) comment = t.v.trim();
    }
  }
  if (addr === '' && phrase.length === 0) return null;
  const { adl, mailbox, host } = splitAddr(addr);
  const name = phrase.length > 0 ? phrase.join(' ') : comment;
  return { name, adl, mailbox, host };
}

/** Parses a raw address-list header value. Returns null for an empty or absent value. */
export function parseAddressList(value: string | undefined): EnvelopeAddress[] | null {
  if (value === undefined) return null;
  const out: EnvelopeAddress[] = [];
  let cur: Token[] = [];
  let inGroup = false;
  const flush = (): void => {
    const m = mailboxOf(cur);
    if (m) out.push(m);
    cur = [];
  };
  for (const t of tokenize(value)) {
    if (t.t === ',') flush();
    else if (t.t === ':' && !inGroup) {
      const name = cur.filter((x) => x.t === 'word' || x.t === 'quoted').map((x) => x.v).join(' ');
      cur = [];
      out.push({ name: null, adl: null, mailbox: name, host: null });
      inGroup = true;
    } else if (t.t === ';' && inGroup) {
      flush();
      out.push({ name: null, adl: null, mailbox: null, host: null });
      inGroup = false;
    } else if (t.t === ':' || t.t === ';') {
      continue;
    } else cur.push(t);
  }
  flush();
  if (inGroup) out.push({ name: null, adl: null, mailbox: null, host: null });
  return out.length > 0 ? out : null;
}

/** Human-readable, decoded form of an address list: `Name <a@b>, c@d, Group: x@y;`. */
export function displayAddresses(list: EnvelopeAddress[] | null): string {
  if (!list) return '';
  const parts: string[] = [];
  let group: string[] | null = null;
  let groupName = '';
  for (const a of list) {
    if (a.host === null && a.mailbox !== null) {
      group = [];
      groupName = decodeText(a.mailbox);
      continue;
    }
    if (a.host === null && a.mailbox === null) {
      parts.push(group && group.length > 0 ? `${groupName}: ${group.join(', ')};` : `${groupName}:;`);
      group = null;
      continue;
    }
    const email = a.host ? `${a.mailbox ?? ''}@${a.host}` : (a.mailbox ?? '');
    const s = a.name ? `${decodeText(a.name)} <${email}>` : email;
    if (group) group.push(s);
    else parts.push(s);
  }
  return parts.join(', ');
}
