/**
 * Loop detection (RFC 5321 §6.3): a message that has passed through more than
 * `MAX_RECEIVED` hops (counted by its Received header fields) is failed with 5.4.6 rather
 * than relayed again. Also the header-section helpers the DSN builder shares.
 */
import { ProtocolError } from '../../lib/errors.js';

/** RFC 5321 §6.3 suggests a large limit; 30 is the usual (Postfix hopcount_limit = 50, Exim 100). */
export const MAX_RECEIVED = 30;

/** Octet offset where the body starts (after the blank line), or the length if none. */
export function headerEnd(message: Buffer): number {
  if (message.subarray(0, 2).toString('latin1') === '\r\n') return 2;
  const i = message.indexOf('\r\n\r\n');
  if (i >= 0) return i + 4;
  const j = message.indexOf('\n\n');
  return j >= 0 ? j + 2 : message.length;
}

/** The header section including its terminating blank line. */
export function headerSection(message: Buffer): Buffer {
  return message.subarray(0, headerEnd(message));
}

/** Field names of the header section, in order (continuation lines skipped). */
export function headerNames(message: Buffer): string[] {
  const names: string[] = [];
  for (const line of headerSection(message).toString('latin1').split(/\r?\n/)) {
    const m = /^([!-9;-~]+)\s*:/.exec(line);
    if (m) names.push(m[1].toLowerCase());
  }
  return names;
}

export function countReceived(message: Buffer): number {
  return headerNames(message).filter((n) => n === 'received').length;
}

/** Throws ProtocolError 554 5.4.6 when the message has looped (more than MAX_RECEIVED hops). */
export function checkLoop(message: Buffer, max = MAX_RECEIVED): void {
  const n = countReceived(message);
  if (n > max) throw new ProtocolError(554, '5.4.6', `Too many hops (${n} Received headers): mail loop`);
}
