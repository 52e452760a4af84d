/**
 * Blobs in the database (PostgreSQL backend): table blobs(id, data bytea, size,
 * created_at). A put is durable with its commit; putting bytes that exist refreshes
 * created_at so garbage collection's grace period covers a delivery that re-uses an old
 * blob. Ranges are read with substring() so a partial FETCH does not load the whole blob.
 * Puts that arrive while another is being written are grouped into one multi-row INSERT
 * (one commit, one WAL flush for the group); each put still resolves only after the
 * commit that holds its row. Large blobs come through createWriter() and are stored as
 * chunk rows (writer.ts); get/getRange read either form.
 */
import { createHash } from 'node:crypto';
import { sql, type Kysely } from 'kysely';
import { UserError } from '../../lib/errors.js';
import { referencedBlobs } from '../sql/blob-refs.js';
import type { DB } from '../sql/schema.js';
import type { BlobId, BlobStore, BlobWriter } from '../types.js';
import { readChunked, SqlBlobWriter, TEMP_PREFIX } from './writer.js';

interface Pending { id: string; data: Buffer; done: Array<(err: unknown) => void> }

const GROUP_BYTES = 16 * 1024 * 1024;
const GROUP_ROWS = 200;

export class SqlBlobStore implements BlobStore {
  private queue = new Map<string, Pending>();
  private writing = false;

  constructor(private readonly db: Kysely<DB>) {}

  async put(data: Uint8Array): Promise<BlobId> {
    const id = createHash('sha256').update(data).digest('hex');
    await new Promise<void>((resolve, reject) => {
      const done = (err: unknown) => (err ? reject(err) : resolve());
      const p = this.queue.get(id);
      if (p) p.done.push(done);
      else this.queue.set(id, { id, data: Buffer.from(data.buffer, data.byteOffset, data.byteLength), done: [done] });
      if (!this.writing) void this.drain();
    });
    return id;
  }

  /** Writes queued blobs in groups until the queue is empty. */
  private async drain(): Promise<void> {
    this.writing = true;
    try {
      while (this.queue.size > 0) {
        const group: Pending[] = [];
        let bytes = 0;
        for (const p of this.queue.values()) {
          if (group.length > 0 && (group.length >= GROUP_ROWS || bytes + p.data.length > GROUP_BYTES)) break;
          group.push(p);
          bytes += p.data.length;
        }
        for (const p of group) this.queue.delete(p.id);
        let err: unknown = null;
        try {
          const now = Date.now();
          await this.db.insertInto('blobs').values(group.map((p) => ({ id: p.id, data: p.data, size: p.data.length, created_at: now })))
            .onConflict((oc) => oc.column('id').doUpdateSet({ created_at: now })).execute();
        } catch (e) {
          err = e;
        }
        for (const p of group) for (const d of p.done) d(err);
      }
    } finally {
      this.writing = false;
    }
  }

  /** Streaming put in chunk rows (writer.ts): bounded memory for any size. */
  createWriter(): BlobWriter {
    return new SqlBlobWriter(this.db, (data) => this.put(data));
  }

  async get(id: BlobId): Promise<Buffer> {
    const row = await this.db.selectFrom('blobs').select(['data', 'size', 'chunk_size']).where('id', '=', id).executeTakeFirst();
    if (!row) throw new UserError(`no blob ${id}`, 'not-found');
    if (Number(row.chunk_size) > 0) return readChunked(this.db, id, Number(row.chunk_size), 0, Number(row.size));
    return Buffer.from(row.data);
  }

  async getRange(id: BlobId, start: number, end: number): Promise<Buffer> {
    const from = Math.max(0, start);
    const len = Math.max(0, end - from);
    const r = await sql<{ part: Buffer; size: number; chunk_size: number }>`SELECT substring(data FROM ${from + 1}::int FOR ${Math.min(len, 0x7fffffff)}::int) AS part,
      size, chunk_size FROM blobs WHERE id = ${id}`.execute(this.db);
    if (r.rows.length === 0) throw new UserError(`no blob ${id}`, 'not-found');
    const row = r.rows[0];
    if (Number(row.chunk_size) > 0) return readChunked(this.db, id, Number(row.chunk_size), from, Math.min(Number(row.size), from + len));
    return Buffer.from(row.part);
  }

  async has(id: BlobId): Promise<boolean> {
    return (await this.db.selectFrom('blobs').select('id').where('id', '=', id).executeTakeFirst()) !== undefined;
  }

  async collectGarbage(graceMs: number): Promise<number> {
    const cutoff = Date.now() - graceMs;
    const old = (await this.db.selectFrom('blobs').select('id').where('created_at', '<', cutoff).execute()).map((r) => r.id);
    const used = await referencedBlobs(this.db, old);
    let removed = 0;
    for (const id of old) {
      if (used.has(id)) continue;
      const r = await this.db.deleteFrom('blobs').where('id', '=', id).where('created_at', '<', cutoff).executeTakeFirst();
      if (Number(r.numDeletedRows) > 0) await this.db.deleteFrom('blob_chunks').where('blob_id', '=', id).execute();
      removed += Number(r.numDeletedRows);
    }
    // chunks of writers that never finished (a crash mid-message)
    await this.db.deleteFrom('blob_chunks').where('blob_id', 'like', `${TEMP_PREFIX}%`).where('created_at', '<', cutoff).execute();
    return removed;
  }
}
