/**
 * Strict base64 for SASL exchanges. RFC 5034 §4 (and RFC 4954 §4, RFC 3501 §6.2.2): reject,
 * do not ignore, any character outside the alphabet and any '=' other than final padding;
 * "=" alone is an empty initial response; "*" (checked by the caller) cancels.
 */
import { SaslError } from './types.js';

const STRICT = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

/** Decodes a client response line. Throws SaslError on anything not strictly base64. */
export function decodeSaslBase64(text: string): Buffer {
  if (!STRICT.test(text)) throw new SaslError('invalid base64');
  return Buffer.from(text, 'base64');
}

/** Decodes an initial response argument: "=" is present-but-empty (RFC 5034 §4). */
export function decodeInitialResponse(text: string): Buffer {
  return text === '=' ? Buffer.alloc(0) : decodeSaslBase64(text);
}

export function encodeSaslBase64(data: Buffer): string {
  return data.toString('base64');
}

/** True when the client's line cancels the exchange (RFC 4422 §3.5). */
export function isSaslCancel(line: string): boolean {
  return line === '*';
}
