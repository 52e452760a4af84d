/**
 * WorkerCalls (src/lib/worker-calls.ts), how the text worker and the checkpointer
 * talk to their threads: replies reach callers in order, and a worker that dies answers
 * every caller still waiting instead of leaving it waiting forever (the checkpointer waits
 * while it holds the store's one connection, so a hang there would stop every session).
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Worker } from 'node:worker_threads';
import { WorkerCalls } from '../../src/lib/worker-calls.js';

// echoes numbers; 'fail' answers with an error, 'exit' ends the thread without a reply
const WORKER = `
const { parentPort } = require('node:worker_threads');
parentPort.on('message', (m) => {
  if (m === 'exit') process.exit(0);
  if (m === 'fail') { parentPort.postMessage({ error: 'failed on purpose' }); return; }
  parentPort.postMessage({ n: m });
});
`;

test('worker calls: answers in order; an exit answers every waiting caller with an error', { timeout: 10_000 }, async () => {
  const worker = new Worker(WORKER, { eval: true });
  const calls = new WorkerCalls<{ n: number }>(worker);
  // four questions in flight at once: each caller gets the reply to its own question
  const answers = await Promise.all([1, 2, 3, 4].map((n) => calls.ask(n)));
  assert.deepEqual(answers, [{ n: 1 }, { n: 2 }, { n: 3 }, { n: 4 }]);
  const failed = await calls.ask('fail');
  assert.deepEqual(failed, { error: 'failed on purpose' });
  // the first question makes the worker exit without answering; the second never gets read
  const [a, b] = await Promise.all([calls.ask('exit'), calls.ask(5)]);
  assert.ok('error' in a && 'error' in b, `both answered with an error: ${JSON.stringify([a, b])}`);
});
