/**
 * The streaming put of the database blob store. Bytes are hashed as they arrive and saved
 * as rows of blob_chunks (CHUNK_SIZE octets each) under a temporary key, so a writer holds
 * at most one chunk in memory and a 50 MB message never becomes one 50 MB bytea parameter
 * (PostgreSQL's protocol would need it whole, hex-encoded: twice its size). finish() then
 * commits, in one transaction, the blobs row (chunk_size > 0, data empty) and re-keys the
 * chunks to the content hash; if that blob exists already, the chunks are dropped instead
 * (content addressing). A message that fits in one chunk goes through the ordinary put.
 * Temp chunks of a writer that never finished (crash) are removed by collectGarbage.
 */
import { createHash, randomBytes } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { DB } from '../sql/schema.js';
import type { BlobId, BlobStore, BlobWriter } from '../types.js';

export const CHUNK_SIZE = 1024 * 1024;
export const TEMP_PREFIX = 'tmp-';

export class SqlBlobWriter implements BlobWriter {
  size = 0;
  private readonly hash = createHash('sha256');
  private readonly key = `${TEMP_PREFIX}${randomBytes(12).toString('hex')}`;
  private pending: Buffer[] = [];
  private pendingBytes = 0;
  private seq = 0;
  private done = false;

  constructor(private readonly db: Kysely<DB>, private readonly put: BlobStore['put']) {}

  async write(chunk: Uint8Array): Promise<void> {
    if (this.done) throw new Error('blob writer already finished');
    this.hash.update(chunk);
    this.size += chunk.length;
    this.pending.push(Buffer.from(chunk));
    this.pendingBytes += chunk.length;
    while (this.pendingBytes >= CHUNK_SIZE) {
      const all = Buffer.concat(this.pending);
      await this.saveChunk(all.subarray(0, CHUNK_SIZE));
      const rest = all.subarray(CHUNK_SIZE);
      this.pending = rest.length > 0 ? [Buffer.from(rest)] : [];
      this.pendingBytes = rest.length;
    }
  }

  async finish(): Promise<BlobId> {
    if (this.done) throw new Error('blob writer already finished');
    this.done = true;
    const id = this.hash.digest('hex');
    const rest = Buffer.concat(this.pending);
    this.pending = [];
    if (this.seq === 0) return this.put(rest); // small: an ordinary row
    if (rest.length > 0) await this.saveChunk(rest);
    const now = Date.now();
    await this.db.transaction().execute(async (trx) => {
      const r = await trx.insertInto('blobs').values({ id, data: Buffer.alloc(0), size: this.size, created_at: now, chunk_size: CHUNK_SIZE })
        .onConflict((oc) => oc.column('id').doNothing()).executeTakeFirst();
      if (Number(r.numInsertedOrUpdatedRows ?? 0) > 0) {
        await trx.updateTable('blob_chunks').set({ blob_id: id }).where('blob_id', '=', this.key).execute();
      } else {
        // the same bytes are stored already: keep that blob, refresh its GC grace
        await trx.deleteFrom('blob_chunks').where('blob_id', '=', this.key).execute();
        await trx.updateTable('blobs').set({ created_at: now }).where('id', '=', id).execute();
      }
    });
    return id;
  }

  async abort(): Promise<void> {
    if (this.done) return;
    this.done = true;
    this.pending = [];
    if (this.seq > 0) await this.db.deleteFrom('blob_chunks').where('blob_id', '=', this.key).execute();
  }

  private async saveChunk(data: Buffer): Promise<void> {
    await this.db.insertInto('blob_chunks').values({ blob_id: this.key, seq: this.seq++, data, created_at: Date.now() }).execute();
  }
}

/** Bytes [from, to) of a chunked blob, reading only the chunks that hold them. */
export async function readChunked(db: Kysely<DB>, id: BlobId, chunkSize: number, from: number, to: number): Promise<Buffer> {
  if (to <= from) return Buffer.alloc(0);
  const first = Math.floor(from / chunkSize);
  const last = Math.floor((to - 1) / chunkSize);
  const rows = await db.selectFrom('blob_chunks').select(['seq', 'data']).where('blob_id', '=', id)
    .where('seq', '>=', first).where('seq', '<=', last).orderBy('seq').execute();
  const all = Buffer.concat(rows.map((r) => Buffer.from(r.data)));
  const start = from - first * chunkSize;
  return all.subarray(start, start + (to - from));
}
