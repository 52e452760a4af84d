/**
 * The text a message contributes to the full-text index: every header field, its value
 * decoded (RFC 2047 words, charsets), attachment names, then the body text. IMAP SEARCH TEXT
 * matches "the header or body of the message" (RFC 3501 §6.4.4), so no field is left out;
 * SEARCH BODY narrows the index hits by the parsed body text.
 */
import { displayAddresses } from './address.js';
import { decodeText } from './words.js';
import type { ParsedMessage } from './types.js';

export function searchTextOf(parsed: ParsedMessage): string {
  const names = parsed.attachments.map((a) => a.filename).filter((n): n is string => n !== null);
  return [
    ...parsed.headers.map(([name, value]) => `${name}: ${decodeText(value)}`),
    // display forms as people type them ("Alice Example <alice@…>" decoded)
    parsed.from,
    parsed.to,
    parsed.cc,
    displayAddresses(parsed.envelope.bcc),
    names.join(' '),
    parsed.text,
  ]
    .filter((s) => s !== '')
    .join('\n');
}
