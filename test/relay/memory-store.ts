/** In-memory QueueStore + BlobStore with the contract of store/types.ts (tests only). */
import { createHash } from 'node:crypto';
import { memoryBlobWriter } from '../support/memory-blob-writer.js';
import type { BlobStore, BlobWriter, QueuedMessage, QueuedRecipient, QueueStore } from '../../src/store/types.js';

export class MemoryBlobs implements BlobStore {
  readonly map = new Map<string, Buffer>();
  async put(data: Uint8Array): Promise<string> {
    const id = createHash('sha256').update(data).digest('hex');
    this.map.set(id, Buffer.from(data));
    return id;
  }
  async get(id: string): Promise<Buffer> {
    const b = this.map.get(id);
    if (!b) throw new Error('not found');
    return b;
  }
  async getRange(id: string, s: number, e: number): Promise<Buffer> { return (await this.get(id)).subarray(s, e); }
  async has(id: string): Promise<boolean> { return this.map.has(id); }
  createWriter(): BlobWriter { return memoryBlobWriter((d) => this.put(d)); }
  async collectGarbage(): Promise<number> { return 0; }
}

type Row = QueuedRecipient & { lease: number; owner: string | null };

export class MemoryQueue implements QueueStore {
  msgs = new Map<number, Omit<QueuedMessage, 'recipients'>>();
  rcpts: Row[] = [];
  private seq = 0;
  constructor(private readonly clock: () => number = Date.now) {}

  async enqueue(input: Parameters<QueueStore['enqueue']>[0]): Promise<number> {
    const id = ++this.seq;
    const now = this.clock();
    this.msgs.set(id, { id, sender: input.sender, blobId: input.blobId, size: input.size, arrival: now, envid: input.envid ?? null, ret: input.ret ?? null, isBounce: !!input.isBounce, body: input.body ?? '7BIT', smtputf8: !!input.smtputf8 });
    for (const r of input.recipients) {
      this.rcpts.push({ id: ++this.seq, messageId: id, address: r.address, orcpt: r.orcpt ?? null, notify: r.notify ?? null, state: 'queued', attempts: 0, nextAttempt: now, lastAttempt: null, lastReply: null, remoteMta: null, delayNotified: false, lease: 0, owner: null });
    }
    return id;
  }
  private view(id: number, only?: Set<number>): QueuedMessage {
    const rs = this.rcpts.filter((r) => r.messageId === id && (!only || only.has(r.id))).map(({ lease: _l, owner: _o, ...r }) => ({ ...r }));
    return { ...this.msgs.get(id)!, recipients: rs };
  }
  async claimDue(now: number, limit: number, node: string, leaseMs: number): Promise<QueuedMessage[]> {
    const due = this.rcpts.filter((r) => (r.state === 'queued' || r.state === 'deferred') && r.nextAttempt <= now && r.lease <= now).slice(0, limit);
    for (const r of due) { r.lease = now + leaseMs; r.owner = node; }
    const ids = new Set(due.map((r) => r.id));
    return [...new Set(due.map((r) => r.messageId))].map((m) => this.view(m, ids));
  }
  async recordAttempt(id: number, res: Parameters<QueueStore['recordAttempt']>[1]): Promise<void> {
    const r = this.rcpts.find((x) => x.id === id)!;
    Object.assign(r, { state: res.state, lastReply: res.reply, remoteMta: res.remoteMta, lastAttempt: res.at, attempts: r.attempts + 1, lease: 0, owner: null });
    if (res.nextAttempt !== undefined) r.nextAttempt = res.nextAttempt;
    if (res.delayNotified !== undefined) r.delayNotified = res.delayNotified;
  }
  async get(id: number): Promise<QueuedMessage | null> { return this.msgs.has(id) ? this.view(id) : null; }
  async list(): Promise<QueuedMessage[]> { return [...this.msgs.keys()].map((k) => this.view(k)); }
  async retryNow(messageId?: number): Promise<number> {
    const rs = this.rcpts.filter((r) => (r.state === 'queued' || r.state === 'deferred') && (messageId === undefined || r.messageId === messageId));
    for (const r of rs) r.nextAttempt = this.clock();
    return rs.length;
  }
  async remove(id: number): Promise<void> { this.msgs.delete(id); this.rcpts = this.rcpts.filter((r) => r.messageId !== id); }
  async removeFinished(): Promise<number> {
    let n = 0;
    for (const id of [...this.msgs.keys()]) {
      if (!this.rcpts.some((r) => r.messageId === id && (r.state === 'queued' || r.state === 'deferred'))) { await this.remove(id); n++; }
    }
    return n;
  }
}
