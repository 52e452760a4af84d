/**
 * The small value syntaxes of the configuration: listen addresses ('ADDR:PORT' or 'off'),
 * durations ('30s', '5m', '4h', '5d'), sizes ('50M') and CIDR networks. Each has a checker
 * used by the schema and a parser used by app/ to turn the checked string into numbers.
 * Values stay strings in the configuration so `config show` prints what was written.
 */
import { isIP } from 'node:net';
import { canonicalDomain } from '../lib/address.js';

export interface ListenAddress {
  host: string;
  port: number;
}

/** 'ADDR:PORT' → {host, port}; '[::1]:143' for IPv6; null for 'off'. Throws on bad syntax. */
export function parseListen(value: string): ListenAddress | null {
  if (value === 'off') return null;
  const m = /^(?:\[([0-9a-fA-F:.]+)\]|([^:\s\[\]]+)):(\d{1,5})$/.exec(value);
  if (!m) throw new Error(`expected ADDR:PORT (e.g. 127.0.0.1:2525, [::1]:2525, 0.0.0.0:25) or off, got '${value}'`);
  const host = m[1] ?? m[2];
  const port = Number(m[3]);
  if (port > 65535) throw new Error(`port ${port} is out of range (0–65535)`);
  if (m[1] !== undefined && isIP(host) !== 6) throw new Error(`'${host}' is not an IPv6 address`);
  if (m[2] !== undefined && isIP(host) === 0 && !/^[a-zA-Z0-9](?:[a-zA-Z0-9.-]*[a-zA-Z0-9])?$/.test(host)) {
    throw new Error(`'${host}' is not an IP address or host name`);
  }
  return { host, port };
}

/** Formats a listen address back ('[::1]:143' for IPv6). */
export function formatListen(a: ListenAddress): string {
  return isIP(a.host) === 6 ? `[${a.host}]:${a.port}` : `${a.host}:${a.port}`;
}

/** 'HOST:PORT' (port required) for routes and relay hosts. Throws on bad syntax. */
export function parseHostPort(value: string): ListenAddress {
  let a: ListenAddress | null = null;
  try {
    a = value === 'off' ? null : parseListen(value);
  } catch {
    // reported below with the HOST:PORT wording
  }
  if (!a || a.port === 0) throw new Error(`expected HOST:PORT (e.g. mx.example.net:25), got '${value}'`);
  return a;
}

const UNIT_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/** '250ms', '30s', '5m', '4h', '5d' → milliseconds. Throws on bad syntax. */
export function durationMs(value: string): number {
  const m = /^(\d+)(ms|s|m|h|d)$/.exec(value);
  if (!m) throw new Error(`expected a duration such as 30s, 5m, 4h or 5d, got '${value}'`);
  return Number(m[1]) * UNIT_MS[m[2]];
}

const UNIT_BYTES: Record<string, number> = { '': 1, K: 1024, M: 1024 ** 2, G: 1024 ** 3, T: 1024 ** 4 };

/** '52428800', '50M', '2G', '512K' → octets (binary units). Throws on bad syntax. */
export function parseSize(value: string): number {
  const m = /^(\d+)\s*([KMGT]?)i?B?$/i.exec(value.trim());
  if (!m) throw new Error(`expected a size in bytes such as 52428800, 512K, 50M or 2G, got '${value}'`);
  const n = Number(m[1]) * UNIT_BYTES[m[2].toUpperCase()];
  if (!Number.isSafeInteger(n)) throw new Error(`size '${value}' is too large`);
  return n;
}

/** 'ADDR/BITS' or a bare address (a /32 or /128 network). Throws on bad syntax. */
export function parseCidr(value: string): { address: string; bits: number; family: 4 | 6 } {
  const [address, bitsText, extra] = value.split('/');
  const family = isIP(address);
  if (extra !== undefined || family === 0) throw new Error(`expected a network such as 192.0.2.0/24 or 2001:db8::/32, got '${value}'`);
  const max = family === 4 ? 32 : 128;
  const bits = bitsText === undefined ? max : Number(bitsText);
  if (!/^\d+$/.test(bitsText ?? String(max)) || bits > max) throw new Error(`bad prefix length in '${value}' (0–${max})`);
  return { address, bits, family: family as 4 | 6 };
}

/** Wraps a throwing parser as a boolean check with its message (for zod refinements). */
export function problem(check: () => unknown): string | null {
  try {
    check();
    return null;
  } catch (e) {
    return (e as Error).message;
  }
}

/** A domain name (IDNA allowed) or 'localhost'. Throws on anything else. */
export function parseDomain(value: string): string {
  const d = canonicalDomain(value);
  if (d === null) throw new Error(`expected a domain name such as mail.example.org, got '${value}'`);
  return d;
}

/** 'sqlite:PATH' or 'postgres://…' / 'postgresql://…'. Throws on anything else. */
export function parseStoreUrl(value: string): string {
  if (/^sqlite:.+/.test(value) || /^postgres(ql)?:\/\/.+/.test(value)) return value;
  throw new Error(`expected sqlite:PATH or postgres://USER@HOST/DB, got '${value}'`);
}
