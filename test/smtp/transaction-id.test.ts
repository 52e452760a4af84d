/** Message ids of "250 OK: queued as ID" and Received (mta/ingest/transaction-id.ts): 12
 *  upper-case hex digits, drawn from a pool of random bytes that is refilled — ids stay
 *  distinct across refills. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { transactionId } from '../../src/mta/ingest/transaction-id.js';

test('transaction ids: 12 hex digits, distinct across several refills of the pool', () => {
  const seen = new Set<string>();
  for (let i = 0; i < 5000; i++) {
    const id = transactionId();
    assert.match(id, /^[0-9A-F]{12}$/);
    assert.ok(!seen.has(id), `id ${id} repeated after ${i}`);
    seen.add(id);
  }
});
