/**
 * Type declarations for the untyped CommonJS MIME codecs we use (libmime, libqp). Only the
 * functions mime/ calls are declared; their behaviour is documented in each package's README.
 */
declare module 'libmime' {
  interface ParsedHeaderValue {
    /** The value before the first ';' (e.g. 'text/plain'); false when empty. */
    value: string | false;
    /** Parameters, names lower-case; RFC 2231 continuations joined and charset-decoded. */
    params: Record<string, string>;
  }
  interface Libmime {
    /** Decodes RFC 2047 encoded words (joining adjacent words of one charset). */
    decodeWords(str: string): string;
    parseHeaderValue(str: string): ParsedHeaderValue;
    normalizeCharset(charset: string): string;
    /** RFC 3676 format=flowed: joins soft-broken lines. */
    decodeFlowed(str: string, delSp?: boolean): string;
  }
  const libmime: Libmime;
  export default libmime;
}

declare module 'libqp' {
  /** Decodes quoted-printable text (RFC 2045 §6.7) into bytes. */
  export function decode(str: string): Buffer;
}
