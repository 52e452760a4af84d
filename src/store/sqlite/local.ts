/**
 * In-process locks and event transport for the SQLite backend. Both are shared by every
 * store opened on the same database file in this process (keyed by its real path), so a
 * CLI command and a server in one process see each other. A lock lives in memory only, so
 * a crash frees it (types.ts Locks: no stale lock files).
 */
import type { EventTransport, LockHandle, Locks, MailboxEvent } from '../types.js';

const held = new Map<string, Set<string>>();
const subscribers = new Map<string, Set<(e: MailboxEvent) => void>>();

export function localLocks(dbPath: string): Locks {
  return {
    async tryLock(key: string): Promise<LockHandle | null> {
      let set = held.get(dbPath);
      if (!set) held.set(dbPath, (set = new Set()));
      if (set.has(key)) return null;
      set.add(key);
      let released = false;
      return {
        async release() {
          if (released) return;
          released = true;
          set.delete(key);
        },
      };
    },
  };
}

export function localEvents(dbPath: string): EventTransport & { close(): void } {
  const mine = new Set<(e: MailboxEvent) => void>();
  return {
    async publish(event: MailboxEvent): Promise<void> {
      for (const fn of [...(subscribers.get(dbPath) ?? [])]) {
        try {
          fn(event);
        } catch {
          // a failing subscriber must not stop the others (at-most-once delivery)
        }
      }
    },
    subscribe(handler: (e: MailboxEvent) => void): () => void {
      let set = subscribers.get(dbPath);
      if (!set) subscribers.set(dbPath, (set = new Set()));
      set.add(handler);
      mine.add(handler);
      return () => {
        set.delete(handler);
        mine.delete(handler);
      };
    },
    close() {
      const set = subscribers.get(dbPath);
      for (const h of mine) set?.delete(h);
      mine.clear();
    },
  };
}
