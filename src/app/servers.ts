/**
 * The registry of what `posthorn serve` runs. Each listener name (the config section whose
 * `listen` key gives its address) maps to a start function taking the shared
 * BaseServerOptions and the whole configuration, from which it picks its own keys.
 * To wire a server in, add one line here, e.g.
 *   imap: (base, config) => startImapServer({ ...base, idleTimeoutMs: durationMs(config.imap.idle_timeout) }),
 * Background services (the outbound queue runner, blob garbage collection…) go in
 * `serviceStarters` the same way.
 */
import type { Config, ListenerName } from '../config/schema.js';
import type { Logger } from '../lib/log.js';
import type { ChangeBus } from '../mail/changes.js';
import type { BaseServerOptions, RunningServer } from '../server/types.js';
import type { Store } from '../store/types.js';
import { AuthFailureTracker } from '../mail/authenticate.js';
import { durationMs } from '../config/values.js';
import { startPop3Server, ConnectionLimiter } from '../server/pop3/index.js';
import { startSmtpFromConfig } from '../server/smtp/from-config.js';
import { startImapServer } from '../server/imap/index.js';
import { startQueueRunner, type RunningQueue } from '../mta/queue/runner.js';
import { localDelivery } from '../mta/transport/local.js';
import { createIngest, type IngestOptions } from '../mta/ingest/ingest.js';
import { srsFromConfig } from '../mta/srs.js';
import { createResolver } from '../mta/transport/resolver.js';
import { startBlobCollector } from './blob-gc.js';

export type ServerStarter = (base: BaseServerOptions, config: Config) => Promise<RunningServer>;

/** Listeners speaking TLS from the first byte (RFC 8314); the others offer STARTTLS/STLS. */
export const IMPLICIT_TLS: Record<ListenerName, boolean> = {
  smtp: false,
  submission: false,
  submissions: true,
  pop3: false,
  pop3s: true,
  imap: false,
  imaps: true,
  http: false,
};

/** One per process: a client address that fails on POP3 is slowed down on IMAP and SMTP too. */
let authFailures: AuthFailureTracker | null = null;
const sharedAuthFailures = () => (authFailures ??= new AuthFailureTracker());

/** pop3 and pop3s count connections per client address together. */
let pop3Limiter: ConnectionLimiter | null = null;

const pop3: ServerStarter = (base, config) =>
  startPop3Server({
    ...base,
    idleTimeoutMs: durationMs(config.pop3.idle_timeout),
    // the POP3 issue: a wrong password three times closes the connection
    maxAuthFailures: Math.min(3, config.auth.max_failures),
    authFailures: sharedAuthFailures(),
    connectionLimiter: (pop3Limiter ??= new ConnectionLimiter(10_000, config.pop3.max_connections_per_ip)),
  });

const imap: ServerStarter = (base, config) =>
  startImapServer({
    ...base,
    idleTimeoutMs: durationMs(config.imap.idle_timeout),
    authFailures: sharedAuthFailures(),
  });

/** What the queue runner shares with the SMTP listeners on the same store: the SRS options
 *  (what one signs the other reverses) and the kick that starts delivery of new mail at once. */
const fromQueueRunner = new WeakMap<Store, Partial<IngestOptions>>();

/** `dns.servers` as the look-up function of sender authentication (auth/verify). */
function dnsLookup(config: Config): NonNullable<IngestOptions['resolver']> {
  const r = createResolver({ servers: config.dns.servers, timeoutMs: durationMs(config.dns.timeout) });
  return (name, rrtype) => r.resolve(name, rrtype);
}

function ingestExtras(config: Config, store: Store): Partial<IngestOptions> {
  return { resolver: dnsLookup(config), dmarcReject: config.auth.dmarc_reject, ...fromQueueRunner.get(store) };
}

const smtpStarter = (listener: 'smtp' | 'submission' | 'submissions'): ServerStarter => (base, config) =>
  startSmtpFromConfig(listener, base, config, sharedAuthFailures(), ingestExtras(config, base.store));

export const serverStarters: Partial<Record<ListenerName, ServerStarter>> = {
  smtp: smtpStarter('smtp'),
  submission: smtpStarter('submission'),
  submissions: smtpStarter('submissions'),
  pop3,
  pop3s: pop3,
  imap,
  imaps: imap,
  // http: wired in when it lands.
};

export interface ServiceContext {
  config: Config;
  dataDir: string;
  store: Store;
  bus: ChangeBus;
  log: Logger;
}

export interface RunningService {
  readonly name: string;
  close(): Promise<void>;
}

export type ServiceStarter = (ctx: ServiceContext) => Promise<RunningService>;

/** The outbound queue: mail for other domains leaves from here; mail for our own domains
 *  that reaches the queue (bounces to our users) is delivered through mta/ingest. */
const queueRunner: ServiceStarter = async (ctx) => {
  const srs = await srsFromConfig(ctx.config, ctx.dataDir, ctx.store.directory);
  let queue: RunningQueue | null = null;
  const shared: Partial<IngestOptions> = { srs, onQueued: () => queue?.kick() };
  fromQueueRunner.set(ctx.store, shared);
  queue = await startQueueRunner({
    ...ctx,
    srs,
    deliverLocal: localDelivery(createIngest({ ...shared, store: ctx.store, bus: ctx.bus, hostname: ctx.config.hostname }), ctx.config.hostname),
  });
  return queue;
};

/** Unreferenced blobs are removed hourly (store/types BlobStore.collectGarbage). */
const blobCollector: ServiceStarter = async (ctx) => startBlobCollector(ctx.store, ctx.log);

export const serviceStarters: ServiceStarter[] = [queueRunner, blobCollector];
