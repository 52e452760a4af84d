/**
 * Next-hop resolution for one recipient domain (RFC 5321 §5.1): the static route table
 * (`outbound.routes`, like Postfix's transport map) first, then the smarthost
 * (`outbound.relay_host`), else DNS: MX records by preference with equal preferences in
 * random order, the implicit MX (the domain's own A/AAAA) when there is no MX, and a null
 * MX (RFC 7505) as a permanent failure.
 *
 * Invariants: the result lists connection targets in the order they must be tried (every
 * address of the best MX first); failures are ProtocolErrors carrying the status a DSN
 * reports — 4.x.x for temporary DNS trouble (retry later), 5.x.x for a definitive answer.
 */
import { isIP } from 'node:net';
import { ProtocolError } from '../../lib/errors.js';
import { canonicalDomain } from '../../lib/address.js';
import { dnsErrorKind, lookupOrEmpty, type DnsResolver, type MxRecord } from './resolver.js';

/** `outbound.tls`: STARTTLS used when offered, demanded (else the attempt is deferred), or never. */
export type TlsPolicy = 'opportunistic' | 'required' | 'off';

export interface SmtpAuth {
  user: string;
  pass: string;
}

/** A static next hop: 'host', 'host:port', '[v6]:port', or the object form. */
export interface RouteEntry {
  host: string;
  port?: number;
  tls?: TlsPolicy;
  auth?: SmtpAuth | null;
}

export interface RoutingConfig {
  /** `outbound.port`: the port used on an MX (default 25). */
  port: number;
  /** `outbound.routes`: 'example.test' (exact), '.example.test' (subdomains), '*' (all). */
  routes?: Record<string, string | RouteEntry>;
  /** `outbound.relay_host`: every non-routed domain goes there. */
  relayHost?: string | RouteEntry | null;
  /** `outbound.tls`: the default STARTTLS policy. */
  tls?: TlsPolicy;
  /** `outbound.tls_policy`: per destination, keyed like `routes` (the smarthost by its name). */
  tlsPolicy?: Record<string, TlsPolicy>;
  /** Our own host names (lower case): an MX naming us cuts the list there (§5.1). */
  localNames?: string[];
  random?: () => number;
}

/** One place to connect to. */
export interface HopTarget {
  /** The MX or route host name (TLS server name, Remote-MTA in a DSN). */
  host: string;
  address: string;
  port: number;
}

export interface Destination {
  /** Grouping key: recipients with the same key share connections and a concurrency limit. */
  key: string;
  /** How the targets were found. */
  via: 'route' | 'relay' | 'mx' | 'implicit-mx';
  targets: HopTarget[];
  tls: TlsPolicy;
  auth: SmtpAuth | null;
}

/** Parses 'host', 'host:port', '[host]:port' or '[v6addr]:port'. */
export function parseHostPort(spec: string, defaultPort: number): { host: string; port: number } {
  const s = spec.trim();
  const bracket = /^\[([^\]]+)\](?::(\d+))?$/.exec(s);
  if (bracket) return { host: bracket[1], port: bracket[2] ? Number(bracket[2]) : defaultPort };
  if (isIP(s) === 6) return { host: s, port: defaultPort };
  const m = /^([^:]+)(?::(\d+))?$/.exec(s);
  if (!m) throw new Error(`invalid next hop '${spec}'`);
  return { host: m[1], port: m[2] ? Number(m[2]) : defaultPort };
}

/** `domain` in a table keyed like Postfix's transport map: exact, then '.parent', then '*'. */
function lookupDomain<T>(tableIn: Record<string, T> | undefined, domain: string): T | undefined {
  const table = new Map(Object.entries(tableIn ?? {}).map(([k, v]) => [k.toLowerCase(), v]));
  const exact = table.get(domain);
  if (exact !== undefined) return exact;
  const labels = domain.split('.');
  for (let i = 1; i < labels.length; i++) {
    const v = table.get(`.${labels.slice(i).join('.')}`);
    if (v !== undefined) return v;
  }
  return table.get('*');
}

/** The STARTTLS policy towards `name` (a recipient domain, or the smarthost's name). */
export function tlsPolicyFor(name: string, cfg: RoutingConfig): TlsPolicy {
  return lookupDomain(cfg.tlsPolicy, name.toLowerCase()) ?? cfg.tls ?? 'opportunistic';
}

function entryOf(value: string | RouteEntry, cfg: RoutingConfig, policyName?: string): Required<RouteEntry> {
  const e = typeof value === 'string' ? { host: value } : value;
  const hp = e.port === undefined ? parseHostPort(e.host, cfg.port) : { host: e.host, port: e.port };
  return { host: hp.host, port: hp.port, tls: e.tls ?? tlsPolicyFor(policyName ?? hp.host, cfg), auth: e.auth ?? null };
}

/** The static route for a domain: exact match, then '.parent' entries, then '*'. */
export function staticRoute(domain: string, cfg: RoutingConfig): Required<RouteEntry> | null {
  const v = lookupDomain(cfg.routes, domain);
  return v === undefined ? null : entryOf(v, cfg, domain);
}

/** A, then AAAA addresses of a host (an IP literal is its own address). */
async function addressesOf(host: string, dns: DnsResolver): Promise<string[]> {
  if (isIP(host)) return [host];
  const [v4, v6] = await Promise.all([lookupOrEmpty(() => dns.resolve4(host)), lookupOrEmpty(() => dns.resolve6(host))]);
  return [...v4, ...v6];
}

/** RFC 5321 §5.1: lower preference first; equal preferences MUST be randomized. */
export function sortMx(records: MxRecord[], random: () => number = Math.random): MxRecord[] {
  return records
    .map((r) => ({ r, k: random() }))
    .sort((a, b) => a.r.priority - b.r.priority || a.k - b.k)
    .map((x) => x.r);
}

function temporary(domain: string, err: unknown): ProtocolError {
  const code = (err as { code?: string }).code ?? 'error';
  return new ProtocolError(451, '4.4.3', `DNS lookup for ${domain} failed (${code}); will retry`);
}

async function fixedHop(entry: Required<RouteEntry>, via: 'route' | 'relay', dns: DnsResolver): Promise<Destination> {
  let addrs: string[];
  try {
    addrs = await addressesOf(entry.host, dns);
  } catch (err) {
    throw temporary(entry.host, err);
  }
  if (addrs.length === 0) throw new ProtocolError(451, '4.4.4', `next hop ${entry.host} has no address`);
  return {
    key: `${via}:${entry.host}:${entry.port}`,
    via,
    targets: addrs.map((address) => ({ host: entry.host, address, port: entry.port })),
    tls: entry.tls,
    auth: entry.auth,
  };
}

/** Where mail for `domain` goes. Throws ProtocolError (4.x.x retry, 5.x.x fail). */
export async function resolveDestination(domainIn: string, cfg: RoutingConfig, dns: DnsResolver): Promise<Destination> {
  const domain = canonicalDomain(domainIn) ?? domainIn.toLowerCase();
  const route = staticRoute(domain, cfg);
  if (route) return fixedHop(route, 'route', dns);
  if (cfg.relayHost) return fixedHop(entryOf(cfg.relayHost, cfg), 'relay', dns);

  let mx: MxRecord[];
  try {
    mx = await dns.resolveMx(domain);
  } catch (err) {
    const kind = dnsErrorKind(err);
    // RFC 5321 §5.1: a non-existent domain MUST be reported as an error; a temporary
    // error MUST be queued and retried.
    if (kind === 'nxdomain') throw new ProtocolError(550, '5.1.2', `Domain ${domain} does not exist`);
    if (kind === 'temporary') throw temporary(domain, err);
    mx = [];
  }
  // RFC 7505 §3/§4.1: a single MX with the root as exchange: the domain accepts no mail.
  if (mx.some((r) => r.exchange === '' || r.exchange === '.')) {
    throw new ProtocolError(556, '5.1.10', `Domain ${domain} does not accept mail (null MX)`);
  }
  const tls = tlsPolicyFor(domain, cfg);
  if (mx.length === 0) {
    // RFC 5321 §5.1: no MX → the implicit MX, the domain itself with preference 0.
    let addrs: string[];
    try {
      addrs = await addressesOf(domain, dns);
    } catch (err) {
      throw temporary(domain, err);
    }
    if (addrs.length === 0) throw new ProtocolError(550, '5.1.2', `Domain ${domain} has no mail exchanger`);
    return { key: `mx:${domain}`, via: 'implicit-mx', targets: addrs.map((address) => ({ host: domain, address, port: cfg.port })), tls, auth: null };
  }
  let sorted = sortMx(mx, cfg.random);
  // RFC 5321 §5.1: if we are one of the MXs, drop that preference level and higher ones.
  const me = new Set((cfg.localNames ?? []).map((n) => n.toLowerCase().replace(/\.$/, '')));
  const self = sorted.find((r) => me.has(r.exchange.toLowerCase().replace(/\.$/, '')));
  if (self) {
    sorted = sorted.filter((r) => r.priority < self.priority);
    if (sorted.length === 0) throw new ProtocolError(554, '5.4.6', `Mail for ${domain} loops back to myself`);
  }
  let tempErr: unknown = null;
  const lists = await Promise.all(
    sorted.map((r) => addressesOf(r.exchange, dns).catch((err: unknown) => { tempErr = err; return [] as string[]; })),
  );
  const targets = sorted.flatMap((r, i) => lists[i].map((address) => ({ host: r.exchange.replace(/\.$/, ''), address, port: cfg.port })));
  if (targets.length === 0) {
    // §5.1: MX records present but none usable MUST be reported as an error — unless the
    // look-ups failed only temporarily.
    if (tempErr) throw temporary(domain, tempErr);
    throw new ProtocolError(550, '5.4.4', `No usable mail exchanger for ${domain}`);
  }
  const hosts = [...new Set(sorted.map((r) => r.exchange.toLowerCase()))].sort().join(',');
  return { key: `mx:${hosts}:${cfg.port}`, via: 'mx', targets, tls, auth: null };
}
