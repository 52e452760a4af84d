/**
 * Opening an outbound SMTP session to one next-hop address: greeting, EHLO (HELO when
 * EHLO is refused, RFC 5321 §3.2), STARTTLS per policy (RFC 3207), AUTH for a smarthost
 * (RFC 4954, PLAIN or LOGIN), and the capabilities the transaction code needs.
 *
 * Invariants: `openSession` either resolves to a session ready for MAIL, or throws a
 * SessionError saying whether the next address should be tried (connection failure, a 4xx
 * or 5xx greeting, TLS trouble) — it never leaves a socket open behind it.
 */
import type { Reply } from '../../protocol/smtp/reply.js';
import { parseEhlo } from '../../protocol/smtp/client.js';
import { replyToString } from '../../protocol/smtp/reply.js';
import { ConnectionError, SmtpConnection } from './connection.js';
import type { HopTarget, SmtpAuth, TlsPolicy } from './routes.js';

export interface Capabilities {
  esmtp: boolean;
  pipelining: boolean;
  /** RFC 1870: the advertised limit, 0 = no fixed limit, null = SIZE not offered. */
  size: number | null;
  chunking: boolean;
  binarymime: boolean;
  eightbitmime: boolean;
  smtputf8: boolean;
  dsn: boolean;
  starttls: boolean;
  auth: string[];
}

export interface SessionOptions {
  /** Our name for EHLO/HELO. */
  hostname: string;
  connectTimeoutMs: number;
  commandTimeoutMs: number;
  tls: TlsPolicy;
  auth: SmtpAuth | null;
  localAddress?: string;
  /** `outbound.tls_ca_file`'s PEM: trusted besides the system roots under the `required` policy. */
  extraCa?: string;
}

/** Why a session could not be opened; `reply` is what the DSN will quote. */
export class SessionError extends Error {
  constructor(readonly reply: string, readonly permanent: boolean) {
    super(reply);
    this.name = 'SessionError';
  }
}

export interface OpenSession {
  conn: SmtpConnection;
  caps: Capabilities;
  target: HopTarget;
}

/** RFC 5321 §4.1.1.1 / RFC 1869 §4.3: EHLO reply lines after the first are keywords. */
export function parseCapabilities(r: Reply | null): Capabilities {
  const ext = r ? parseEhlo(r) : new Map<string, string>();
  const size = ext.get('SIZE');
  return {
    esmtp: r !== null,
    pipelining: ext.has('PIPELINING'), // RFC 2920
    size: size === undefined ? null : /^\d+$/.test(size) ? Number(size) : 0, // RFC 1870 §4
    chunking: ext.has('CHUNKING'), // RFC 3030
    binarymime: ext.has('BINARYMIME'),
    eightbitmime: ext.has('8BITMIME'), // RFC 6152
    smtputf8: ext.has('SMTPUTF8'), // RFC 6531
    dsn: ext.has('DSN'), // RFC 3461
    starttls: ext.has('STARTTLS'), // RFC 3207
    auth: (ext.get('AUTH') ?? '').split(/\s+/).filter(Boolean).map((a) => a.toUpperCase()), // RFC 4954
  };
}

const text = (r: Reply): string => replyToString(r);
const ok = (r: Reply): boolean => r.code >= 200 && r.code < 400;

async function hello(conn: SmtpConnection, name: string): Promise<Capabilities> {
  conn.write(`EHLO ${name}\r\n`);
  const e = await conn.reply();
  if (e.code === 250) return parseCapabilities(e);
  if (e.code === 421) throw new SessionError(text(e), false);
  // RFC 5321 §3.2: a server that does not know EHLO answers 5xx; fall back to HELO.
  conn.write(`HELO ${name}\r\n`);
  const h = await conn.reply();
  if (h.code !== 250) throw new SessionError(text(h), false);
  return parseCapabilities(null);
}

async function authenticate(conn: SmtpConnection, caps: Capabilities, auth: SmtpAuth): Promise<void> {
  const b64 = (s: string) => Buffer.from(s, 'utf8').toString('base64');
  let r: Reply;
  if (caps.auth.includes('PLAIN')) {
    // RFC 4616 §2: [authzid] NUL authcid NUL passwd, as initial response (RFC 4954 §4).
    conn.write(`AUTH PLAIN ${b64(`\0${auth.user}\0${auth.pass}`)}\r\n`);
    r = await conn.reply();
  } else if (caps.auth.includes('LOGIN')) {
    conn.write('AUTH LOGIN\r\n');
    r = await conn.reply();
    if (r.code === 334) { conn.write(`${b64(auth.user)}\r\n`); r = await conn.reply(); }
    if (r.code === 334) { conn.write(`${b64(auth.pass)}\r\n`); r = await conn.reply(); }
  } else {
    throw new SessionError('530 5.7.0 next hop offers no AUTH mechanism we support (PLAIN, LOGIN)', false);
  }
  // A refused login is our misconfiguration: keep the mail queued for the operator to fix.
  if (r.code !== 235) throw new SessionError(`${text(r)} (authentication failed)`, false);
}

const isLoopback = (address: string): boolean => /^127\./.test(address) || address === '::1' || address === '::ffff:127.0.0.1';

async function negotiate(conn: SmtpConnection, target: HopTarget, opts: SessionOptions, tls: boolean): Promise<Capabilities> {
  const greeting = await conn.reply();
  // RFC 5321 §3.1 / §5.1: a 4xx or 5xx greeting: try the next address.
  if (greeting.code !== 220) throw new SessionError(text(greeting), false);
  let caps = await hello(conn, opts.hostname);
  if (tls && caps.starttls && opts.tls !== 'off') {
    conn.write('STARTTLS\r\n');
    const r = await conn.reply();
    if (r.code === 220) {
      // RFC 7435: opportunistic TLS does not authenticate the peer; `required` does (RFC 3207 §4.1)
      await conn.startTls(target.host, opts.tls === 'required', opts.extraCa);
      caps = await hello(conn, opts.hostname); // RFC 3207 §4.2: forget what was learnt before
    } else if (opts.tls === 'required') throw new SessionError(`${text(r)} (STARTTLS refused; TLS is required)`, false);
  }
  if (opts.tls === 'required' && !conn.tls) throw new SessionError('421 4.7.4 TLS is required but was not offered by the next hop', false);
  if (opts.auth) {
    // RFC 4954 §4 / RFC 8314 §3: a password is not sent in the clear across a network;
    // the hop on our own machine (loopback) is the one exception, as on the server side.
    if (!conn.tls && !isLoopback(target.address)) throw new SessionError(`421 4.7.0 ${target.host} offers no TLS: credentials are not sent in the clear`, false);
    await authenticate(conn, caps, opts.auth);
  }
  return caps;
}

/** Opens a session to one address. An opportunistic TLS handshake that fails is retried
 *  once in plaintext (as Postfix does: better cleartext than no delivery). */
export async function openSession(target: HopTarget, opts: SessionOptions): Promise<OpenSession> {
  for (const useTls of opts.tls === 'off' ? [false] : [true, false]) {
    let conn: SmtpConnection;
    try {
      conn = await SmtpConnection.connect({ address: target.address, port: target.port, connectTimeoutMs: opts.connectTimeoutMs, commandTimeoutMs: opts.commandTimeoutMs, localAddress: opts.localAddress });
    } catch (e) {
      throw new SessionError(`421 4.4.1 ${(e as Error).message}`, false);
    }
    try {
      const caps = await negotiate(conn, target, opts, useTls);
      return { conn, caps, target };
    } catch (e) {
      conn.close();
      if (e instanceof ConnectionError && e.phase === 'tls' && opts.tls === 'opportunistic' && useTls) continue;
      // RFC 3463 X.7.5 (cryptographic failure): temporary, the certificate may be fixed
      if (e instanceof ConnectionError && e.phase === 'tls') throw new SessionError(`421 4.7.5 ${target.host} [${target.address}]: TLS is required and failed: ${e.message}`, false);
      if (e instanceof SessionError) throw e;
      throw new SessionError(`421 4.4.2 ${target.host} [${target.address}]: ${(e as Error).message}`, false);
    }
  }
  throw new SessionError(`421 4.4.2 ${target.host}: cannot open a session`, false);
}

/** Polite end: QUIT, wait briefly for 221, close regardless. */
export async function closeSession(s: OpenSession): Promise<void> {
  if (s.conn.alive) {
    s.conn.write('QUIT\r\n');
    await s.conn.reply(2000).catch(() => undefined);
  }
  s.conn.close();
}
