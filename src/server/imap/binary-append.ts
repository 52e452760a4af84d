/**
 * RFC 3516 §4.3: a message APPENDed as literal8 may carry NUL octets, which no BODY[] fetch
 * may return (RFC 3501 §4.3: literals are 8-bit but NUL-free). Such a message is stored with
 * every leaf part whose body holds a NUL re-encoded as base64 (its Content-Transfer-Encoding
 * field replaced), so BODY[] is legal and BINARY[] still returns the original content.
 * Everything else stays byte for byte as appended.
 */
import { parseMessage } from '../../mime/parse.js';
import type { MimePart } from '../../mime/types.js';

function leaves(part: MimePart, out: MimePart[]): MimePart[] {
  if (part.children) for (const c of part.children) leaves(c, out);
  else if (part.message) leaves(part.message.body, out);
  else out.push(part);
  return out;
}

/** The header block without its Content-Transfer-Encoding field(s), ending before the blank line. */
function headerWithoutCte(block: string): string {
  const lines = block.split('\r\n');
  const out: string[] = [];
  let skipping = false;
  for (const l of lines) {
    if (/^[ \t]/.test(l) && skipping) continue;
    skipping = /^content-transfer-encoding\s*:/i.test(l);
    if (!skipping) out.push(l);
  }
  while (out.length > 0 && out[out.length - 1] === '') out.pop();
  return out.join('\r\n');
}

export function binaryAppendSafe(raw: Buffer): Buffer {
  if (!raw.includes(0)) return raw;
  const parsed = parseMessage(raw);
  const targets = leaves(parsed.body, []).filter((p) => raw.subarray(p.bodyStart, p.bodyEnd).includes(0)).sort((a, b) => a.headerStart - b.headerStart);
  const out: Buffer[] = [];
  let cursor = 0;
  for (const p of targets) {
    out.push(raw.subarray(cursor, p.headerStart));
    const header = headerWithoutCte(raw.subarray(p.headerStart, p.bodyStart).toString('latin1'));
    out.push(Buffer.from(`${header}${header ? '\r\n' : ''}Content-Transfer-Encoding: base64\r\n\r\n`, 'latin1'));
    const b64 = raw.subarray(p.bodyStart, p.bodyEnd).toString('base64').replace(/.{76}(?=.)/g, '$&\r\n');
    out.push(Buffer.from(b64, 'latin1'));
    cursor = p.bodyEnd;
  }
  out.push(raw.subarray(cursor));
  return Buffer.concat(out);
}
