/**
 * PostgreSQL for tests. `pgTestUrl()` gives a connection URL to a fresh schema-scoped
 * database on 127.0.0.1:5432 (database `test`), or null when PostgreSQL is not reachable.
 * With CI=true, an unreachable PostgreSQL throws: CI must run the PostgreSQL suite.
 */
import net from 'node:net';

const HOST = process.env.PGHOST ?? '127.0.0.1';
const PORT = Number(process.env.PGPORT ?? 5432);

let reachable: Promise<boolean> | null = null;

function probe(): Promise<boolean> {
  return new Promise((resolve) => {
    const s = net.connect({ host: HOST, port: PORT });
    const done = (ok: boolean) => { s.destroy(); resolve(ok); };
    s.once('connect', () => done(true));
    s.once('error', () => done(false));
    s.setTimeout(1000, () => done(false));
  });
}

/** True when PostgreSQL answers; in CI its absence is an error, elsewhere a printed skip. */
export async function pgAvailable(): Promise<boolean> {
  reachable ??= probe();
  const ok = await reachable;
  if (!ok && process.env.CI) throw new Error(`PostgreSQL is not reachable at ${HOST}:${PORT}, and CI requires it`);
  if (!ok) console.log(`# SKIPPED: PostgreSQL not reachable at ${HOST}:${PORT}; PostgreSQL tests did not run`);
  return ok;
}

/** Base URL of the test database. Each test run makes its own schema inside it. */
export function pgBaseUrl(): string {
  return process.env.POSTHORN_TEST_PG ?? `postgres://postgres@${HOST}:${PORT}/test`;
}
