/** Runs the store conformance suite against PostgreSQL, in a schema of its own that is
 *  dropped afterwards. Skips (saying so) when PostgreSQL is not reachable. */
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { openStore } from '../../src/store/open.js';
import { pgAvailable, pgBaseUrl } from '../support/pg.js';
import { conformance } from './conformance.js';

const available = await pgAvailable();

conformance('postgres', async () => {
  const schema = `posthorn_t_${process.pid}_${randomBytes(4).toString('hex')}`;
  const base = pgBaseUrl();
  const url = `${base}${base.includes('?') ? '&' : '?'}schema=${schema}`;
  return {
    open: () => openStore({ url, dataDir: '/nonexistent' }),
    cleanup: async () => {
      const c = new pg.Client({ connectionString: base });
      await c.connect();
      try {
        await c.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
      } finally {
        await c.end();
      }
    },
  };
}, { skip: available ? false : 'PostgreSQL not reachable' });
