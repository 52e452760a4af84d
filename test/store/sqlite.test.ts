/** Runs the store conformance suite against the SQLite backend (temp data folder). */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openStore } from '../../src/store/open.js';
import { conformance } from './conformance.js';

conformance('sqlite', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'posthorn-store-'));
  return {
    open: () => openStore({ url: `sqlite:${join(dir, 'posthorn.db')}`, dataDir: dir }),
    cleanup: async () => rmSync(dir, { recursive: true, force: true }),
  };
});
