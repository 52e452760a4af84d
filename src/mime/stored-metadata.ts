/**
 * The metadata JSON a message row keeps: the parsed message (mime/types ParsedMessage)
 * without its body text. The text goes to the full-text index alone (NewMessage.searchText);
 * kept in the row as well it was most of the row (5 KB of a ~6.5 KB row for a 5 KB
 * message), written by every delivery and parsed by every FETCH that misses the metadata
 * cache. Its one reader, SEARCH BODY telling body hits from header hits, parses the blob
 * for the few messages where that is needed (server/imap/search/body-text.ts). Rows written
 * before this change keep their text; readers treat '' as "not stored".
 */
import type { ParsedMessage } from './types.js';

export function storedMetadata(parsed: ParsedMessage): string {
  return JSON.stringify({ ...parsed, text: '' });
}
