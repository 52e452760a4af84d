/**
 * Bytes to text in a named charset (RFC 2045 §5.1 `charset` parameter, RFC 2047 words use
 * libmime). iconv-lite does the work; ISO-2022-JP, which it lacks, is mapped to EUC-JP first.
 * Never throws: an unknown charset decodes as UTF-8 and reports `known: false`.
 */
import iconv from 'iconv-lite';
import libmime from 'libmime';

export interface Decoded {
  text: string;
  known: boolean;
}

const utf8 = new TextDecoder('utf-8', { fatal: false });
const utf8Strict = new TextDecoder('utf-8', { fatal: true });

/** Decodes `buf` in `charset` (any spelling libmime normalises: 'latin1', 'win-1252', ...). */
export function decodeCharset(buf: Uint8Array, charset: string | undefined): Decoded {
  const raw = (charset ?? '').trim().toLowerCase();
  if (raw === '' || raw === 'utf-8' || raw === 'utf8' || raw === 'us-ascii' || raw === 'ascii') {
    return { text: utf8.decode(buf), known: true };
  }
  if (/^(iso-?2022-?jp|csiso2022jp|jis)/.test(raw)) {
    return { text: iconv.decode(iso2022jpToEucJp(buf), 'euc-jp'), known: true };
  }
  const name = libmime.normalizeCharset(raw);
  if (iconv.encodingExists(name)) return { text: iconv.decode(Buffer.from(buf), name), known: true };
  if (iconv.encodingExists(raw)) return { text: iconv.decode(Buffer.from(buf), raw), known: true };
  return { text: utf8.decode(buf), known: false };
}

/** Header bytes as text: ASCII as is; 8-bit bytes as UTF-8 when valid, else windows-1252
 *  (RFC 6532 allows UTF-8 headers; older mail carries raw latin1). */
export function decodeHeaderBytes(buf: Buffer, start: number, end: number): string {
  let high = false;
  for (let i = start; i < end; i++) {
    if (buf[i] >= 0x80) {
      high = true;
      break;
    }
  }
  if (!high) return buf.toString('latin1', start, end);
  const slice = buf.subarray(start, end);
  try {
    return utf8Strict.decode(slice);
  } catch {
    return iconv.decode(slice, 'windows-1252');
  }
}

/** RFC 1468: ISO-2022-JP switches between ASCII / JIS X 0201 Roman (ESC ( B, ESC ( J),
 *  JIS X 0208 (ESC $ @, ESC $ B) and half-width katakana (ESC ( I). The JIS X 0208 bytes with
 *  their high bit set are EUC-JP; katakana is 0x8E-prefixed. */
function iso2022jpToEucJp(buf: Uint8Array): Buffer {
  const out = Buffer.alloc(buf.length * 2);
  let n = 0;
  let mode: 'ascii' | 'kanji' | 'kana' = 'ascii';
  for (let i = 0; i < buf.length; i++) {
    const b = buf[i];
    if (b === 0x1b && i + 2 < buf.length) {
      const b1 = buf[i + 1];
      const b2 = buf[i + 2];
      if (b1 === 0x24 && (b2 === 0x40 || b2 === 0x42)) mode = 'kanji';
      else if (b1 === 0x28 && (b2 === 0x42 || b2 === 0x4a)) mode = 'ascii';
      else if (b1 === 0x28 && b2 === 0x49) mode = 'kana';
      else {
        out[n++] = b;
        continue;
      }
      i += 2;
      continue;
    }
    if (b === 0x0a || b === 0x0d) {
      mode = 'ascii';
      out[n++] = b;
    } else if (mode === 'kanji' && b >= 0x21 && b <= 0x7e) {
      out[n++] = b | 0x80;
    } else if (mode === 'kana' && b >= 0x21 && b <= 0x5f) {
      out[n++] = 0x8e;
      out[n++] = b | 0x80;
    } else {
      out[n++] = b;
    }
  }
  return out.subarray(0, n);
}
