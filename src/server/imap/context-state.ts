/** One RFC 5267 §4 context: a SEARCH or SORT whose result the client asked to keep up to
 *  date with RETURN (UPDATE). It lives as long as the mailbox stays selected. */
import type { SearchKey } from '../../protocol/imap/parse/search.js';
import type { SortCriterion } from '../../protocol/imap/parse/sort.js';

export interface UpdateContext {
  /** The tag of the command that made it: ESEARCH (TAG ...) and CANCELUPDATE name it. */
  tag: string;
  /** Report UIDs (UID SEARCH/SORT) rather than sequence numbers. */
  uid: boolean;
  key: SearchKey;
  /** SORT criteria; null for a SEARCH context (its positions are 0, as Dovecot sends). */
  criteria: SortCriterion[] | null;
  /** The result the client holds, as UIDs in result order. */
  result: number[];
}
