/**
 * The body text of a stored message, for SEARCH BODY where the full-text index cannot tell
 * a body hit from a header hit (evaluate.ts needsBodyText): message rows keep no body text
 * (mime/stored-metadata.ts), so the message is parsed again — from its blob in pieces, so
 * a 50 MB message costs one piece of memory at a time, not its whole size; a message the
 * blob cache keeps (BlobStore.cachedUpTo) is read whole, from the cache when it is there.
 */
import { parseMessage, parseStream } from '../../../mime/parse.js';
import type { BlobStore, MessageRow } from '../../../store/types.js';

const PIECE = 1 << 20;

export async function bodyTextOf(blobs: BlobStore, row: Pick<MessageRow, 'blobId' | 'size'>): Promise<string> {
  if (row.size <= (blobs.cachedUpTo ?? 0)) return parseMessage(await blobs.get(row.blobId)).text;
  return (await parseStream(pieces(blobs, row))).text;
}

async function* pieces(blobs: BlobStore, row: Pick<MessageRow, 'blobId' | 'size'>): AsyncGenerator<Buffer> {
  for (let at = 0; at < row.size; at += PIECE) yield await blobs.getRange(row.blobId, at, Math.min(row.size, at + PIECE));
}
