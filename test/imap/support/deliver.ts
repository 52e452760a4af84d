/**
 * Test delivery: stores one message the way mail/deliver does (parse once with mime/parse,
 * blob + metadata + search text, then a change event). Replaced by mail/deliver's
 * appendMessage as soon as it is on main.
 */
import type { AppendFn } from '../../../src/server/imap/index.js';
import { parseMessage } from '../../../src/mime/parse.js';
import { searchTextOf } from '../../../src/mime/search-text.js';

export const testAppend: AppendFn = async ({ store, bus }, mailboxId, raw, opts) => {
  const parsed = parseMessage(raw);
  const blobId = await store.blobs.put(raw);
  const [res] = await store.mail.append([{
    mailboxId,
    message: {
      blobId, size: raw.length, internalDate: opts?.internalDate ?? Date.now(), flags: opts?.flags ?? [],
      metadata: JSON.stringify(parsed), searchText: searchTextOf(parsed),
    },
  }]);
  const box = await store.mail.getMailboxById(mailboxId);
  await bus.publish({ type: 'append', accountId: box?.accountId ?? 0, mailboxId, uid: res.uid, modseq: res.modseq });
  return { uid: res.uid, modseq: res.modseq };
};
