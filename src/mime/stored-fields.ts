/**
 * What a delivery stores of a parsed message beside its bytes: the metadata JSON, the text
 * for the full-text index and the summary columns (store/types.ts NewMessage). Every path
 * that stores mail calls these — the event loop (mail/prepare-stream.ts, mail/deliver.ts),
 * the parse worker (mail/parse-worker.ts) and SQLite's message writer
 * (store/sqlite/writer-worker.ts) — so all of them store the same.
 */
import { createHash } from 'node:crypto';
import { parseMessage } from './parse.js';
import type { ParsedMessage } from './types.js';
import { searchTextOf } from './search-text.js';
import { summaryOf, type MessageSummaryFields } from './summary.js';
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
