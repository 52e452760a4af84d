/**
 * What a delivery stores of a parsed message beside its bytes: the metadata JSON, the text
 * for the full-text index and the summary columns (store/types.ts NewMessage). The same
 * functions serve the event loop (prepare-stream.ts, and deliver.ts when the parse pool
 * cannot take a message) and the parse worker, so both store the same.
 */
import { createHash } from 'node:crypto';
import { parseMessage } from '../mime/parse.js';
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

/** The fields of a whole message, and its blob id when `hash` (store/types.ts BlobId: the
 *  SHA-256 of the bytes, lower-case hex). */
export function fieldsOfMessage(raw: Buffer, hash: boolean): ParsedFields & { blobId: string | null } {
  const blobId = hash ? createHash('sha256').update(raw).digest('hex') : null;
  return { blobId, ...parsedFields(parseMessage(raw)) };
}

/** A message for the parse worker: its bytes, and whether to name its blob. */
export interface ParseAsk {
  raw: Uint8Array;
  hash: boolean;
}

/** A parse that threw is answered as unparsed (the caller parses again and sees the error
 *  itself); an `error` reply would end every question waiting (lib/worker-calls.ts). */
export type ParseReply = ReturnType<typeof fieldsOfMessage> | { unparsed: string };
