/**
 * The text a message contributes to the full-text index: decoded header fields a person
 * would search (subject, from, to, cc, bcc), attachment names, then the body text.
 */
import { displayAddresses } from './address.js';
import type { ParsedMessage } from './types.js';

export function searchTextOf(parsed: ParsedMessage): string {
  const names = parsed.attachments.map((a) => a.filename).filter((n): n is string => n !== null);
  return [
    parsed.subject,
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
