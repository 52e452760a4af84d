/** BlobStore.createWriter for the in-memory test stores: collects the pieces and puts them
 *  whole on finish (the contract's observable behaviour; memory bounds are the real
 *  backends' business, tested in test/store and test/smtp/large-message.test.ts). */
import type { BlobId, BlobWriter } from '../../src/store/types.js';

export function memoryBlobWriter(put: (data: Uint8Array) => Promise<BlobId>): BlobWriter {
  const parts: Buffer[] = [];
  let done = false;
  let size = 0;
  return {
    get size() {
      return size;
    },
    async write(chunk) {
      if (done) throw new Error('blob writer already finished');
      parts.push(Buffer.from(chunk));
      size += chunk.length;
    },
    async finish() {
      done = true;
      return put(Buffer.concat(parts));
    },
    async abort() {
      done = true;
      parts.length = 0;
    },
  };
}
