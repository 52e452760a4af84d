/**
 * Write transactions of many callers in one SQLite transaction. Every transaction on the
 * event loop's connection pays a fixed price beside its own statements: BEGIN IMMEDIATE
 * and COMMIT take and drop SQLite's WAL locks (fcntl on the -shm file), COMMIT writes the
 * transaction's pages as WAL frames (two pwrite()s each: a page written by ten transactions
 * is written ten times) and updates the WAL index, and each commit wakes a thread-pool
 * thread for its fdatasync. Under imaptest's 50 clients about every second command writes
 * (STORE, STORE \Deleted, EXPUNGE, APPEND, \Recent), and the sessions whose commands arrived
 * in one turn of the event loop each began and committed a transaction of their own.
 *
 * So a transaction asked for is queued, and once the turn's I/O callbacks have run
 * (setImmediate) all queued ones run in one BEGIN…COMMIT, each inside a SAVEPOINT: one that
 * throws is rolled back to its savepoint alone and its caller gets the error, while the
 * others commit — what each caller sees is what its own transaction would have given, run
 * after those queued before it. Every caller resumes only after the shared COMMIT and its
 * WAL fdatasync (the dialect's releaseConnection), so nothing is acknowledged before it is
 * durable. If SQLite ends the whole transaction (an I/O error, a full disk: SQLite rolls
 * back by itself) or the COMMIT fails, each transaction of the batch is tried again alone,
 * as group commit does (mail/group-commit.ts); the functions given to tx() only use the
 * transaction they are handed, so running one again is running it anew. But a batch that
 * committed and whose fsync failed (UnsyncedCommitError) is written already: every caller
 * gets that error, as a lone transaction's caller would, and nothing is written twice.
 */
import { CompiledQuery, type Kysely } from 'kysely';
import { UnsyncedCommitError } from '../../lib/errors.js';

type TxFn<D, T> = (trx: Kysely<D>) => Promise<T>;

interface Queued<D> {
  fn: TxFn<D, unknown>;
  resolve: (value: unknown) => void;
  reject: (err: unknown) => void;
}

// compiled once: a query built per savepoint would cost more than the savepoint itself
const SAVEPOINT = CompiledQuery.raw('SAVEPOINT batched');
const RELEASE = CompiledQuery.raw('RELEASE batched');
const ROLLBACK_TO = CompiledQuery.raw('ROLLBACK TO batched');

/** Transactions per batch: bounds how long one batch holds the connection. */
const MAX_BATCH = 64;

export function batchedTx<D>(db: Kysely<D>, inTransaction: () => boolean): <T>(fn: TxFn<D, T>) => Promise<T> {
  let queue: Array<Queued<D>> = [];
  let scheduled = false;

  const alone = (q: Queued<D>): Promise<void> =>
    db.transaction().execute(q.fn).then(q.resolve, q.reject);

  async function together(batch: Array<Queued<D>>): Promise<void> {
    const outcomes: Array<{ ok: true; value: unknown } | { ok: false; err: unknown }> = [];
    try {
      await db.transaction().execute(async (trx) => {
        for (const q of batch) {
          await trx.executeQuery(SAVEPOINT);
          try {
            const value = await q.fn(trx);
            await trx.executeQuery(RELEASE);
            outcomes.push({ ok: true, value });
          } catch (err) {
            // SQLite rolled the whole transaction back by itself: the batch has failed
            if (!inTransaction()) throw err;
            await trx.executeQuery(ROLLBACK_TO);
            await trx.executeQuery(RELEASE);
            outcomes.push({ ok: false, err });
          }
        }
      });
    } catch (err) {
      if (err instanceof UnsyncedCommitError) for (const q of batch) q.reject(err);
      else for (const q of batch) await alone(q);
      return;
    }
    batch.forEach((q, i) => {
      const o = outcomes[i];
      if (o.ok) q.resolve(o.value);
      else q.reject(o.err);
    });
  }

  function flush(): void {
    scheduled = false;
    const taken = queue;
    queue = [];
    for (let i = 0; i < taken.length; i += MAX_BATCH) {
      const batch = taken.slice(i, i + MAX_BATCH);
      // (batches wait for Kysely's one connection in turn)
      void (batch.length === 1 ? alone(batch[0]) : together(batch));
    }
  }

  return <T>(fn: TxFn<D, T>): Promise<T> => new Promise<T>((resolve, reject) => {
    queue.push({ fn, resolve: resolve as (value: unknown) => void, reject });
    if (!scheduled) {
      scheduled = true;
      setImmediate(flush);
    }
  });
}
