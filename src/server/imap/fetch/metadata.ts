/**
 * Parsed message metadata for FETCH, kept for recently fetched messages: clients fetch the
 * same messages again and again (ENVELOPE, BODYSTRUCTURE, sections by stored offsets), and
 * reading and parsing the stored JSON (up to ~8 KB a message in rows written before
 * mime/stored-metadata.ts dropped the body text) was the largest cost of rendering a FETCH
 * response. Only what FETCH uses is kept (envelope,
 * part tree, size, body offset: a sixth of the JSON), so the cache holds several times the
 * messages it held whole, and a FETCH whose messages are all cached reads no metadata at
 * all (rows.ts). Keyed by blob id, which is the SHA-256 of the message's bytes, and checked
 * against the stored metadata's length in octets: the same bytes parse to the same
 * metadata, and metadata rewritten for them is parsed anew. Entries are shared by every
 * session and must not be changed (nothing in fetch/ or protocol/imap writes to them).
 * Bounded by the estimated JSON length of what is kept (least recently used dropped first).
 */
import type { ParsedMessage } from '../../../mime/types.js';

/** What FETCH reads of a message's metadata (render.ts, sections.ts). */
export type FetchMetadata = Pick<ParsedMessage, 'size' | 'bodyStart' | 'envelope' | 'body'>;

/** Total estimated JSON length of the kept metadata (the parsed objects take a few times that). */
const BUDGET = 4 * 1024 * 1024;

interface Entry { octets: number; cost: number; meta: FetchMetadata }
const cache = new Map<string, Entry>();
let used = 0;

/** The cached metadata of the blob when its stored JSON has `octets` octets, else null. */
export function cachedMetadata(blobId: string, octets: number): FetchMetadata | null {
  const hit = cache.get(blobId);
  if (!hit || hit.octets !== octets) return null;
  cache.delete(blobId); // most recently used last
  cache.set(blobId, hit);
  return hit.meta;
}

/** Parses stored metadata JSON (`octets` long) of the blob and caches what FETCH uses. */
export function parsedMetadata(blobId: string, octets: number, json: string): FetchMetadata {
  const full = JSON.parse(json) as ParsedMessage;
  const meta: FetchMetadata = { size: full.size, bodyStart: full.bodyStart, envelope: full.envelope, body: full.body };
  const cost = Math.max(256, octets - dropped(full));
  if (cost > BUDGET / 16) return meta;
  const old = cache.get(blobId);
  if (old) used -= old.cost;
  cache.delete(blobId);
  cache.set(blobId, { octets, cost, meta });
  used += cost;
  for (const [k, e] of cache) {
    if (used <= BUDGET) break;
    cache.delete(k);
    used -= e.cost;
  }
  return meta;
}

/** Characters of the parts FETCH does not keep (an estimate of their share of the JSON). */
function dropped(full: Partial<ParsedMessage>): number {
  let n = (full.text?.length ?? 0) + (full.preview?.length ?? 0);
  for (const [name, value] of full.headers ?? []) n += name.length + value.length;
  return n;
}
