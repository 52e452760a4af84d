/**
 * The DNS look-ups the outbound relay needs, as an interface (tests substitute their own
 * responder, `dns.servers` picks the servers). `createResolver` wraps node:dns/promises
 * Resolver; server entries may carry a port ('127.0.0.1:5353', '[::1]:5353').
 *
 * Errors keep node's codes: ENOTFOUND = the name does not exist (NXDOMAIN), ENODATA = it
 * exists without records of that type; everything else (ESERVFAIL, ETIMEOUT, ...) is
 * temporary. `dnsErrorKind` classifies them so callers never compare codes themselves.
 */
import { Resolver } from 'node:dns/promises';

export interface MxRecord {
  exchange: string;
  priority: number;
}

export interface DnsResolver {
  resolveMx(name: string): Promise<MxRecord[]>;
  resolve4(name: string): Promise<string[]>;
  resolve6(name: string): Promise<string[]>;
  resolveTxt(name: string): Promise<string[][]>;
  /** Any record type (mailauth's resolver for auth/verify uses this form). */
  resolve(name: string, rrtype: string): Promise<unknown>;
}

export interface ResolverOptions {
  /** `dns.servers`; empty or absent = the system resolver's servers. */
  servers?: string[];
  /** Per-query timeout in ms (default 3000). */
  timeoutMs?: number;
  /** Attempts per server (default 2). */
  tries?: number;
}

export function createResolver(opts: ResolverOptions = {}): DnsResolver {
  const r = new Resolver({ timeout: opts.timeoutMs ?? 3000, tries: opts.tries ?? 2 });
  if (opts.servers && opts.servers.length > 0) r.setServers(opts.servers);
  return r;
}

export type DnsErrorKind = 'nxdomain' | 'nodata' | 'temporary';

export function dnsErrorKind(err: unknown): DnsErrorKind {
  const code = (err as { code?: unknown } | null)?.code;
  if (code === 'ENOTFOUND') return 'nxdomain';
  if (code === 'ENODATA') return 'nodata';
  return 'temporary';
}

/** Runs a look-up; NXDOMAIN and NODATA give an empty list, a temporary error is rethrown. */
export async function lookupOrEmpty<T>(fn: () => Promise<T[]>): Promise<T[]> {
  try {
    return await fn();
  } catch (err) {
    if (dnsErrorKind(err) === 'temporary') throw err;
    return [];
  }
}
