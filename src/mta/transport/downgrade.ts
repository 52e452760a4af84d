/**
 * 8-bit → 7-bit conversion for a next hop without 8BITMIME (RFC 6152 §3, RFC 1652 §3):
 * every MIME leaf whose body has 8-bit octets is re-encoded — text/* as quoted-printable
 * (RFC 2045 §6.7), anything else as base64 (§6.8) — and its Content-Transfer-Encoding set
 * accordingly; multiparts and message/rfc822 are walked recursively.
 *
 * Returns null when the message cannot be converted without loss: 8-bit octets in a
 * header section, in a multipart preamble or epilogue, or in a part already declared
 * quoted-printable/base64. The caller then returns the message (5.6.3).
 */

const has8bit = (b: Buffer): boolean => b.some((c) => c > 127);

interface Entity {
  header: Buffer;
  body: Buffer;
}

function split(entity: Buffer): Entity {
  if (entity.subarray(0, 2).toString('latin1') === '\r\n') return { header: Buffer.alloc(0), body: entity.subarray(2) };
  const i = entity.indexOf('\r\n\r\n');
  return i < 0 ? { header: entity, body: Buffer.alloc(0) } : { header: entity.subarray(0, i + 2), body: entity.subarray(i + 4) };
}

function field(header: string, name: string): string | null {
  const m = new RegExp(`^${name}:([^\\r\\n]*(?:\\r\\n[ \\t][^\\r\\n]*)*)`, 'im').exec(header);
  return m ? m[1].replace(/\r\n[ \t]/g, ' ').trim() : null;
}

/** RFC 2045 §6.7: quoted-printable with CRLF kept as hard line breaks, lines ≤ 76. */
export function encodeQuotedPrintable(data: Buffer): string {
  const lines = data.toString('latin1').split('\r\n');
  return lines.map((line) => {
    let out = '';
    let len = 0;
    const bytes = Buffer.from(line, 'latin1');
    bytes.forEach((b, i) => {
      const last = i === bytes.length - 1;
      const literal = (b >= 33 && b <= 126 && b !== 61) || ((b === 32 || b === 9) && !last);
      const tok = literal ? String.fromCharCode(b) : `=${b.toString(16).toUpperCase().padStart(2, '0')}`;
      if (len + tok.length > 75) { out += '=\r\n'; len = 0; }
      out += tok;
      len += tok.length;
    });
    return out;
  }).join('\r\n');
}

function base64Lines(data: Buffer): string {
  return (data.toString('base64').match(/.{1,76}/g) ?? []).join('\r\n');
}

/** The header with its Content-Transfer-Encoding replaced (or added). */
function withCte(header: Buffer, cte: string): Buffer {
  const text = header.toString('latin1').replace(/^Content-Transfer-Encoding:[^\r\n]*(?:\r\n[ \t][^\r\n]*)*\r\n/gim, '');
  return Buffer.from(`${text}Content-Transfer-Encoding: ${cte}\r\n`, 'latin1');
}

function convert(entity: Buffer): Buffer | null {
  if (!has8bit(entity)) return entity;
  const { header, body } = split(entity);
  if (has8bit(header)) return null;
  const h = header.toString('latin1');
  const type = (field(h, 'Content-Type') ?? 'text/plain').toLowerCase();
  const cte = (field(h, 'Content-Transfer-Encoding') ?? '7bit').toLowerCase();
  if (cte === 'base64' || cte === 'quoted-printable') return null;
  if (type.startsWith('multipart/')) {
    const m = /boundary\s*=\s*(?:"([^"]+)"|([^;\s]+))/i.exec(field(h, 'Content-Type') ?? '');
    if (!m) return null;
    const delim = `--${m[1] ?? m[2]}`;
    const text = body.toString('latin1');
    // RFC 2046 §5.1.1: delimiters are CRLF "--" boundary at the start of a line.
    const pieces = `\r\n${text}`.split(`\r\n${delim}`);
    const noPreamble = pieces[0] === '';
    const out: Buffer[] = [Buffer.from(pieces[0].slice(2), 'latin1')];
    const lead = (i: number) => (i === 1 && noPreamble ? '' : '\r\n');
    if (has8bit(out[0])) return null;
    for (let i = 1; i < pieces.length; i++) {
      const p = pieces[i];
      if (p.startsWith('--')) {
        if (has8bit(Buffer.from(p, 'latin1'))) return null;
        out.push(Buffer.from(`${lead(i)}${delim}${p}`, 'latin1'));
        continue;
      }
      const nl = p.indexOf('\r\n');
      const inner = convert(Buffer.from(nl < 0 ? '' : p.slice(nl + 2), 'latin1'));
      if (!inner) return null;
      out.push(Buffer.from(`${lead(i)}${delim}${nl < 0 ? p : p.slice(0, nl + 2)}`, 'latin1'), inner);
    }
    return Buffer.concat([withCte(header, '7bit'), Buffer.from('\r\n'), ...out]);
  }
  if (type.startsWith('message/')) {
    const inner = convert(body);
    return inner ? Buffer.concat([withCte(header, '7bit'), Buffer.from('\r\n'), inner]) : null;
  }
  const encoded = type.startsWith('text/') ? encodeQuotedPrintable(body) : base64Lines(body);
  return Buffer.concat([withCte(header, type.startsWith('text/') ? 'quoted-printable' : 'base64'), Buffer.from('\r\n'), Buffer.from(encoded, 'latin1')]);
}

/** The message converted to 7 bit, or null when that is impossible without loss. */
export function downgradeTo7bit(message: Buffer): Buffer | null {
  const out = convert(message);
  return out && !has8bit(out) ? out : null;
}
