/**
 * The SMTP listeners as app/ starts them: maps the configuration's smtp.* and auth.* keys
 * onto SmtpServerOptions for one of the three SMTP listeners, builds the mta/ingest pipeline
 * on the shared store and bus, and shares one AuthFailureTracker between the listeners of
 * the process (failures on 587 count on 465 and 25 too). Wire in app/servers.ts as
 *   smtp: (base, config) => startSmtpFromConfig('smtp', base, config), and likewise
 *   submission / submissions.
 */
import type { Config } from '../../config/schema.js';
import { durationMs } from '../../config/values.js';
import { AuthFailureTracker } from '../../mail/authenticate.js';
import { createIngest, type IngestOptions } from '../../mta/ingest/ingest.js';
import type { BaseServerOptions, RunningServer } from '../types.js';
import { startSmtpServer } from './index.js';

let processTracker: AuthFailureTracker | null = null;

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
  return startSmtpServer({
    ...base,
    name: listener,
    mode: listener === 'smtp' ? 'mx' : 'submission',
    maxMessageSize: smtp.max_message_size,
    maxRecipients: smtp.max_recipients,
    relayNetworks: smtp.relay_networks,
    maxConnectionsPerIp: smtp.max_connections_per_ip,
    maxConnections: smtp.max_connections,
    maxErrors: smtp.max_errors,
    maxAuthFailures: config.auth.max_failures,
    timeouts: { command: durationMs(smtp.timeout) },
    ingest: createIngest({ ...ingestExtras, store: base.store, bus: base.bus, hostname: base.hostname, senderAuth: smtp.sender_auth }),
    authTracker: processTracker,
  });
}
