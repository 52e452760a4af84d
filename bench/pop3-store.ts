/** The store the POP3 bench runs on: SQLite in a temp folder (the embedded default). */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openStore } from '../src/store/open.js';
import type { Store } from '../src/store/types.js';

export async function benchStore(): Promise<{ store: Store; label: string; cleanup: () => Promise<void> }> {
  const dataDir = mkdtempSync(join(tmpdir(), 'posthorn-pop3-bench-'));
  const store = await openStore({ url: `sqlite:${join(dataDir, 'posthorn.db')}`, dataDir });
  return {
    store,
    label: 'SQLite (WAL, synchronous=FULL) + blob files',
    cleanup: async () => { await store.close(); rmSync(dataDir, { recursive: true, force: true }); },
  };
}
