/**
 * Opening the store named by `store.url`: the one place that picks a backend
 * (ARCHITECTURE.md: server/, mail/, mta/ see only store/types). Every command that needs
 * the store goes through here; the first one creates it (migrations run by themselves).
 * store/open loads a backend's driver only when it is asked for that backend.
 */
import { mkdirSync } from 'node:fs';
import type { Config } from '../config/schema.js';
import type { Store } from '../store/types.js';
import { UserError } from '../lib/errors.js';
import { openStore } from '../store/open.js';

export type StoreOpener = (opts: { url: string; dataDir: string }) => Promise<Store>;

export async function openConfiguredStore(config: Config, dataDir: string, opener?: StoreOpener): Promise<Store> {
  mkdirSync(dataDir, { recursive: true });
  const open = opener ?? openStore;
  try {
    return await open({ url: config.store.url, dataDir });
  } catch (e) {
    if (e instanceof UserError) throw e;
    const code = (e as NodeJS.ErrnoException).code;
    const url = config.store.url.replace(/\/\/([^:@/]*):[^@/]*@/, '//$1:***@');
    throw new UserError(`cannot open the store ${url}: ${code ? `${code} ` : ''}${(e as Error).message}`);
  }
}
