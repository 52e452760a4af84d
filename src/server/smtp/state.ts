/**
 * Session state as a discriminated union: which commands are legal is decided by `kind`
 * alone (each commands/<verb>.ts lists the kinds it accepts). The transaction travels inside
 * the states that have one, so "RCPT before MAIL" cannot even be expressed.
 *   fresh → (EHLO/HELO) → idle → (MAIL) → mail → (RCPT ok) → rcpt → (DATA/BDAT LAST) → idle
 *                                                            rcpt → (BDAT) → bdat → (BDAT LAST) → idle
 * RSET, EHLO/HELO and STARTTLS (back to fresh, RFC 3207 §4.2) drop the transaction; the
 * session then discards a BDAT message's spool (a half-written blob is aborted).
 */
import type { MailParams } from '../../protocol/smtp/params.js';
import type { AcceptedRecipient } from '../../mta/ingest/types.js';
import type { BodyReceiver } from '../../protocol/smtp/body.js';
import type { MessageSpool } from './spool.js';

export interface Transaction {
  sender: string;
  params: MailParams;
  recipients: AcceptedRecipient[];
}

export type SessionState =
  | { kind: 'fresh' }
  | { kind: 'idle' }
  | { kind: 'mail'; tx: Transaction }
  | { kind: 'rcpt'; tx: Transaction }
  | { kind: 'bdat'; tx: Transaction; body: BodyReceiver; spool: MessageSpool };

export type StateKind = SessionState['kind'];

export const ANY_STATE: readonly StateKind[] = ['fresh', 'idle', 'mail', 'rcpt', 'bdat'];
