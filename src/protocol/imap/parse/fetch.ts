/**
 * FETCH arguments (RFC 3501 §6.4.5, RFC 9051 §6.4.5): the item list with its macros (ALL,
 * FAST, FULL), BODY[section]<partial> and BODY.PEEK, BINARY[...] / BINARY.PEEK /
 * BINARY.SIZE (RFC 3516), MODSEQ and the CHANGEDSINCE / VANISHED modifiers (RFC 7162 §3.1.4,
 * §3.2.6), the PARTIAL modifier (RFC 9394 §4). Each parsed section carries the name the response must echo (RFC 3501 §7.4.2).
 */
import { bad } from '../errors.js';
import { readPartialRange, type PartialRange } from './return-opts.js';
import type { Reader } from '../reader.js';
import { Out } from '../writer.js';

export type SectionText = 'HEADER' | 'HEADER.FIELDS' | 'HEADER.FIELDS.NOT' | 'TEXT' | 'MIME' | null;

export interface SectionItem {
  kind: 'section';
  binary: boolean;
  peek: boolean;
  /** Part numbers, e.g. [1, 2] for "1.2"; empty for the whole message. */
  part: number[];
  text: SectionText;
  /** Field names of HEADER.FIELDS (NOT). */
  fields: string[];
  partial: { start: number; length: number } | null;
  /** The item name the response carries, e.g. "BODY[HEADER.FIELDS (SUBJECT)]<0>" or "RFC822.HEADER". */
  responseName: string;
}

export type FetchItem =
  | { kind: 'flags' | 'uid' | 'internaldate' | 'size' | 'envelope' | 'bodystructure' | 'body' | 'modseq' }
  | { kind: 'binary.size'; part: number[] }
  | SectionItem;

export interface FetchArgs {
  items: FetchItem[];
  changedSince: number | null;
  vanished: boolean;
  /** RFC 9394 §4: PARTIAL modifier, a window of the messages by position in UID order. */
  partial?: PartialRange;
}

const SIMPLE: Record<string, FetchItem['kind']> = {
  FLAGS: 'flags', UID: 'uid', INTERNALDATE: 'internaldate', 'RFC822.SIZE': 'size', ENVELOPE: 'envelope',
  BODYSTRUCTURE: 'bodystructure', MODSEQ: 'modseq',
};

function macro(name: string): FetchItem[] | null {
  const fast: FetchItem[] = [{ kind: 'flags' }, { kind: 'internaldate' }, { kind: 'size' }];
  if (name === 'FAST') return fast;
  if (name === 'ALL') return [...fast, { kind: 'envelope' }];
  if (name === 'FULL') return [...fast, { kind: 'envelope' }, { kind: 'body' }];
  return null;
}

/** The FETCH arguments after the sequence set: SP (att / "(" att *(SP att) ")") [SP modifiers]. */
export function readFetchArgs(r: Reader): FetchArgs {
  r.sp();
  let items: FetchItem[];
  if (r.peekChar('(')) {
    items = r.list(() => readItem(r), false, 200);
  } else {
    const name = peekName(r);
    const m = macro(name);
    if (m) {
      r.pos += name.length;
      items = m;
    } else items = [readItem(r)];
  }
  const args: FetchArgs = { items, changedSince: null, vanished: false };
  if (!r.atEnd()) {
    r.sp();
    r.list(() => {
      if (r.eatWord('CHANGEDSINCE')) {
        r.sp();
        args.changedSince = r.number('a mod-sequence', Number.MAX_SAFE_INTEGER);
      } else if (r.eatWord('VANISHED')) args.vanished = true;
      else if (r.eatWord('PARTIAL')) {
        r.sp();
        args.partial = readPartialRange(r);
      }
      else throw bad('Unknown FETCH modifier');
    }, false, 10);
  }
  r.end();
  // RFC 7162 §3.2.6: VANISHED only together with CHANGEDSINCE.
  if (args.vanished && args.changedSince === null) throw bad('VANISHED requires CHANGEDSINCE');
  return args;
}

/** "(" fetch-att *(SP fetch-att) ")" alone, as NOTIFY's MessageNew takes it (RFC 5465 §8). */
export function readFetchItemList(r: Reader): FetchItem[] {
  return r.list(() => readItem(r), false, 200);
}

function peekName(r: Reader): string {
  let end = r.pos;
  while (end < r.buf.length && /[A-Za-z0-9.]/.test(String.fromCharCode(r.buf[end]))) end++;
  return r.buf.toString('latin1', r.pos, end).toUpperCase();
}

function readItem(r: Reader): FetchItem {
  const name = peekName(r);
  if (!name) throw bad('Expected a FETCH item');
  r.pos += name.length;
  const simple = SIMPLE[name];
  if (simple) return { kind: simple } as FetchItem;
  const legacy = (text: SectionText, peek: boolean): SectionItem =>
    ({ kind: 'section', binary: false, peek, part: [], text, fields: [], partial: null, responseName: name });
  switch (name) {
    case 'RFC822': return legacy(null, false);
    case 'RFC822.HEADER': return legacy('HEADER', true);
    case 'RFC822.TEXT': return legacy('TEXT', false);
    case 'BODY':
      if (!r.peekChar('[')) return { kind: 'body' };
      return readSection(r, false, false);
    case 'BODY.PEEK': return readSection(r, false, true);
    case 'BINARY': return readSection(r, true, false);
    case 'BINARY.PEEK': return readSection(r, true, true);
    case 'BINARY.SIZE': {
      const s = readSection(r, true, true, false);
      return { kind: 'binary.size', part: s.part };
    }
    default: throw bad(`Unknown FETCH item ${name}`);
  }
}

/** section = "[" [section-spec] "]" then optional partial "<" number "." nz-number ">". */
function readSection(r: Reader, binary: boolean, peek: boolean, allowPartial = true): SectionItem {
  r.expect('[', '"["');
  const part: number[] = [];
  let text: SectionText = null;
  let fields: string[] = [];
  let needMore = false;
  while (!r.peekChar(']') || needMore) {
    needMore = false;
    const c = r.peek();
    if (c >= 0x30 && c <= 0x39) {
      part.push(r.nzNumber('a part number'));
      if (part.length > 100) throw bad('Section nests too deep', 'LIMIT');
      needMore = r.eat('.');
      if (needMore) continue;
      break;
    }
    // RFC 3501 §9 section-msgtext / section-text; RFC 3516: BINARY takes part numbers only.
    if (binary) throw bad('BINARY takes part numbers only');
    const word = peekName(r).replace(/\.$/, '');
    r.pos += word.length;
    if (word === 'HEADER' || word === 'TEXT') text = word;
    else if (word === 'MIME' && part.length > 0) text = 'MIME';
    else if (word === 'HEADER.FIELDS' || word === 'HEADER.FIELDS.NOT') {
      text = word;
      r.sp();
      fields = r.list(() => r.astring('a header field name'), false, 500);
    } else throw bad('Invalid section');
    break;
  }
  r.expect(']', '"]"');
  let partial: SectionItem['partial'] = null;
  if (allowPartial && r.eat('<')) {
    const start = r.number('a partial start');
    r.expect('.', '"."');
    const length = r.nzNumber('a partial length');
    r.expect('>', '">"');
    partial = { start, length };
  }
  const spec = [part.join('.'), text === null ? '' : text].filter(Boolean).join('.');
  const head = binary ? 'BINARY' : 'BODY';
  const list = fields.length > 0 ? ` (${fields.map((f) => new Out().astring(f).toBuffer().toString('utf8')).join(' ')})` : '';
  const responseName = `${head}[${spec}${list}]${partial ? `<${partial.start}>` : ''}`;
  return { kind: 'section', binary, peek, part, text, fields, partial, responseName };
}
