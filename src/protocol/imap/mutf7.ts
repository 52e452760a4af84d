/**
 * Modified UTF-7 mailbox names (RFC 3501 §5.1.3): printable US-ASCII stands for itself except
 * "&", which is "&-"; other characters are UTF-16 in modified BASE64 (RFC 2152 with "," for
 * "/", no padding) between "&" and "-". Decoding validates strictly, as the RFC's rules make
 * every name have exactly one encoding: no empty "&-" run for non-"&", no encoded printable
 * ASCII, no adjacent encoded runs, no bad padding bits, no unpaired surrogates.
 */
import { bad } from './errors.js';

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+,';

function isDirect(code: number): boolean {
  return code >= 0x20 && code <= 0x7e;
}

export function encodeMutf7(name: string): string {
  let out = '';
  let i = 0;
  while (i < name.length) {
    const c = name.charCodeAt(i);
    if (isDirect(c)) {
      out += c === 0x26 ? '&-' : name[i];
      i++;
      continue;
    }
    let j = i;
    while (j < name.length && !isDirect(name.charCodeAt(j))) j++;
    const bytes: number[] = [];
    for (let k = i; k < j; k++) {
      const u = name.charCodeAt(k);
      bytes.push(u >> 8, u & 0xff);
    }
    let bits = 0;
    let acc = 0;
    out += '&';
    for (const b of bytes) {
      acc = (acc << 8) | b;
      bits += 8;
      while (bits >= 6) {
        bits -= 6;
        out += ALPHABET[(acc >> bits) & 0x3f];
      }
      acc &= (1 << bits) - 1;
    }
    if (bits > 0) out += ALPHABET[(acc << (6 - bits)) & 0x3f];
    out += '-';
    i = j;
  }
  return out;
}

/** Decodes a modified UTF-7 name; throws BAD for anything not in canonical form. */
export function decodeMutf7(name: string): string {
  let out = '';
  let i = 0;
  let lastWasRun = false;
  while (i < name.length) {
    const c = name.charCodeAt(i);
    if (!isDirect(c)) throw bad('Mailbox name is not valid modified UTF-7 (8-bit or control characters)');
    if (c !== 0x26) {
      out += name[i++];
      lastWasRun = false;
      continue;
    }
    const end = name.indexOf('-', i + 1);
    if (end === -1) throw bad('Mailbox name is not valid modified UTF-7 (unterminated &)');
    if (end === i + 1) {
      out += '&';
      i = end + 1;
      lastWasRun = false;
      continue;
    }
    if (lastWasRun) throw bad('Mailbox name is not valid modified UTF-7 (adjacent encoded runs)');
    out += decodeRun(name.slice(i + 1, end));
    i = end + 1;
    lastWasRun = true;
  }
  return out;
}

function decodeRun(run: string): string {
  let acc = 0;
  let bits = 0;
  const units: number[] = [];
  for (const ch of run) {
    const v = ALPHABET.indexOf(ch);
    if (v === -1) throw bad('Mailbox name is not valid modified UTF-7 (bad base64)');
    acc = (acc << 6) | v;
    bits += 6;
    if (bits >= 16) {
      bits -= 16;
      units.push((acc >> bits) & 0xffff);
      acc &= (1 << bits) - 1;
    }
  }
  if (bits >= 6 || acc !== 0) throw bad('Mailbox name is not valid modified UTF-7 (bad padding)');
  let s = '';
  for (let k = 0; k < units.length; k++) {
    const u = units[k];
    if (isDirect(u)) throw bad('Mailbox name is not valid modified UTF-7 (encoded ASCII)');
    if (u >= 0xd800 && u <= 0xdbff) {
      const lo = units[k + 1];
      if (lo === undefined || lo < 0xdc00 || lo > 0xdfff) throw bad('Mailbox name is not valid modified UTF-7 (unpaired surrogate)');
      s += String.fromCharCode(u, lo);
      k++;
    } else if (u >= 0xdc00 && u <= 0xdfff) {
      throw bad('Mailbox name is not valid modified UTF-7 (unpaired surrogate)');
    } else s += String.fromCharCode(u);
  }
  return s;
}
