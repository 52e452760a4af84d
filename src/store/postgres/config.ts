/**
 * Connection settings of the PostgreSQL backend from a `postgres://…` URL. A `schema`
 * query parameter (not a libpq one, so it is removed from the URL) selects the schema all
 * tables live in, via search_path; pg_trgm is looked up in `public`. 64-bit integers and
 * numerics are parsed as JS numbers (ids, epoch ms, sizes and sums all fit in 2^53).
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
