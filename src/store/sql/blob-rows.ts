/**
 * The blobs table (id, data, size, created_at), shared by the database blob store
 * (blob-sql) and by message append, which writes small blobs in its own transaction
 * (types.ts NewMessage.content). Writing bytes that exist refreshes created_at, so garbage
 * collection's grace period covers a delivery that re-uses an old blob.
 */
import { sql, type Kysely } from 'kysely';
import { chunks, type Dialect } from './db.js';
import { ONE_BY_ONE, prepared } from './prepared.js';
import type { DB } from './schema.js';

/** Blobs up to this size go into the table with their message rows (types.ts
 *  BlobStore.inlineLimit): nearly all mail, while a group commit's transaction stays small
 *  enough (SQLite's own measurements put the break-even of in-table against file blobs
 *  near 100 KB at 4 KiB pages: https://www.sqlite.org/intern-v-extern-blob.html). */
export const INLINE_BLOB_LIMIT = 128 * 1024;

/** One blob's upsert, compiled once (prepared.ts): the one a delivery nearly always makes. */
const upsertOne = prepared(4, (db, id: string, data: Buffer, size: number, now: number) => db.insertInto('blobs').values({ id, data, size, created_at: now })
  .onConflict((oc) => oc.column('id').doUpdateSet({ created_at: now })));

/** Inserts blobs, each id once (a multi-row upsert may touch a row only once on PostgreSQL). */
export async function insertBlobs(db: Kysely<DB>, dialect: Dialect, blobs: Iterable<{ id: string; data: Uint8Array }>, now = Date.now()): Promise<void> {
  const unique = new Map<string, Buffer>();
  for (const b of blobs) unique.set(b.id, Buffer.from(b.data.buffer, b.data.byteOffset, b.data.byteLength));
  if (unique.size <= ONE_BY_ONE) {
    for (const [id, data] of unique) await upsertOne(db, dialect, id, data, data.length, now);
    return;
  }
  for (const part of chunks([...unique], 200)) {
    await db.insertInto('blobs').values(part.map(([id, data]) => ({ id, data, size: data.length, created_at: now })))
      .onConflict((oc) => oc.column('id').doUpdateSet({ created_at: now })).execute();
  }
}

/** A blob row: its bytes in `data`, or (chunkSize > 0) in blob_chunks rows (blob-sql/writer.ts). */
export interface BlobRow { data: Buffer; size: number; chunkSize: number }

const blobRow = prepared(1, (db, id: string) => db.selectFrom('blobs').select(['data', 'size', 'chunk_size']).where('id', '=', id));

/** The whole blob row, or null (compiled once: every FETCH of a body not in the cache). */
export async function readBlob(db: Kysely<DB>, dialect: Dialect, id: string): Promise<BlobRow | null> {
  const [row] = await blobRow(db, dialect, id);
  return row ? { data: Buffer.from(row.data), size: Number(row.size), chunkSize: Number(row.chunk_size) } : null;
}

/** Bytes [start, end) cut inside the database (a partial FETCH does not load the whole
 *  blob), or null when there is no such blob. A chunked row has empty data: its caller
 *  reads the chunks. */
export async function readBlobRange(db: Kysely<DB>, dialect: Dialect, id: string, start: number, end: number): Promise<BlobRow | null> {
  const from = Math.max(0, start);
  const len = Math.min(Math.max(0, end - from), 0x7fffffff);
  const r = dialect === 'postgres'
    ? await sql<{ part: Buffer; size: number; chunk_size: number }>`SELECT substring(data FROM ${from + 1}::int FOR ${len}::int) AS part, size, chunk_size FROM blobs WHERE id = ${id}`.execute(db)
    : await sql<{ part: Buffer | null; size: number; chunk_size: number }>`SELECT substr(data, ${from + 1}, ${len}) AS part, size, chunk_size FROM blobs WHERE id = ${id}`.execute(db);
  if (r.rows.length === 0) return null;
  const row = r.rows[0];
  return { data: Buffer.from(row.part ?? Buffer.alloc(0)), size: Number(row.size), chunkSize: Number(row.chunk_size) };
}
