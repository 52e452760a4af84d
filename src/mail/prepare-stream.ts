/**
 * prepareMessage (deliver.ts) for a message given in pieces: each piece goes into a blob
 * writer and through the streaming MIME parser as it comes, so a message of any size is
 * stored and parsed holding one piece at a time (issue #3: a 50 MB message in bounded
 * memory). The blob is durable and the metadata complete when the promise resolves.
 */
import type { BlobId, BlobStore, NewMessage, Store } from '../store/types.js';
import { MimeParser } from '../mime/parse.js';
import { parsedFields } from '../mime/stored-fields.js';

export async function prepareStream(
  store: Store,
  pieces: AsyncIterable<Buffer>,
  internalDate = Date.now(),
): Promise<Omit<NewMessage, 'flags'>> {
  const parser = new MimeParser();
  const { blobId, size } = await writeStream(store.blobs, pieces, (p) => parser.write(p));
  const parsed = parser.end();
  return { blobId, size, internalDate, ...parsedFields(parsed) };
}

/** Stores the pieces as one blob; `each` sees every piece before it is written. */
export async function writeStream(
  blobs: BlobStore,
  pieces: AsyncIterable<Buffer>,
  each?: (piece: Buffer) => void,
): Promise<{ blobId: BlobId; size: number }> {
  const writer = blobs.createWriter();
  try {
    for await (const p of pieces) {
      each?.(p);
      await writer.write(p);
    }
  } catch (err) {
    await writer.abort();
    throw err;
  }
  return { blobId: await writer.finish(), size: writer.size };
}
