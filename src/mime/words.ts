/**
 * RFC 2047 encoded words ("=?charset?B|Q?…?=") in header text, decoded by libmime (which
 * joins adjacent words of one charset and drops the white space between words, §6.2).
 */
import libmime from 'libmime';

/** RFC 2047 decoding of unstructured text; never throws. */
export function decodeText(s: string): string {
  if (!s.includes('=?')) return s;
  try {
    return libmime.decodeWords(s);
  } catch {
    return s;
  }
}
