/**
 * POP3 responses (RFC 1939 §3): status lines `+OK text` / `-ERR text`, optionally with an
 * RFC 2449 §8 response code in brackets, and multi-line responses: each line byte-stuffed
 * (a leading '.' doubled) and the end marked by "." alone, everything CRLF-terminated.
 */

/** RFC 2449 §8.1 (IN-USE, LOGIN-DELAY), RFC 3206 (SYS/TEMP, SYS/PERM, AUTH). */
export type Pop3RespCode = 'IN-USE' | 'LOGIN-DELAY' | 'SYS/TEMP' | 'SYS/PERM' | 'AUTH';

const CRLF = '\r\n';
const TERMINATOR = Buffer.from('.\r\n', 'ascii');
const CRLF_BUF = Buffer.from(CRLF, 'ascii');

export function ok(text = '', code?: Pop3RespCode): string {
  return status('+OK', text, code);
}

export function err(text: string, code?: Pop3RespCode): string {
  return status('-ERR', text, code);
}

function status(word: string, text: string, code?: Pop3RespCode): string {
  const t = (code ? `[${code}] ${text}` : text).replace(/[\r\n]+/g, ' ');
  return (t === '' ? word : `${word} ${t}`) + CRLF;
}

/** `+ base64` continuation for AUTH (RFC 5034 §4). */
export function continuation(base64: string): string {
  return `+ ${base64}${CRLF}`;
}

/** A multi-line response made of short text lines (CAPA, LIST, UIDL), already terminated. */
export function multiline(first: string, lines: readonly string[]): string {
  let out = first;
  for (const l of lines) out += (l.startsWith('.') ? '.' + l : l) + CRLF;
  return out + '.' + CRLF;
}

/**
 * Message bytes as the body of a multi-line response (RFC 1939 §3): every line that starts
 * with '.' gets one more; a missing final CRLF is added; then ".\r\n". Returns chunks that
 * share memory with `data` (no copy when nothing needs stuffing).
 */
export function dotStuff(data: Buffer): Buffer[] {
  const out: Buffer[] = [];
  let from = 0;
  if (data.length > 0 && data[0] === 0x2e) {
    out.push(Buffer.from('.'));
  }
  for (let i = data.indexOf('\n.', 0, 'latin1'); i !== -1; i = data.indexOf('\n.', i + 2, 'latin1')) {
    out.push(data.subarray(from, i + 1), Buffer.from('.'));
    from = i + 1;
  }
  if (from < data.length) out.push(data.subarray(from));
  if (data.length > 0 && !(data.length >= 2 && data[data.length - 2] === 0x0d && data[data.length - 1] === 0x0a)) out.push(CRLF_BUF);
  out.push(TERMINATOR);
  return out;
}

/**
 * What TOP sends (RFC 1939 §7): the header, the blank line after it, and the first `lines`
 * lines of the body. A message without a body separator is all header.
 */
export function topOfMessage(data: Buffer, lines: number): Buffer {
  let sep = data.indexOf('\r\n\r\n', 0, 'latin1');
  let bodyStart = sep === -1 ? -1 : sep + 4;
  if (sep === -1) {
    sep = data.indexOf('\n\n', 0, 'latin1');
    bodyStart = sep === -1 ? -1 : sep + 2;
  }
  if (data.length >= 2 && data[0] === 0x0d && data[1] === 0x0a) bodyStart = 2; // empty header
  if (bodyStart === -1) return data;
  let end = bodyStart;
  for (let n = 0; n < lines && end < data.length; n++) {
    const lf = data.indexOf(0x0a, end);
    end = lf === -1 ? data.length : lf + 1;
  }
  return data.subarray(0, end);
}
