/**
 * Parsed message metadata for FETCH, kept for recently fetched messages: clients fetch the
 * same messages again and again (ENVELOPE, BODYSTRUCTURE, sections by stored offsets), and
 * JSON.parse of the stored metadata was the largest cost of rendering a FETCH response.
 * Keyed by blob id, which is the SHA-256 of the message's bytes, and checked against the
 * metadata's length: the same bytes parse to the same metadata. Entries are shared by every
 * session and must not be changed (nothing in fetch/ or protocol/imap writes to them).
 * Bounded by the total length of the cached JSON (least recently used dropped first).
 */
import type { ParsedMessage } from '../../../mime/types.js';
import type { MessageRow } from '../../../store/types.js';

/** Total length of the cached metadata JSON (the parsed objects take a few times that). */
const BUDGET = 4 * 1024 * 1024;

interface Entry { length: number; parsed: ParsedMessage }
const cache = new Map<string, Entry>();
let used = 0;

export function parsedMetadata(row: Pick<MessageRow, 'blobId' | 'metadata'>): ParsedMessage {
  const hit = cache.get(row.blobId);
  if (hit && hit.length === row.metadata.length) {
    cache.delete(row.blobId); // most recently used last
    cache.set(row.blobId, hit);
    return hit.parsed;
  }
  const parsed = JSON.parse(row.metadata) as ParsedMessage;
  if (row.metadata.length > BUDGET / 16) return parsed;
  if (hit) used -= hit.length;
  cache.delete(row.blobId);
  cache.set(row.blobId, { length: row.metadata.length, parsed });
  used += row.metadata.length;
  for (const [k, e] of cache) {
    if (used <= BUDGET) break;
    cache.delete(k);
    used -= e.length;
  }
  return parsed;
}
