/**
 * `posthorn mail sync` for POP3: new messages (by UIDL, RFC 1939 §7) are downloaded into the
 * cache's INBOX; without `keep` they are then deleted on the server (committed at QUIT),
 * with `keep` their UIDLs are remembered so the next sync downloads only new mail.
 * Invariant: a message is deleted on the server only after its cache file and index entry
 * are written.
 */
import { FolderCache } from './cache.js';
import type { Pop3Client } from './pop3.js';
import { parseMessage } from '../mime/parse.js';
import type { Progress, SyncStats } from './sync.js';

export async function syncPop3(c: Pop3Client, account: string, keep: boolean, progress?: Progress): Promise<SyncStats> {
  const cache = new FolderCache(account, 'INBOX');
  if (cache.index.uidValidity === 0) cache.index.uidValidity = 1;
  const stats: SyncStats = { folder: 'INBOX', downloaded: 0, removedHere: 0, flagsFromServer: 0, flagsToServer: 0, deletedOnServer: 0, movedOnServer: 0 };
  const uidls = await c.uidl();
  const have = new Set([...(cache.index.seenUidls ?? []), ...cache.all().map((m) => m.uidl ?? '')]);
  const fresh = [...uidls].filter(([, id]) => !have.has(id));
  let uid = cache.maxUid();
  for (const [n, id] of fresh) {
    const raw = await c.retr(n);
    const p = parseMessage(raw);
    cache.add({ uid: ++uid, uidl: id, size: raw.length, date: p.sentDate, from: p.from, subject: p.subject, attachment: p.attachments.length > 0, flags: [], serverFlags: [] }, raw);
    cache.save();
    stats.downloaded++;
    progress?.('INBOX', stats.downloaded, fresh.length);
  }
  if (keep) {
    // remember only what is still on the server, so the list does not grow forever
    const onServer = new Set(uidls.values());
    cache.index.seenUidls = [...new Set([...have, ...fresh.map(([, id]) => id)])].filter((id) => onServer.has(id));
  } else {
    // everything the cache holds now leaves the server, also what an earlier --keep left there
    const cached = new Set(cache.all().map((m) => m.uidl));
    const gone = [...uidls].filter(([, id]) => cached.has(id));
    for (const [n] of gone) await c.dele(n);
    stats.deletedOnServer = gone.length;
    cache.index.seenUidls = [];
  }
  cache.save();
  return stats;
}
