/**
 * A mailing list's copy of a message: List-Id (RFC 2919), List-Post and List-Unsubscribe
 * (RFC 2369) on top, and the envelope sender `LIST-bounces@domain` so bounces go to the
 * list, not the poster. A message that already carries this list's List-Id has been
 * through it once: it is not sent round again (loop).
 */
import type { MailingList } from '../../store/types.js';
import { fieldValue, prepend } from './headers.js';

export function listId(list: MailingList): string {
  const at = list.address.lastIndexOf('@');
  return `<${list.address.slice(0, at)}.${list.address.slice(at + 1)}>`.toLowerCase();
}

export function bounceAddress(list: MailingList): string {
  const at = list.address.lastIndexOf('@');
  return `${list.address.slice(0, at)}-bounces@${list.address.slice(at + 1)}`;
}

/** True when the message already went through this list. */
export function alreadyListed(raw: Buffer, list: MailingList): boolean {
  const v = fieldValue(raw, 'List-Id');
  return v !== null && v.toLowerCase().includes(listId(list));
}

export function withListHeaders(raw: Buffer, list: MailingList): Buffer {
  return prepend(raw, [
    `List-Id: ${listId(list)}`,
    `List-Post: <mailto:${list.address}>`,
    `List-Unsubscribe: <mailto:${list.owner}?subject=unsubscribe%20${encodeURIComponent(list.address)}>`,
    'Precedence: list',
  ]);
}
