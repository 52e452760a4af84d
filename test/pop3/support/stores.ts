/**
 * The stores the POP3 tests run on: SQLite (temp folder) always, PostgreSQL (own schema per
 * store) when it answers, both through store/open.ts. Every store opened here is closed,
 * and its folder or schema removed, when the test file ends.
 */
import { after } from 'node:test';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { openStore } from '../../../src/store/open.js';
import type { Store } from '../../../src/store/types.js';
import { pgAvailable, pgBaseUrl } from '../../support/pg.js';

export interface StoreKind {
  name: string;
  open(): Promise<Store>;
  /** Another handle on the database the last open() made: a second node sharing it. */
  openSecond?(): Promise<Store>;
}

const cleanups: Array<() => Promise<void>> = [];

// Registered at import time, i.e. on the file's root test: runs once every test is done.
// (Registered from inside a test, it would run right after that test.)
after(async () => {
  for (const f of cleanups.splice(0)) await f().catch(() => undefined);
});

function track(fn: () => Promise<void>): void {
  cleanups.push(fn);
}

export async function storeKinds(): Promise<StoreKind[]> {
  let lastSqlite: { url: string; dataDir: string } | null = null;
  let lastPg: { url: string; dataDir: string } | null = null;
  const second = async (last: { url: string; dataDir: string } | null): Promise<Store> => {
    if (!last) throw new Error('open() first');
    const store = await openStore(last);
    track(() => store.close());
    return store;
  };
  const kinds: StoreKind[] = [{
    name: 'sqlite',
    async open() {
      const dataDir = mkdtempSync(join(tmpdir(), 'posthorn-pop3-'));
      lastSqlite = { url: `sqlite:${join(dataDir, 'posthorn.db')}`, dataDir };
      const store = await openStore(lastSqlite);
      track(async () => { await store.close(); rmSync(dataDir, { recursive: true, force: true }); });
      return store;
    },
    openSecond: () => second(lastSqlite),
  }];
  if (await pgAvailable()) {
    kinds.push({
      name: 'postgres',
      async open() {
        const schema = `pop3_${randomBytes(6).toString('hex')}`;
        lastPg = { url: `${pgBaseUrl()}?schema=${schema}`, dataDir: tmpdir() };
        const store = await openStore(lastPg);
        track(async () => {
          await store.close();
          const c = new pg.Client({ connectionString: pgBaseUrl() });
          await c.connect();
          await c.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
          await c.end();
        });
        return store;
      },
      openSecond: () => second(lastPg),
    });
  }
  return kinds;
}
