/** Child process of durability.test.ts: appends messages to a SQLite store one by one and
 *  prints "committed UID" after each append resolved, until it is killed. */
import { openStore } from '../../src/store/open.js';

const dir = process.argv[2];
const store = await openStore({ url: `sqlite:${dir}/posthorn.db`, dataDir: dir });
await store.directory.addDomain('durable.example.test');
const acc = await store.directory.addAccount({ address: 'd@durable.example.test', passwordHash: 'x' });
const inbox = await store.mail.getMailbox(acc.id, 'INBOX');
if (!inbox) throw new Error('no INBOX');
process.stdout.write(`ready ${inbox.id}\n`);
for (let i = 0; ; i++) {
  const raw = Buffer.from(`Subject: durable ${i}\r\n\r\n${'x'.repeat(2000)} ${i}\r\n`);
  const blobId = await store.blobs.put(raw);
  const [r] = await store.mail.append([{ mailboxId: inbox.id, message: { blobId, size: raw.length, internalDate: Date.now(), flags: [], metadata: '{}', searchText: `durable ${i}` } }]);
  process.stdout.write(`committed ${r.uid} ${blobId}\n`);
}
