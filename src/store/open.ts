/**
 * The one way to open a store (what app/ and the CLI call): `sqlite:PATH` (relative to
 * the working folder) or `postgres://…` (an optional `?schema=NAME` puts every table in
 * that schema, created if missing — tests use it to stay apart).
 */
import { UserError } from '../lib/errors.js';
import type { Store } from './types.js';

export async function openStore(opts: { url: string; dataDir: string }): Promise<Store> {
  const url = opts.url.trim();
  if (url.startsWith('sqlite:')) {
    const { openSqliteStore } = await import('./sqlite/open.js');
    return openSqliteStore({ path: url.slice('sqlite:'.length), dataDir: opts.dataDir });
  }
  if (url.startsWith('postgres://') || url.startsWith('postgresql://')) {
    const { openPostgresStore } = await import('./postgres/open.js');
    return openPostgresStore({ url });
  }
  throw new UserError(`store.url must be sqlite:PATH or postgres://…, not ${JSON.stringify(url)}`, 'invalid');
}
