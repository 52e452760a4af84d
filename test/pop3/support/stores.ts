/**
 * The stores the POP3 tests run on: SQLite (temp folder) always, PostgreSQL (own schema per
 * store) when it answers — through store/open.ts once the backends are on main; until then
 * the in-memory stand-in. Every store opened here is closed, and its folder or schema
 * removed, when the test file ends.
 */
import { after } from 'node:test';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import type { Store } from '../../../src/store/types.js';
import { pgAvailable, pgBaseUrl } from '../../support/pg.js';
import { memoryStore } from './memory-store.js';

export interface StoreKind {
  name: string;
  open(): Promise<Store>;
  /** Another handle on the database the last open() made: a second node sharing it. */
  openSecond?(): Promise<Store>;
}

type OpenStore = (opts: { url: string; dataDir: string }) => Promise<Store>;

const cleanups: Array<() => Promise<void>> = [];

// Registered at import time, i.e. on the file's root test: runs once every test is done.
// (Registered from inside a test, it would run right after that test.)
after(async () => {
  for (const f of cleanups.splice(0)) await f().catch(() => undefined);
});

function track(fn: () => Promise<void>): void {
  cleanups.push(fn);
}

async function loadOpenStore(): Promise<OpenStore | null> {
  const path = '../../../src/store/open.js'; // not a literal: compiles before the store lands
  try {
    return ((await import(path)) as { openStore: OpenStore }).openStore;
  } catch {
    return null;
  }
}

export async function storeKinds(): Promise<StoreKind[]> {
  const openStore = await loadOpenStore();
  if (!openStore) return [{ name: 'memory', open: async () => memoryStore() }];
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
