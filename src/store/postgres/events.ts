/**
 * Mailbox events between nodes over LISTEN/NOTIFY. One dedicated connection LISTENs on a
 * channel derived from the schema (so separate schemas never hear each other); publish
 * sends pg_notify through the pool. A node hears its own events through the same channel,
 * once. NOTIFY payloads are limited to 8000 bytes: an event whose UID list is longer is
 * sent with an empty list (subscribers re-read state anyway — types.ts EventTransport).
 * If the listening connection drops it reconnects; events sent meanwhile are lost, which
 * the at-most-once contract allows.
 */
import { createHash } from 'node:crypto';
import pg from 'pg';
import type { EventTransport, MailboxEvent } from '../types.js';

const MAX_PAYLOAD = 7900;

export class PgEvents implements EventTransport {
  private readonly channel: string;
  private readonly handlers = new Set<(e: MailboxEvent) => void>();
  private client: pg.Client | null = null;
  private closed = false;
  private retry: NodeJS.Timeout | null = null;

  constructor(private readonly config: pg.ClientConfig, private readonly schema: string, private readonly pool: pg.Pool) {
    this.channel = `posthorn_${createHash('sha256').update(schema).digest('hex').slice(0, 16)}`;
  }

  /** Connects and LISTENs; resolves once events published from now on will be heard. */
  async start(): Promise<void> {
    const c = new pg.Client({ ...this.config, application_name: `posthorn events ${this.schema}`.slice(0, 63) });
    c.on('notification', (n) => {
      if (n.channel !== this.channel || !n.payload) return;
      let event: MailboxEvent;
      try {
        event = JSON.parse(n.payload) as MailboxEvent;
      } catch {
        return;
      }
      for (const h of [...this.handlers]) {
        try {
          h(event);
        } catch {
          // one failing subscriber does not stop the others
        }
      }
    });
    const lost = () => {
      if (this.client !== c) return;
      this.client = null;
      if (!this.closed) this.retry = setTimeout(() => void this.start().catch(() => this.scheduleRetry()), 500);
    };
    c.on('error', lost);
    c.on('end', lost);
    await c.connect();
    await c.query(`LISTEN ${this.channel}`);
    if (this.closed) {
      await c.end();
      return;
    }
    this.client = c;
  }

  private scheduleRetry(): void {
    if (!this.closed) this.retry = setTimeout(() => void this.start().catch(() => this.scheduleRetry()), 2000);
  }

  async publish(event: MailboxEvent): Promise<void> {
    let payload = JSON.stringify(event);
    if (payload.length > MAX_PAYLOAD && 'uids' in event) payload = JSON.stringify({ ...event, uids: [] });
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
    await c?.end().catch(() => undefined);
  }
}
