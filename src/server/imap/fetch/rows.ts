/**
 * The rows a FETCH renders: each message's row without its metadata, and the metadata
 * from the cache (metadata.ts), read from the store only for the messages the cache lacks
 * (one more statement for those, none when all are cached).
 * A message expunged between the two reads is left out, as one expunged before the first
 * (RFC 2180 §4.1.2: FETCH of a message expunged by another session may be skipped).
 */
import type { MailStore, MessageHead, UidRanges } from '../../../store/types.js';
import { cachedMetadata, parsedMetadata, type FetchMetadata } from './metadata.js';

export interface FetchRow extends MessageHead {
  /** Null when no requested item needs it. */
  meta: FetchMetadata | null;
}

export async function fetchRows(mail: MailStore, mailboxId: number, uids: UidRanges, withMeta: boolean): Promise<FetchRow[]> {
  const heads = await mail.getMessageHeads(mailboxId, uids);
  const rows: FetchRow[] = heads.map((h) => ({ ...h, meta: withMeta ? cachedMetadata(h.blobId, h.metadataOctets) : null }));
  if (!withMeta) return rows;
  const missing: UidRanges = [];
  for (const r of rows) {
    if (r.meta) continue;
    const last = missing[missing.length - 1];
    if (last && last[1] === r.uid - 1) last[1] = r.uid;
    else missing.push([r.uid, r.uid]);
  }
  if (missing.length === 0) return rows;
  const json = await mail.getMetadata(mailboxId, missing);
  const out: FetchRow[] = [];
  for (const r of rows) {
    if (!r.meta) {
      const text = json.get(r.uid);
      if (text === undefined) continue;
      r.meta = parsedMetadata(r.blobId, Buffer.byteLength(text), text);
    }
    out.push(r);
  }
  return out;
}
