/**
 * `posthorn mail sync` for IMAP: the disconnected client of RFC 4549 on cache.ts.
 * Per folder: SELECT (QRESYNC or CONDSTORE when offered, RFC 7162) → learn what changed on
 * the server since the last sync → upload what changed here (flags, then moves, then
 * deletions, RFC 4549 §4.2) → download new messages → save the index.
 *
 * Invariants:
 *  - UIDVALIDITY changed: the cache of that folder is discarded and fetched again (RFC 4549
 *    §4.1; RFC 3501 §2.3.1.1 says old UIDs mean nothing now).
 *  - A flag changed here wins over a change on the server to the same message (the person's
 *    latest action); unchanged messages take the server's flags.
 *  - With an unchanged HIGHESTMODSEQ and UIDNEXT and nothing to upload, a sync is one SELECT.
 */
import { FolderCache, sameFlags, type CachedMessage } from './cache.js';
import type { ImapClient } from './imap.js';
import { expunge, fetch, move, search, select, store, uidSet, type FetchRow, type Selected } from './imap-mailbox.js';
import { summaryFromEnvelope } from './source.js';

export interface SyncStats {
  folder: string;
  downloaded: number;
  removedHere: number;
  flagsFromServer: number;
  flagsToServer: number;
  deletedOnServer: number;
  movedOnServer: number;
}

export type Progress = (folder: string, done: number, total: number) => void;

const BATCH = 250;

const serverFlags = (f: string[] | undefined) => (f ?? []).filter((x) => x.toLowerCase() !== '\\recent');

export async function syncFolder(c: ImapClient, account: string, folder: string, mode: 'qresync' | 'condstore' | 'none', progress?: Progress): Promise<SyncStats> {
  const cache = new FolderCache(account, folder);
  let idx = cache.index;
  const stats: SyncStats = { folder, downloaded: 0, removedHere: 0, flagsFromServer: 0, flagsToServer: 0, deletedOnServer: 0, movedOnServer: 0 };
  const canResync = mode === 'qresync' && idx.uidValidity > 0 && idx.highestModseq > 0;
  const sel = await select(c, folder, { condstore: mode !== 'none', qresync: canResync ? { uidValidity: idx.uidValidity, modseq: idx.highestModseq } : undefined });
  if (idx.uidValidity !== sel.uidValidity) {
    cache.reset(sel.uidValidity);
    idx = cache.index;
  }

  // 1. what changed on the server
  await learnServerChanges(c, cache, sel, mode, stats);

  // 2. what changed here (RFC 4549 §4.2: flags, then moves and deletions)
  let removedOnServer = 0;
  const diffs = new Map<string, { add: string[]; remove: string[]; uids: number[] }>();
  for (const m of cache.all()) {
    if (m.deleted || m.moveTo || sameFlags(m.flags, m.serverFlags)) continue;
    const add = m.flags.filter((f) => !m.serverFlags.some((s) => s.toLowerCase() === f.toLowerCase()));
    const remove = m.serverFlags.filter((f) => !m.flags.some((s) => s.toLowerCase() === f.toLowerCase()));
    const key = `${add.join(' ')}|${remove.join(' ')}`;
    const d = diffs.get(key) ?? { add, remove, uids: [] };
    d.uids.push(m.uid);
    diffs.set(key, d);
  }
  for (const d of diffs.values()) {
    await store(c, d.uids, '+', d.add);
    await store(c, d.uids, '-', d.remove);
    for (const uid of d.uids) {
      const m = cache.get(uid) as CachedMessage;
      m.serverFlags = [...m.flags];
    }
    stats.flagsToServer += d.uids.length;
  }
  const moves = new Map<string, number[]>();
  for (const m of cache.all()) if (m.moveTo && !m.deleted) moves.set(m.moveTo, [...(moves.get(m.moveTo) ?? []), m.uid]);
  for (const [target, uids] of moves) {
    await move(c, uids, target);
    uids.forEach((u) => cache.drop(u));
    stats.movedOnServer += uids.length;
    removedOnServer += uids.length;
  }
  const deleted = cache.all().filter((m) => m.deleted).map((m) => m.uid);
  if (deleted.length) {
    await expunge(c, deleted);
    deleted.forEach((u) => cache.drop(u));
    stats.deletedOnServer = deleted.length;
    removedOnServer += deleted.length;
  }

  // 3. new messages
  const known = cache.maxUid();
  let fresh: number[] = [];
  if (sel.exists > 0 && (idx.uidNext === 0 || sel.uidNext !== idx.uidNext || sel.uidNext === 0)) {
    fresh = (await search(c, ['UID', `${known + 1}:*`])).filter((u) => u > known);
  }
  for (let i = 0; i < fresh.length; i += BATCH) {
    const rows = await fetch(c, uidSet(fresh.slice(i, i + BATCH)), 'FLAGS INTERNALDATE RFC822.SIZE ENVELOPE BODYSTRUCTURE BODY.PEEK[]');
    for (const r of rows) if (r.body && r.uid > known) store1(cache, r);
    stats.downloaded += rows.length;
    cache.save();
    progress?.(folder, Math.min(i + BATCH, fresh.length), fresh.length);
  }

  // 4. expunged on the server without QRESYNC telling us: the counts disagree
  if (mode !== 'qresync' || !canResync) {
    const expected = sel.exists - removedOnServer;
    if (cache.all().length !== expected) {
      const present = new Set(await search(c, ['ALL']));
      for (const m of cache.all()) {
        if (!present.has(m.uid)) {
          cache.drop(m.uid);
          stats.removedHere++;
        }
      }
    }
  }
  idx.uidNext = sel.uidNext;
  idx.highestModseq = sel.highestModseq;
  cache.save();
  return stats;
}

async function learnServerChanges(c: ImapClient, cache: FolderCache, sel: Selected, mode: string, stats: SyncStats): Promise<void> {
  const idx = cache.index;
  if (Object.keys(idx.messages).length === 0) return;
  let changed: FetchRow[];
  if (mode === 'qresync' && sel.changed.length + sel.vanished.length > 0) {
    changed = sel.changed;
    for (const uid of sel.vanished) {
      if (cache.get(uid)) stats.removedHere++;
      cache.drop(uid);
    }
  } else if (mode !== 'none' && idx.highestModseq > 0 && sel.highestModseq > 0) {
    if (sel.highestModseq === idx.highestModseq) return; // RFC 7162 §3.1.2.1: nothing changed
    changed = await fetch(c, '1:*', 'FLAGS', idx.highestModseq); // RFC 7162 §3.1.4
  } else {
    changed = await fetch(c, '1:*', 'FLAGS');
  }
  for (const r of changed) {
    const m = cache.get(r.uid);
    if (!m || !r.flags) continue;
    const flags = serverFlags(r.flags);
    if (sameFlags(flags, m.serverFlags)) continue;
    const dirty = !sameFlags(m.flags, m.serverFlags);
    m.serverFlags = flags;
    if (!dirty && !m.deleted && !m.moveTo) {
      cache.setFlags(m, flags);
      stats.flagsFromServer++;
    }
  }
}

function store1(cache: FolderCache, r: FetchRow): void {
  const s = summaryFromEnvelope(r.uid, r.envelope, { size: r.size ?? r.body?.length ?? 0, flags: serverFlags(r.flags), attachment: r.attachment ?? false, internalDate: r.internalDate });
  cache.add({ uid: r.uid, size: s.size, date: s.date, from: s.from, subject: s.subject, attachment: s.attachment, flags: s.flags, serverFlags: s.flags }, r.body ?? Buffer.alloc(0));
}
