/** PostgreSQL backend (in progress). */
import type { Store } from '../types.js';

export async function openPostgresStore(opts: { url: string }): Promise<Store> {
  throw new Error(`PostgreSQL backend not yet available (${opts.url})`);
}
