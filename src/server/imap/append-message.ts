/**
 * Stores one message for APPEND until mail/deliver's appendMessage is on main (then this file
 * goes and ServerEnv.appendMessage defaults to that): parses once (mime/parse), writes the
 * blob, appends the row with metadata and search text in one store call, then publishes the
 * append on the change bus (after commit, as mail/changes requires).
 */
import { parseMessage } from '../../mime/parse.js';
import { searchTextOf } from '../../mime/search-text.js';
import type { AppendFn } from './types.js';

export const appendMessage: AppendFn = async ({ store, bus }, mailboxId, raw, opts) => {
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
