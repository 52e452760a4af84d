/**
 * Blobs in the database: table blobs(id, data, size, created_at) — every blob on
 * PostgreSQL, the small ones on SQLite (sqlite/blobs.ts). A put is durable with its
 * commit; putting bytes that exist refreshes created_at so garbage collection's grace
 * period covers a delivery that re-uses an old blob. Ranges are cut inside the database so
 * a partial FETCH does not load the whole blob. Puts that arrive while another is being
 * written are grouped into one multi-row INSERT (one commit, one WAL flush for the group);
 * each put still resolves only after the commit that holds its row. Message append writes
 * blobs up to `inlineLimit` itself, in the rows' transaction (sql/blob-rows.ts). Large
 * blobs come through createWriter() and are stored as chunk rows (writer.ts); get and
 * getRange read either form.
 */
import { createHash } from 'node:crypto';
import type { Kysely } from 'kysely';
import { UserError } from '../../lib/errors.js';
import { referencedBlobs } from '../sql/blob-refs.js';
import { insertBlobs, readBlob, readBlobRange } from '../sql/blob-rows.js';
import type { Dialect } from '../sql/db.js';
import type { DB } from '../sql/schema.js';
import type { BlobId, BlobStore, BlobWriter } from '../types.js';
import { readChunked, SqlBlobWriter, TEMP_PREFIX } from './writer.js';

interface Pending { id: string; data: Buffer; done: Array<(err: unknown) => void> }

const GROUP_BYTES = 16 * 1024 * 1024;
const GROUP_ROWS = 200;

export class SqlBlobStore implements BlobStore {
  private queue = new Map<string, Pending>();
  private writing = false;

  constructor(private readonly db: Kysely<DB>, private readonly dialect: Dialect = 'postgres', readonly inlineLimit = 0) {}

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
          await insertBlobs(this.db, this.dialect, group);
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
    const row = await readBlob(this.db, this.dialect, id);
    if (!row) throw new UserError(`no blob ${id}`, 'not-found');
    return row.chunkSize > 0 ? readChunked(this.db, id, row.chunkSize, 0, row.size) : row.data;
  }

  async getRange(id: BlobId, start: number, end: number): Promise<Buffer> {
    const part = await readBlobRange(this.db, this.dialect, id, start, end);
    if (!part) throw new UserError(`no blob ${id}`, 'not-found');
    if (part.chunkSize === 0) return part.data;
    const from = Math.max(0, start);
    return readChunked(this.db, id, part.chunkSize, from, Math.min(part.size, Math.max(from, end)));
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
