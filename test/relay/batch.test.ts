import { test } from 'node:test';
import assert from 'node:assert/strict';
import { AttemptRecorder, type AttemptResult, type BatchQueueStore } from '../../src/mta/queue/batch.js';
import { MemoryQueue } from './memory-store.js';

const res: AttemptResult = { state: 'delivered', reply: '250 ok', remoteMta: 'mx', at: 1 };

test('concurrent outcomes share commits; each resolves only after its own commit', async () => {
  const q = new MemoryQueue() as MemoryQueue & BatchQueueStore;
  const batches: number[][] = [];
  let committed = new Set<number>();
  q.recordAttempts = async (items) => {
    await new Promise((r) => setTimeout(r, 5));
    for (const it of items) await q.recordAttempt(it.recipientId, it.result);
    batches.push(items.map((i) => i.recipientId));
    committed = new Set([...committed, ...items.map((i) => i.recipientId)]);
  };
  for (let i = 0; i < 20; i++) await q.enqueue({ sender: 's@x.test', blobId: 'b', size: 1, recipients: [{ address: `r${i}@y.test` }] });
  const rec = new AttemptRecorder(q);
  await Promise.all(q.rcpts.map(async (r) => {
    await rec.record(r.id, res);
    assert.ok(committed.has(r.id), 'resolved after the commit containing it');
  }));
  assert.equal(batches.flat().length, 20);
  assert.ok(batches.length <= 2, `20 outcomes in ${batches.length} commits`);
  assert.ok(q.rcpts.every((r) => r.state === 'delivered'));
});

test('without a batch method every call goes straight to recordAttempt; errors reach the caller', async () => {
  const q = new MemoryQueue();
  await q.enqueue({ sender: 's@x.test', blobId: 'b', size: 1, recipients: [{ address: 'r@y.test' }] });
  await new AttemptRecorder(q).record(q.rcpts[0].id, res);
  assert.equal(q.rcpts[0].state, 'delivered');
  const bad = Object.assign(new MemoryQueue(), { recordAttempts: async () => { throw new Error('disk full'); } });
  await assert.rejects(new AttemptRecorder(bad).record(1, res), /disk full/);
});
