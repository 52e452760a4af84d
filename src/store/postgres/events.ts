/**
 * Mailbox events between nodes over LISTEN/NOTIFY. One dedicated connection LISTENs on a
 * channel derived from the schema (so separate schemas never hear each other); publish
 * sends pg_notify through the pool. Subscribers of the publishing store get the event at
 * once, in process (as with SQLite); the notification carries the store's random origin id
 * so it is not delivered to them a second time. NOTIFY payloads are limited to 8000 bytes: an event whose UID list is longer is
 * sent with an empty list (subscribers re-read state anyway — types.ts EventTransport).
 * If the listening connection drops it reconnects; events sent meanwhile are lost, which
 * the at-most-once contract allows.
 */
import { createHash, randomBytes } from 'node:crypto';
import pg from 'pg';
import type { EventTransport, MailboxEvent } from '../types.js';
import { endClient, idleUnref } from './config.js';

const MAX_PAYLOAD = 7900;

export class PgEvents implements EventTransport {
  private readonly channel: string;
  private readonly handlers = new Set<(e: MailboxEvent) => void>();
  private client: pg.Client | null = null;
  private closed = false;
  private retry: NodeJS.Timeout | null = null;
  private readonly origin = randomBytes(8).toString('hex');

  constructor(private readonly config: pg.ClientConfig, private readonly schema: string, private readonly pool: pg.Pool) {
    this.channel = `posthorn_${createHash('sha256').update(schema).digest('hex').slice(0, 16)}`;
  }

  /** Connects and LISTENs; resolves once events published from now on will be heard. */
  async start(): Promise<void> {
    const c = new pg.Client({ ...this.config, application_name: `posthorn events ${this.schema}`.slice(0, 63) });
    c.on('notification', (n) => {
      if (n.channel !== this.channel || !n.payload) return;
      let msg: { o: string; e: MailboxEvent };
      try {
        msg = JSON.parse(n.payload) as { o: string; e: MailboxEvent };
      } catch {
        return;
      }
      if (msg.o !== this.origin) this.dispatch(msg.e);
    });
    const lost = () => {
      if (this.client !== c) return;
      this.client = null;
      if (!this.closed) this.retry = setTimeout(() => void this.start().catch(() => this.scheduleRetry()), 500).unref();
    };
    c.on('error', lost);
    c.on('end', lost);
    await c.connect();
    await c.query(`LISTEN ${this.channel}`);
    idleUnref(c); // listening alone does not keep the process alive
    if (this.closed) {
      await endClient(c);
      return;
    }
    this.client = c;
  }

  private scheduleRetry(): void {
    if (!this.closed) this.retry = setTimeout(() => void this.start().catch(() => this.scheduleRetry()), 2000).unref();
  }

  private dispatch(event: MailboxEvent): void {
    for (const h of [...this.handlers]) {
      try {
        h(event);
      } catch {
        // one failing subscriber does not stop the others
      }
    }
  }

  async publish(event: MailboxEvent): Promise<void> {
    this.dispatch(event);
    let payload = JSON.stringify({ o: this.origin, e: event });
    if (payload.length > MAX_PAYLOAD && 'uids' in event) payload = JSON.stringify({ o: this.origin, e: { ...event, uids: [] } });
    await this.pool.query('SELECT pg_notify($1, $2)', [this.channel, payload]);
  }

  subscribe(handler: (e: MailboxEvent) => void): () => void {
    this.handlers.add(handler);
    return () => {
      this.handlers.delete(handler);
    };
  }

  async close(): Promise<void> {
    this.closed = true;
    if (this.retry) clearTimeout(this.retry);
    const c = this.client;
    this.client = null;
    this.handlers.clear();
    if (c) await endClient(c);
  }
}
