/**
 * Group commit (src/mail/group-commit.ts) against a store whose transactions the test ends
 * by hand: appends that arrive while a transaction is in flight share the next one; a slow
 * transaction gets a second one beside it after a moment (never a third); each caller gets
 * its own UIDs; one bad item does not fail the others of its batch; and a batch that
 * committed but failed its fsync is not written again item by item.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { UnsyncedCommitError } from '../../src/lib/errors.js';
import { GroupCommitter } from '../../src/mail/group-commit.js';
import type { MailStore, NewMessage } from '../../src/store/types.js';

type Item = { mailboxId: number; message: NewMessage };

/** A MailStore whose append() waits until the test calls finish(); it numbers UIDs itself. */
function handStore() {
  const open: Array<{ items: Item[]; done: () => void }> = [];
  let uid = 0;
  let failOn: number | null = null;
  let unsynced = false;
  const calls: number[] = [];
  const store = {
    append(items: Item[]) {
      calls.push(items.length);
      return new Promise((resolve, reject) => {
        open.push({
          items,
          done: () => {
            if (unsynced) return reject(new UnsyncedCommitError(new Error('EIO')));
            if (failOn !== null && items.some((it) => it.message.size === failOn)) return reject(new Error('over quota'));
            resolve(items.map((it) => ({ mailboxId: it.mailboxId, uid: ++uid, modseq: uid })));
          },
        });
      });
    },
  } as unknown as MailStore;
  return {
    store, calls, open,
    failFor(size: number) { failOn = size; },
    /** Transactions now commit but their fsync fails. */
    failSyncs() { unsynced = true; },
    /** Ends the oldest open transaction. */
    finish() { open.shift()?.done(); },
  };
}

const item = (size: number): Item[] => [{ mailboxId: 1, message: { blobId: 'x', size, internalDate: 0, flags: [], metadata: '{}', searchText: '' } }];

const turn = () => new Promise<void>((resolve) => setImmediate(resolve));

test('appends arriving while a transaction is in flight wait for it and share the next one', async () => {
  const h = handStore();
  const gc = new GroupCommitter(h.store, { overlapMs: 10_000 });
  const first = gc.append(item(1));
  await turn();
  assert.deepEqual(h.calls, [1]);
  const rest = [gc.append(item(2))];
  await turn();
  await turn();
  assert.deepEqual(h.calls, [1], 'the second append waits for the first transaction');
  rest.push(gc.append(item(3)), gc.append(item(4)));
  await turn();
  h.finish();
  const [a] = await first;
  for (let i = 0; i < 20 && h.calls.length < 2; i++) await sleep(1);
  assert.deepEqual(h.calls, [1, 3], 'the three appends that waited went in one transaction');
  h.finish();
  const placed = await Promise.all(rest);
  assert.equal(a.uid, 1);
  assert.deepEqual(placed.map((p) => p[0].uid), [2, 3, 4]);
});

test('a slow transaction gets one more beside it after a moment, never two more', async () => {
  const h = handStore();
  const gc = new GroupCommitter(h.store, { overlapMs: 5 });
  const all = [gc.append(item(1))];
  await turn();
  all.push(gc.append(item(2)));
  await sleep(30);
  assert.deepEqual(h.calls, [1, 1], 'the second went beside the first, which did not end');
  all.push(gc.append(item(3)), gc.append(item(4)));
  await sleep(30);
  assert.deepEqual(h.calls, [1, 1], 'two in flight at most');
  h.finish();
  for (let i = 0; i < 20 && h.calls.length < 3; i++) await sleep(1);
  assert.deepEqual(h.calls, [1, 1, 2]);
  h.finish();
  h.finish();
  assert.equal((await Promise.all(all)).length, 4);
});

test('one item that spoils a shared transaction fails alone', async () => {
  const h = handStore();
  const gc = new GroupCommitter(h.store);
  const first = gc.append(item(1));
  await turn();
  h.failFor(66);
  const good = gc.append(item(2));
  const bad = gc.append(item(66)).then(() => null, (e: Error) => e.message);
  const good2 = gc.append(item(3));
  h.finish();
  await first;
  // the shared transaction [2, 66, 3] fails, then each goes alone
  for (let i = 0; i < 50; i++) {
    if (h.open.length > 0) h.finish();
    else await sleep(1);
  }
  assert.equal((await good)[0].mailboxId, 1);
  assert.equal((await good2)[0].mailboxId, 1);
  assert.equal(await bad, 'over quota');
  assert.deepEqual(h.calls, [1, 3, 1, 1, 1]);
});

test('a shared transaction that committed but failed its fsync is not retried item by item', async () => {
  const h = handStore();
  const gc = new GroupCommitter(h.store);
  const first = gc.append(item(1));
  await turn();
  const batch = [gc.append(item(2)), gc.append(item(3)), gc.append(item(4))].map((p) => p.then(() => null, (e: unknown) => e));
  h.finish();
  await first;
  await turn();
  h.failSyncs();
  for (let i = 0; i < 20; i++) {
    if (h.open.length > 0) h.finish();
    else await sleep(1);
  }
  for (const e of await Promise.all(batch)) assert.ok(e instanceof UnsyncedCommitError, String(e));
  assert.deepEqual(h.calls, [1, 3], 'the batch of three ran once');
});
