/** Child process of durability.test.ts: appends messages to a SQLite store, several at a
 *  time, and prints "committed UID BLOB" after each append resolved, until it is killed.
 *  Blobs take every path: put() first (small: database, large: file), or inline with the
 *  row (NewMessage.content). With 'heavy' (argv[3]) every message is a 100 KB inline blob,
 *  so the WAL passes SQLite's checkpoint size again and again. */
import { createHash } from 'node:crypto';
import { openStore } from '../../src/store/open.js';

const [dir, mode] = process.argv.slice(2);
const heavy = mode === 'heavy';
const store = await openStore({ url: `sqlite:${dir}/posthorn.db`, dataDir: dir });
await store.directory.addDomain('durable.example.test');
const acc = await store.directory.addAccount({ address: 'd@durable.example.test', passwordHash: 'x' });
const inbox = await store.mail.getMailbox(acc.id, 'INBOX');
if (!inbox) throw new Error('no INBOX');
process.stdout.write(`ready ${inbox.id}\n`);
const limit = store.blobs.inlineLimit ?? 0;

async function one(i: number): Promise<void> {
  const big = i % 7 === 3;
  const size = heavy ? 100_000 : big ? limit + 1000 : 2000;
  const raw = Buffer.from(`Subject: durable ${i}\r\n\r\n${'x'.repeat(size)} ${i}\r\n`);
  const inline = (heavy || i % 2 === 0) && raw.length <= limit;
  const blobId = inline ? createHash('sha256').update(raw).digest('hex') : await store.blobs.put(raw);
  const message = { blobId, size: raw.length, internalDate: Date.now(), flags: [], metadata: '{}', searchText: `durable ${i}`, ...(inline ? { content: raw } : {}) };
  const [r] = await store.mail.append([{ mailboxId: inbox!.id, message }]);
  process.stdout.write(`committed ${r.uid} ${blobId}\n`);
}

for (let i = 0; ; i += 4) await Promise.all([one(i), one(i + 1), one(i + 2), one(i + 3)]);
