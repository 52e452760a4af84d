/**
 * Connection settings of the PostgreSQL backend from a `postgres://…` URL. A `schema`
 * query parameter (not a libpq one, so it is removed from the URL) selects the schema all
 * tables live in, via search_path; pg_trgm is looked up in `public`. 64-bit integers and
 * numerics are parsed as JS numbers (ids, epoch ms, sizes and sums all fit in 2^53).
 * Idle connections do not keep the process alive (pool allowExitOnIdle, idleUnref).
 */
import pg from 'pg';

export interface PgSettings {
  config: pg.ClientConfig;
  schema: string;
}

const NUMERIC_OIDS = new Set([20, 1700]);

function getTypeParser(oid: number, format?: 'text' | 'binary'): (value: string) => unknown {
  if (NUMERIC_OIDS.has(oid)) return (v: string) => Number(v);
  return pg.types.getTypeParser(oid, format ?? 'text') as (value: string) => unknown;
}

export function pgSettings(url: string): PgSettings {
  const u = new URL(url);
  const schema = u.searchParams.get('schema') ?? 'public';
  u.searchParams.delete('schema');
  if (!/^[A-Za-z_][A-Za-z0-9_]{0,62}$/.test(schema)) throw new Error(`invalid schema name ${schema}`);
  const searchPath = schema === 'public' ? 'public' : `${schema},public`;
  return {
    schema,
    config: {
      connectionString: u.toString(),
      options: `-c search_path=${searchPath}`,
      types: { getTypeParser } as pg.CustomTypesConfig,
    },
  };
}

/** Lets the process exit while this client's socket is idle (a store someone forgot to
 *  close must not keep a CLI command alive); `busy` keeps it alive during a query. */
export function idleUnref(c: pg.Client): { busy<T>(p: () => Promise<T>): Promise<T> } {
  const sock = c.connection.stream as { ref?: () => void; unref?: () => void };
  sock.unref?.();
  let active = 0;
  return {
    async busy<T>(p: () => Promise<T>): Promise<T> {
      if (active++ === 0) sock.ref?.();
      try {
        return await p();
      } finally {
        if (--active === 0) sock.unref?.();
      }
    },
  };
}

/** Ends a client made idle-unref'd, keeping the process alive until it has ended. */
export async function endClient(c: pg.Client): Promise<void> {
  (c.connection.stream as { ref?: () => void }).ref?.();
  await c.end().catch(() => undefined);
}
