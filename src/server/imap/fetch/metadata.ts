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

/** `placed`: the count of placements (insert or move to the end) when this one was last placed. */
interface Entry { octets: number; cost: number; meta: FetchMetadata; placed: number }
const cache = new Map<string, Entry>();
let used = 0;
let placements = 0;

/** The cached metadata of the blob when its stored JSON has `octets` octets, else null. */
export function cachedMetadata(blobId: string, octets: number): FetchMetadata | null {
  const hit = cache.get(blobId);
  if (!hit || hit.octets !== octets) return null;
  // Most recently used last, but an entry placed within the last half of the cache's size
  // stays where it is: it is far from the next to go, and FETCH asks this for every message
  // it renders (a delete and a set each time were 1% of the event loop under imaptest).
  if (hit.placed < placements - cache.size / 2) {
    cache.delete(blobId);
    cache.set(blobId, hit);
    hit.placed = ++placements;
  }
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
  cache.set(blobId, { octets, cost, meta, placed: ++placements });
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
