/**
 * What startPop3Server takes: the shared BaseServerOptions plus POP3's own knobs, each with
 * the default app/ gets when it leaves it out.
 */
import type { AuthFailureTracker } from '../../mail/authenticate.js';
import type { BaseServerOptions } from '../types.js';
import type { ConnectionLimiter } from './limiter.js';
import type { LoginDelay } from './login-delay.js';

export interface Pop3ServerOptions extends BaseServerOptions {
  /** RFC 1939 §3: the autologout timer is at least 10 minutes. Tests shorten it. */
  idleTimeoutMs?: number;
  /** Failed logins in one session before the connection is closed (default 3). */
  maxAuthFailures?: number;
  /** Shared per-IP failure bookkeeping (one per process, shared with SMTP and IMAP). */
  authFailures?: AuthFailureTracker;
  /** List CRAM-MD5 and SCRAM-SHA-256 in CAPA SASL. They work only for accounts with a
   *  shared secret, and clients pick the strongest listed mechanism, so app/ turns this on
   *  only when the operator hands out secrets. AUTH accepts them either way. */
  advertiseSecretMechanisms?: boolean;
  /** RFC 2449 §6.5 LOGIN-DELAY: least seconds between two logins of one account; 0 = off. */
  loginDelaySeconds?: number;
  /** Most sessions open at once; further connections get -ERR [SYS/TEMP] and are closed. */
  maxConnections?: number;
  /** Most sessions open at once from one client address. */
  maxConnectionsPerIp?: number;
  /** A limiter shared with the other POP3 listener; when given, it sets both limits and the
   *  two numbers above are ignored. */
  connectionLimiter?: ConnectionLimiter;
}

export interface ResolvedPop3Options extends Pop3ServerOptions {
  idleTimeoutMs: number;
  maxAuthFailures: number;
  authFailures: AuthFailureTracker;
  advertiseSecretMechanisms: boolean;
  connectionLimiter: ConnectionLimiter;
  loginDelay: LoginDelay;
}

export const IDLE_TIMEOUT_MS = 10 * 60_000;
