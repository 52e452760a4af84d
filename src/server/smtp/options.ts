/**
 * Options of one SMTP listener (port 25 MX, 587 submission with STARTTLS, 465 submissions
 * with implicit TLS). app/ maps the configuration onto these; defaults follow RFC 5321
 * §4.5.3 (limits and timeouts) and the policy.
 */
import type { BaseServerOptions } from '../types.js';
import type { Ingest } from '../../mta/ingest/types.js';
import type { AuthFailureTracker } from '../../mail/authenticate.js';
import type { ConnectionLimiter } from '../shared/limiter.js';

export interface SmtpTimeouts {
  /** Waiting for the next command (RFC 5321 §4.5.3.2.7: at least 5 minutes). */
  command: number;
  /** Between chunks of DATA/BDAT content (RFC 5321 §4.5.3.2.6 data block: 3 minutes). */
  data: number;
}

export interface SmtpServerOptions extends BaseServerOptions {
  mode: 'mx' | 'submission';
  /** Listener name for logs and RunningServer.name: 'smtp', 'submission', 'submissions'. */
  name?: string;
  /** RFC 1870 SIZE: largest message accepted, octets. */
  maxMessageSize: number;
  /** RCPTs per transaction; more get 452 4.5.3 (RFC 5321 §4.5.3.1.8: at least 100). */
  maxRecipients: number;
  /** CIDRs (or single addresses) allowed to relay without AUTH: smtp.relay_networks. */
  relayNetworks: string[];
  /** Open connections per client address; more get 421 4.7.0. */
  maxConnectionsPerIp: number;
  /** Open connections in total; more get 421 4.7.0. */
  maxConnections?: number;
  /** Counts connections for several listeners together (smtp.max_connections and
   *  smtp.max_connections_per_ip cover all three SMTP listeners); when absent, this listener
   *  counts alone with maxConnections / maxConnectionsPerIp. */
  connectionLimiter?: ConnectionLimiter;
  /** Failed AUTH attempts in one session before 421 and close (auth.max_failures). */
  maxAuthFailures?: number;
  timeouts?: Partial<SmtpTimeouts>;
  /** Error replies in one session before 421 4.7.0 and close. */
  maxErrors?: number;
  /** Octets over 998 a text line may have before 554 5.6.0 (RFC 5321 §4.5.3.1.6). */
  lineLengthTolerance?: number;
  /** Wait this long before the greeting; a client that talks first is cut off. */
  greetingDelayMs?: number;
  /** The pipeline every accepted message goes through (mta/ingest createIngest). */
  ingest: Ingest;
  /** Shared by the listeners of one process so failures on 587 count on 465 too. */
  authTracker?: AuthFailureTracker;
  /** A message larger than this (octets) is streamed to a blob writer while it arrives
   *  instead of being held in memory (server/smtp/spool.ts); default 1 MiB. */
  spillThreshold?: number;
  /** How long close() waits for busy sessions before cutting them off. */
  closeGraceMs?: number;
}

export interface ResolvedOptions extends Required<Omit<SmtpServerOptions, 'timeouts' | 'authTracker' | 'connectionLimiter'>> {
  timeouts: SmtpTimeouts;
  authTracker: AuthFailureTracker;
}
