/**
 * The store the POP3 bench runs on: SQLite in a temp folder through store/open.ts (the
 * embedded default people run), or the in-memory stand-in while no backend is on main.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Store } from '../src/store/types.js';
import { memoryStore } from '../test/pop3/support/memory-store.js';

type OpenStore = (opts: { url: string; dataDir: string }) => Promise<Store>;

export async function benchStore(): Promise<{ store: Store; label: string; cleanup: () => Promise<void> }> {
  const path = '../src/store/open.js'; // not a literal: compiles before the store lands
  let openStore: OpenStore | null = null;
  try {
    openStore = ((await import(path)) as { openStore: OpenStore }).openStore;
  } catch {
    openStore = null;
  }
  if (!openStore) {
    const store = memoryStore();
    return { store, label: 'in-memory stand-in (no store backend on main yet)', cleanup: () => store.close() };
  }
  const dataDir = mkdtempSync(join(tmpdir(), 'posthorn-pop3-bench-'));
  const store = await openStore({ url: `sqlite:${join(dataDir, 'posthorn.db')}`, dataDir });
  return {
    store,
    label: 'SQLite (WAL, synchronous=FULL) + blob files',
    cleanup: async () => { await store.close(); rmSync(dataDir, { recursive: true, force: true }); },
  };
}
