/**
 * Which blobs are still referenced (by a message row or a queue entry): the query-based
 * garbage collection both blob backends use. No reference counts to keep in step.
 */
import type { Kysely } from 'kysely';
import { chunks } from './db.js';
import type { DB } from './schema.js';

export async function referencedBlobs(db: Kysely<DB>, ids: string[]): Promise<Set<string>> {
  const out = new Set<string>();
  for (const part of chunks(ids, 400)) {
    if (part.length === 0) continue;
    const a = await db.selectFrom('messages').select('blob_id').distinct().where('blob_id', 'in', part).execute();
    const b = await db.selectFrom('queue_messages').select('blob_id').distinct().where('blob_id', 'in', part).execute();
    for (const r of [...a, ...b]) out.add(r.blob_id);
  }
  return out;
}
