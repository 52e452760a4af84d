/**
 * The durable outbound queue (types.ts QueueStore): one row per message, one per
 * recipient. A recipient is claimed by a node with a lease (lease_owner, lease_until); it
 * is not handed out again until recordAttempt releases it or the lease runs out. On
 * PostgreSQL the claim selects with FOR UPDATE SKIP LOCKED so concurrent nodes never
 * claim the same row; SQLite serializes writers anyway (BEGIN IMMEDIATE).
 * claimDue returns each message with only the recipients claimed by that call.
 */
import type { Kysely, Selectable } from 'kysely';
import type { QueuedMessage, QueuedRecipient, QueueStore, RecipientState } from '../types.js';
import { chunks, type Sql } from './db.js';
import type { DB, QueueMessagesTable, QueueRecipientsTable } from './schema.js';

const PENDING: RecipientState[] = ['queued', 'deferred'];

function toRecipient(r: Selectable<QueueRecipientsTable>): QueuedRecipient {
  return {
    id: Number(r.id), messageId: Number(r.message_id), address: r.address, orcpt: r.orcpt,
    notify: r.notify === null ? null : (JSON.parse(r.notify) as string[]), state: r.state as RecipientState,
    attempts: Number(r.attempts), nextAttempt: Number(r.next_attempt),
    lastAttempt: r.last_attempt === null ? null : Number(r.last_attempt), lastReply: r.last_reply, remoteMta: r.remote_mta,
    delayNotified: Number(r.delay_notified) === 1,
  };
}

function toMessage(m: Selectable<QueueMessagesTable>, recipients: QueuedRecipient[]): QueuedMessage {
  return {
    id: Number(m.id), sender: m.sender, blobId: m.blob_id, size: Number(m.size), arrival: Number(m.arrival), envid: m.envid,
    ret: m.ret as QueuedMessage['ret'], isBounce: Number(m.is_bounce) === 1, body: m.body as QueuedMessage['body'],
    smtputf8: Number(m.smtputf8) === 1, recipients,
  };
}

async function load(db: Kysely<DB>, ids: number[], only?: Set<number>): Promise<QueuedMessage[]> {
  const out: QueuedMessage[] = [];
  for (const part of chunks(ids, 500)) {
    if (part.length === 0) continue;
    const msgs = await db.selectFrom('queue_messages').selectAll().where('id', 'in', part).orderBy('id').execute();
    const rcpts = await db.selectFrom('queue_recipients').selectAll().where('message_id', 'in', part).orderBy('id').execute();
    for (const m of msgs) {
      const rs = rcpts.filter((r) => Number(r.message_id) === Number(m.id) && (!only || only.has(Number(r.id)))).map(toRecipient);
      out.push(toMessage(m, rs));
    }
  }
  return out;
}

type AttemptResult = Parameters<QueueStore['recordAttempt']>[1];

function updateAttempts(db: Kysely<DB>, ids: number[], result: AttemptResult) {
  return db.updateTable('queue_recipients').set((eb) => ({
    state: result.state, last_reply: result.reply, remote_mta: result.remoteMta, last_attempt: result.at,
    attempts: eb('attempts', '+', 1), lease_owner: null, lease_until: null,
    ...(result.nextAttempt !== undefined ? { next_attempt: result.nextAttempt } : {}),
    ...(result.delayNotified !== undefined ? { delay_notified: result.delayNotified ? 1 : 0 } : {}),
  })).where('id', ids.length === 1 ? '=' : 'in', ids.length === 1 ? ids[0] : ids).execute();
}

export class SqlQueueStore implements QueueStore {
  constructor(private readonly s: Sql) {}

  enqueue(input: Parameters<QueueStore['enqueue']>[0]): Promise<number> {
    const now = Date.now();
    return this.s.tx(async (trx) => {
      const m = await trx.insertInto('queue_messages').values({
        sender: input.sender, blob_id: input.blobId, size: input.size, arrival: now, envid: input.envid ?? null, ret: input.ret ?? null,
        is_bounce: input.isBounce ? 1 : 0, body: input.body ?? '7BIT', smtputf8: input.smtputf8 ? 1 : 0,
      }).returning('id').executeTakeFirstOrThrow();
      const id = Number(m.id);
      for (const part of chunks(input.recipients, 100)) {
        await trx.insertInto('queue_recipients').values(part.map((r) => ({
          message_id: id, address: r.address, orcpt: r.orcpt ?? null, notify: r.notify ? JSON.stringify(r.notify) : null,
          state: 'queued', attempts: 0, next_attempt: now, last_attempt: null, last_reply: null, remote_mta: null,
          lease_owner: null, lease_until: null, delay_notified: 0,
        }))).execute();
      }
      return id;
    });
  }

  claimDue(now: number, limit: number, node: string, leaseMs: number): Promise<QueuedMessage[]> {
    return this.s.tx(async (trx) => {
      let q = trx.selectFrom('queue_recipients').select(['id', 'message_id']).where('state', 'in', PENDING)
        .where('next_attempt', '<=', now).where((eb) => eb.or([eb('lease_until', 'is', null), eb('lease_until', '<=', now)]))
        .orderBy('next_attempt').orderBy('id').limit(limit);
      if (this.s.dialect === 'postgres') q = q.forUpdate().skipLocked();
      const rows = await q.execute();
      if (rows.length === 0) return [];
      const ids = rows.map((r) => Number(r.id));
      for (const part of chunks(ids, 500)) {
        await trx.updateTable('queue_recipients').set({ lease_owner: node, lease_until: now + leaseMs }).where('id', 'in', part).execute();
      }
      return load(trx, [...new Set(rows.map((r) => Number(r.message_id)))], new Set(ids));
    });
  }

  async recordAttempt(recipientId: number, result: AttemptResult): Promise<void> {
    await updateAttempts(this.s.db, [recipientId], result);
  }

  /** Many outcomes in one transaction (one commit, one fsync); recipients with the same
   *  outcome (the same reply to a batch, typically) share one UPDATE. */
  async recordAttempts(items: Array<{ recipientId: number; result: AttemptResult }>): Promise<void> {
    if (items.length === 0) return;
    const groups = new Map<string, { result: AttemptResult; ids: number[] }>();
    for (const { recipientId, result } of items) {
      const key = JSON.stringify([result.state, result.reply, result.remoteMta, result.at, result.nextAttempt ?? null, result.delayNotified ?? null]);
      const g = groups.get(key);
      if (g) g.ids.push(recipientId);
      else groups.set(key, { result, ids: [recipientId] });
    }
    await this.s.tx(async (trx) => {
      for (const g of groups.values()) for (const part of chunks(g.ids, 500)) await updateAttempts(trx, part, g.result);
    });
  }

  async get(messageId: number): Promise<QueuedMessage | null> {
    return (await load(this.s.db, [messageId]))[0] ?? null;
  }

  async list(): Promise<QueuedMessage[]> {
    const ids = await this.s.db.selectFrom('queue_messages').select('id').orderBy('id').execute();
    return load(this.s.db, ids.map((r) => Number(r.id)));
  }

  async retryNow(messageId?: number): Promise<number> {
    let q = this.s.db.updateTable('queue_recipients').set({ next_attempt: Date.now() }).where('state', 'in', PENDING);
    if (messageId !== undefined) q = q.where('message_id', '=', messageId);
    return Number((await q.executeTakeFirst()).numUpdatedRows);
  }

  async remove(messageId: number): Promise<void> {
    await this.s.tx(async (trx) => {
      await trx.deleteFrom('queue_recipients').where('message_id', '=', messageId).execute();
      await trx.deleteFrom('queue_messages').where('id', '=', messageId).execute();
    });
  }

  removeFinished(): Promise<number> {
    return this.s.tx(async (trx) => {
      const pending = trx.selectFrom('queue_recipients').select('message_id').where('state', 'in', PENDING);
      const done = await trx.selectFrom('queue_messages').select('id').where('id', 'not in', pending).execute();
      const ids = done.map((r) => Number(r.id));
      for (const part of chunks(ids, 500)) {
        await trx.deleteFrom('queue_recipients').where('message_id', 'in', part).execute();
        await trx.deleteFrom('queue_messages').where('id', 'in', part).execute();
      }
      return ids.length;
    });
  }
}
