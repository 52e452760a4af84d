/**
 * What a delivery stores of a parsed message beside its bytes: the metadata JSON, the text
 * for the full-text index and the summary columns (store/types.ts NewMessage). One function
 * for the event loop (prepare-stream.ts, and deliver.ts when the parse pool is busy) and for
 * the parse worker, so both store the same.
 */
import type { ParsedMessage } from '../mime/types.js';
import { searchTextOf } from '../mime/search-text.js';
import { summaryOf, type MessageSummaryFields } from '../mime/summary.js';
import { storedMetadata } from './stored-metadata.js';

export interface ParsedFields {
  metadata: string;
  searchText: string;
  summary: MessageSummaryFields;
}

export function parsedFields(parsed: ParsedMessage): ParsedFields {
  return { metadata: storedMetadata(parsed), searchText: searchTextOf(parsed), summary: summaryOf(parsed) };
}

/** A message for the parse worker: its bytes, and whether to name its blob. */
export interface ParseAsk {
  raw: Uint8Array;
  hash: boolean;
}

/** A parse that threw is answered as unparsed (the caller parses again and sees the error
 *  itself); an `error` reply would end every question waiting (lib/worker-calls.ts). */
export type ParseReply = (ParsedFields & { blobId: string | null }) | { unparsed: string };
