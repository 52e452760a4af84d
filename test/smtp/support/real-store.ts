/** Opens a real, empty store for a test: SQLite in a temp folder, or PostgreSQL in a fresh
 *  schema (test/support/pg.ts). Returns null for PostgreSQL when it is not reachable. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { openStore } from '../../../src/store/open.js';
import type { Store } from '../../../src/store/types.js';
import { pgAvailable, pgBaseUrl } from '../../support/pg.js';

export interface RealStore {
  url: string;
  dataDir: string;
  open(): Promise<Store>;
  cleanup(): void;
}

export async function realStore(kind: 'sqlite' | 'postgres'): Promise<RealStore | null> {
  const dataDir = mkdtempSync(join(tmpdir(), 'posthorn-smtp-'));
  let url: string;
  if (kind === 'sqlite') url = `sqlite:${join(dataDir, 'posthorn.db')}`;
  else {
    if (!(await pgAvailable())) return null;
    url = `${pgBaseUrl()}?schema=smtp_${randomBytes(5).toString('hex')}`;
  }
  return {
    url,
    dataDir,
    open: () => openStore({ url, dataDir }),
    cleanup: () => rmSync(dataDir, { recursive: true, force: true }),
  };
}
