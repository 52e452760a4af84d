/**
 * The Sender Rewriting Scheme, as the common SRS specification (Shevek, libsrs2 /
 * Mail::SRS::Guarded) defines it, so a forwarded message's envelope sender is in our
 * domain (the next hop's SPF check passes, RFC 7208 §1.2.3) while bounces still find the
 * original sender:
 *
 *   SRS0=HHHH=TT=orig-domain=orig-local@our.domain            (first forwarder)
 *   SRS1=HHHH=first.forwarder==HHHH=TT=orig-domain=orig-local@our.domain   (later ones)
 *
 * HHHH: the first 4 characters of base64(HMAC-SHA1(secret, lowercased fields)); TT: days
 * since the epoch modulo 1024, two base32 characters. Reversal checks hash and age, with
 * every configured secret (the first one signs), so secrets can be rotated.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';

const BASE32 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
const DAY = 86_400_000;
const PERIOD = 1024;

export interface SrsOptions {
  /** Secrets; the first signs, all verify. */
  secrets: string[];
  /** The domain rewritten addresses get (ours). */
  domain: string;
  hashLength?: number;
  /** Oldest SRS0 timestamp accepted on reversal, in days (default 21). */
  maxAgeDays?: number;
  now?: () => number;
}

export type SrsReverse =
  | { ok: true; address: string }
  | { ok: false; reason: 'not-srs' | 'bad-hash' | 'expired' | 'malformed' };

function hash(secret: string, len: number, ...fields: string[]): string {
  const h = createHmac('sha1', secret);
  for (const f of fields) h.update(f.toLowerCase());
  return h.digest('base64').slice(0, len);
}

function checkHash(opts: SrsOptions, given: string, ...fields: string[]): boolean {
  const len = opts.hashLength ?? 4;
  if (given.length !== len) return false;
  // Compared case-insensitively: some MTAs lower-case local parts (as libsrs2 tolerates).
  const g = Buffer.from(given.toLowerCase());
  return opts.secrets.some((s) => {
    const want = Buffer.from(hash(s, len, ...fields).toLowerCase());
    return want.length === g.length && timingSafeEqual(want, g);
  });
}

function today(opts: SrsOptions): number {
  return Math.floor((opts.now ?? Date.now)() / DAY) % PERIOD;
}

export function encodeTimestamp(day: number): string {
  return BASE32[(day >> 5) & 31] + BASE32[day & 31];
}

function decodeTimestamp(tt: string): number | null {
  if (tt.length !== 2) return null;
  const a = BASE32.indexOf(tt[0].toUpperCase());
  const b = BASE32.indexOf(tt[1].toUpperCase());
  return a < 0 || b < 0 ? null : (a << 5) | b;
}

function split(address: string): { local: string; domain: string } {
  const at = address.lastIndexOf('@');
  return { local: address.slice(0, at), domain: address.slice(at + 1) };
}

const SRS0 = /^SRS0[-+=]/i;
const SRS1 = /^SRS1[-+=]/i;

export function isSrs(address: string): boolean {
  const { local } = split(address);
  return SRS0.test(local) || SRS1.test(local);
}

/** The envelope sender to use when forwarding mail from `sender`. The null path and our own
 *  addresses stay as they are. */
export function srsForward(sender: string, opts: SrsOptions): string {
  if (sender === '' || !sender.includes('@')) return sender;
  const { local, domain } = split(sender);
  if (domain.toLowerCase() === opts.domain.toLowerCase()) return sender;
  const len = opts.hashLength ?? 4;
  const secret = opts.secrets[0];
  if (!secret) throw new Error('SRS needs a secret');
  if (SRS1.test(local)) {
    // Already SRS1: keep the first forwarder and the SRS0 part, re-sign for ourselves.
    const m = /^SRS1[-+=]([^=]+)=([^=]+)=(.*)$/is.exec(local);
    if (m) return `SRS1=${hash(secret, len, m[2], m[3])}=${m[2]}=${m[3]}@${opts.domain}`;
  }
  if (SRS0.test(local)) {
    // An SRS0 of another forwarder: SRS1 that points at it (rest keeps its separator).
    const rest = local.slice(4);
    return `SRS1=${hash(secret, len, domain, rest)}=${domain}=${rest}@${opts.domain}`;
  }
  const tt = encodeTimestamp(today(opts));
  return `SRS0=${hash(secret, len, tt, domain, local)}=${tt}=${domain}=${local}@${opts.domain}`;
}

/** Undoes one rewrite of ours: SRS0 → the original sender, SRS1 → the first forwarder's SRS0. */
export function srsReverse(address: string, opts: SrsOptions): SrsReverse {
  const { local } = split(address);
  if (SRS1.test(local)) {
    const m = /^SRS1[-+=]([^=]+)=([^=]+)=(.*)$/is.exec(local);
    if (!m) return { ok: false, reason: 'malformed' };
    if (!checkHash(opts, m[1], m[2], m[3])) return { ok: false, reason: 'bad-hash' };
    return { ok: true, address: `SRS0${m[3]}@${m[2]}` };
  }
  if (!SRS0.test(local)) return { ok: false, reason: 'not-srs' };
  const m = /^SRS0[-+=]([^=]+)=([^=]+)=([^=]+)=(.+)$/is.exec(local);
  if (!m) return { ok: false, reason: 'malformed' };
  const [, h, tt, domain, user] = m;
  const stamp = decodeTimestamp(tt);
  if (stamp === null) return { ok: false, reason: 'malformed' };
  if (!checkHash(opts, h, tt, domain, user)) return { ok: false, reason: 'bad-hash' };
  const age = (today(opts) - stamp + PERIOD) % PERIOD;
  if (age > (opts.maxAgeDays ?? 21)) return { ok: false, reason: 'expired' };
  return { ok: true, address: `${user}@${domain}` };
}
