/**
 * The MIME fields of one part from its header block: Content-Type with RFC 2045 §5.2
 * defaults (text/plain; charset=us-ascii, or message/rfc822 inside multipart/digest per
 * RFC 2046 §5.1.5), Content-Transfer-Encoding (RFC 2045 §6.1, default 7bit), Content-ID,
 * -Description, -MD5, -Disposition (RFC 2183), -Language (RFC 3282), -Location (RFC 2557).
 * Parameters are decoded per RFC 2231 (libmime). Never throws; problems become defects.
 */
import libmime from 'libmime';
import { decodeText } from './words.js';
import type { HeaderBlock } from './header.js';
import type { MimePart } from './types.js';

export function newPart(path: string, headerStart: number): MimePart {
  return {
    path,
    type: 'text',
    subtype: 'plain',
    params: {},
    id: null,
    description: null,
    encoding: '7bit',
    md5: null,
    disposition: null,
    language: null,
    location: null,
    headerStart,
    bodyStart: headerStart,
    bodyEnd: headerStart,
    size: 0,
    lines: 0,
  };
}

function parseValue(v: string): { value: string; params: Record<string, string> } {
  try {
    const p = libmime.parseHeaderValue(v);
    const params: Record<string, string> = {};
    for (const [k, val] of Object.entries(p.params)) params[k] = String(val);
    return { value: p.value === false ? '' : p.value, params };
  } catch {
    return { value: v.split(';')[0].trim(), params: {} };
  }
}

const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;

export function describePart(part: MimePart, h: HeaderBlock, inDigest: boolean, defects: string[]): void {
  const ct = h.get('content-type');
  const fallback = (): void => {
    if (inDigest) {
      part.type = 'message';
      part.subtype = 'rfc822';
      part.params = {};
    } else {
      part.type = 'text';
      part.subtype = 'plain';
      part.params = { charset: 'us-ascii' };
    }
  };
  if (ct === undefined) fallback();
  else {
    const { value, params } = parseValue(ct);
    const slash = value.indexOf('/');
    const type = slash > 0 ? value.slice(0, slash).trim().toLowerCase() : '';
    const subtype = slash > 0 ? value.slice(slash + 1).trim().toLowerCase() : '';
    if (TOKEN.test(type) && TOKEN.test(subtype)) {
      part.type = type;
      part.subtype = subtype;
      part.params = params;
    } else {
      defects.push(`${part.path || 'message'}: invalid Content-Type "${value.slice(0, 80)}": default taken`);
      fallback();
    }
  }
  const cte = h.get('content-transfer-encoding');
  if (cte !== undefined) {
    const enc = cte.replace(/\([^)]*\)/g, '').trim().toLowerCase();
    part.encoding = enc || '7bit';
  }
  part.id = h.get('content-id') ?? null;
  part.description = h.get('content-description') ?? null;
  part.md5 = h.get('content-md5') ?? null;
  part.location = h.get('content-location') ?? null;
  const lang = h.get('content-language');
  if (lang !== undefined) {
    const tags = lang.split(',').map((s) => s.trim()).filter((s) => s !== '');
    part.language = tags.length > 0 ? tags : null;
  }
  const cd = h.get('content-disposition');
  if (cd !== undefined) {
    const { value, params } = parseValue(cd);
    const type = value.trim().toLowerCase();
    if (type !== '') part.disposition = { type, params };
  }
}

/** The file name a person would see: disposition filename, else Content-Type name;
 *  RFC 2047 words (a common non-standard use) decoded. */
export function filenameOf(part: MimePart): string | null {
  const raw = part.disposition?.params['filename'] ?? part.params['name'];
  if (raw === undefined || raw === '') return null;
  return decodeText(raw);
}
