/**
 * The SMTP listeners as app/ starts them: maps the configuration's smtp.* and auth.* keys
 * onto SmtpServerOptions for one of the three SMTP listeners, builds the mta/ingest pipeline
 * on the shared store and bus, and shares one AuthFailureTracker between the listeners of
 * the process (failures on 587 count on 465 and 25 too), and one ConnectionLimiter between
 * the listeners started from one configuration (its limits are totals over all three). Wire in app/servers.ts as
 *   smtp: (base, config) => startSmtpFromConfig('smtp', base, config), and likewise
 *   submission / submissions.
 */
import type { Config } from '../../config/schema.js';
import { durationMs } from '../../config/values.js';
import { AuthFailureTracker } from '../../mail/authenticate.js';
import { createIngest, type IngestOptions } from '../../mta/ingest/ingest.js';
import type { BaseServerOptions, RunningServer } from '../types.js';
import { startSmtpServer } from './index.js';
import { ConnectionLimiter } from '../shared/limiter.js';

let processTracker: AuthFailureTracker | null = null;
/** smtp.max_connections and smtp.max_connections_per_ip count all SMTP listeners together. */
const limiters = new WeakMap<Config, ConnectionLimiter>();

export function startSmtpFromConfig(
  listener: 'smtp' | 'submission' | 'submissions',
  base: BaseServerOptions,
  config: Config,
  /** The process's tracker, shared with POP3 and IMAP; one of our own when absent. */
  tracker?: AuthFailureTracker,
  /** What app/ adds to the ingest pipeline: SRS, the DNS resolver, DMARC policy, the queue kick. */
  ingestExtras: Partial<IngestOptions> = {},
): Promise<RunningServer> {
  processTracker ??= tracker ?? new AuthFailureTracker();
  const smtp = config.smtp;
  let limiter = limiters.get(config);
  if (!limiter) limiters.set(config, (limiter = new ConnectionLimiter(smtp.max_connections, smtp.max_connections_per_ip)));
  return startSmtpServer({
    ...base,
    name: listener,
    mode: listener === 'smtp' ? 'mx' : 'submission',
    maxMessageSize: smtp.max_message_size,
    maxRecipients: smtp.max_recipients,
    relayNetworks: smtp.relay_networks,
    maxConnectionsPerIp: smtp.max_connections_per_ip,
    maxConnections: smtp.max_connections,
    connectionLimiter: limiter,
    maxErrors: smtp.max_errors,
    maxAuthFailures: config.auth.max_failures,
    timeouts: { command: durationMs(smtp.timeout) },
    // a pregreet wait only makes sense for other MTAs (port 25); people's clients wait anyway
    greetingDelayMs: listener === 'smtp' ? durationMs(smtp.greeting_delay) : 0,
    ingest: createIngest({ ...ingestExtras, store: base.store, bus: base.bus, hostname: base.hostname, senderAuth: smtp.sender_auth }),
    authTracker: processTracker,
  });
}
