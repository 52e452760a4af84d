/**
 * Shapes of the MailStore's narrow reads (types.ts re-exports them): what SEARCH and SORT
 * read instead of a message's metadata, and what SELECT reads instead of every flag row.
 */

/** The numbers SEARCH reads instead of the metadata, from columns filled at delivery
 *  (mime/summary.ts), so no row's JSON is parsed for SIZE, dates or SENT*. */
export interface MessageSummary {
  uid: number;
  /** Epoch ms. */
  internalDate: number;
  size: number;
  /** The Date: field, epoch ms; null when missing or unreadable. */
  sentDate: number | null;
  /** The Date: field's own calendar day (RFC 3501 §6.4.4 SENT*), epoch ms of its UTC midnight. */
  sentDay: number | null;
}

/** Sort keys of RFC 5256 §3 and RFC 5957 (MailStore.sortUids). */
export type SortField = 'ARRIVAL' | 'SIZE' | 'DATE' | 'SUBJECT' | 'FROM' | 'TO' | 'CC' | 'DISPLAYFROM' | 'DISPLAYTO';

/** What SELECT needs of a mailbox (MailStore.selectView). */
export interface MailboxView {
  /** Every UID, ascending: the session's sequence-number map. */
  uids: number[];
  /** The keywords some message has, each once (case-insensitively). */
  keywords: string[];
  /** The lowest UID without \Seen; 0 when every message is seen. */
  firstUnseen: number;
}
