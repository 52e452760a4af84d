/**
 * Locks across every node sharing the database: pg_try_advisory_lock on one dedicated
 * connection per store. The server releases a session's advisory locks when the session
 * ends, so a crashed node never leaves a stale lock. Advisory locks are re-entrant within
 * a session, so an in-memory set refuses a second tryLock of the same key from this store.
 * The lock number is the first 64 bits of SHA-256(schema ':' key).
 */
import { createHash } from 'node:crypto';
import pg from 'pg';
import type { LockHandle, Locks } from '../types.js';
import { endClient, idleUnref } from './config.js';

export class PgLocks implements Locks {
  private client: pg.Client | null = null;
  private busy: ReturnType<typeof idleUnref> | null = null;
  private connecting: Promise<pg.Client> | null = null;
  private readonly held = new Set<string>();
  private closed = false;

  constructor(private readonly config: pg.ClientConfig, private readonly schema: string) {}

  private lockId(key: string): string {
    return createHash('sha256').update(`${this.schema}:${key}`).digest().readBigInt64BE(0).toString();
  }

  private async connection(): Promise<pg.Client> {
    if (this.client) return this.client;
    this.connecting ??= (async () => {
      // application_name tells operators (and tests) which session holds the locks
      const c = new pg.Client({ ...this.config, application_name: `posthorn locks ${this.schema}`.slice(0, 63) });
      const lost = () => {
        // the server dropped every lock of this session with it
        if (this.client === c) this.client = null;
        this.held.clear();
      };
      c.on('error', lost);
      c.on('end', lost);
      await c.connect();
      this.busy = idleUnref(c);
      this.client = c;
      return c;
    })().finally(() => {
      this.connecting = null;
    });
    return this.connecting;
  }

  async tryLock(key: string): Promise<LockHandle | null> {
    if (this.closed) throw new Error('store closed');
    if (this.held.has(key)) return null;
    this.held.add(key);
    let c: pg.Client;
    let ok = false;
    try {
      c = await this.connection();
      const r = await this.query(c, 'SELECT pg_try_advisory_lock($1::bigint) AS ok', [this.lockId(key)]);
      ok = r.rows[0]?.ok === true;
    } finally {
      if (!ok) this.held.delete(key);
    }
    if (!ok) return null;
    let released = false;
    return {
      release: async () => {
        if (released) return;
        released = true;
        if (this.client === c && this.held.delete(key)) {
          await this.query(c, 'SELECT pg_advisory_unlock($1::bigint) AS ok', [this.lockId(key)]).catch(() => undefined);
        }
      },
    };
  }

  private query(c: pg.Client, text: string, values: unknown[]): Promise<pg.QueryResult<{ ok: boolean }>> {
    const run = () => c.query<{ ok: boolean }>(text, values);
    return this.busy && this.client === c ? this.busy.busy(run) : run();
  }

  async close(): Promise<void> {
    this.closed = true;
    const c = this.client;
    this.client = null;
    this.held.clear();
    if (c) await endClient(c);
  }
}
