/**
 * The outbound queue as a background service of `posthorn serve`: builds the scheduler
 * from the configuration (dns, outbound, queue sections), the DKIM keys under DATA/dkim/
 * and the opened store, and starts it. app/servers.ts registers it as a service starter:
 *   serviceStarters: [(ctx) => startQueueRunner(ctx)]
 */
import { readFile } from 'node:fs/promises';
import { hostname as osHostname } from 'node:os';
import type { Config } from '../../config/schema.js';
import { durationMs } from '../../config/values.js';
import type { Logger } from '../../lib/log.js';
import type { Store } from '../../store/types.js';
import { loadDkimKeys } from '../../auth/dkim.js';
import type { SrsOptions } from '../../auth/srs.js';
import { createResolver, type DnsResolver } from '../transport/resolver.js';
import type { RoutingConfig, SmtpAuth } from '../transport/routes.js';
import { policyFromConfig } from './policy.js';
import { QueueScheduler } from './scheduler.js';

export interface QueueRunnerContext {
  config: Config;
  dataDir: string;
  store: Store;
  log: Logger;
  /** Tests: a resolver of their own instead of `dns.servers`. */
  resolver?: DnsResolver;
  /** Smarthost credentials; default `outbound.relay_user` / `outbound.relay_password`. */
  relayAuth?: SmtpAuth | null;
  /** SRS (app/ builds it with mta/srs srsFromConfig): forwarded mail from foreign senders
   *  leaves with an SRS0 reverse-path. */
  srs?: SrsOptions | null;
  /** Tests' shorthand for `srs`: secrets, and the domain (default: `hostname`'s parent). */
  srsSecrets?: string[];
  srsDomain?: string;
  /** Local delivery for our own domains (mta/ingest); without it they go by MX like any. */
  deliverLocal?: (raw: Buffer, sender: string, recipient: string) => Promise<void>;
  /** Source address for outbound connections (multi-homed hosts). */
  localAddress?: string;
}

export interface RunningQueue {
  readonly name: string;
  readonly scheduler: QueueScheduler;
  /** New mail was queued: attempt it now rather than at the next poll. */
  kick(): void;
  close(): Promise<void>;
}

/** `outbound` section → routing table for transport/routes. */
export function routingFromConfig(config: Config, relayAuth?: SmtpAuth | null): RoutingConfig {
  const o = config.outbound;
  const auth = relayAuth !== undefined ? relayAuth : o.relay_user ? { user: o.relay_user, pass: o.relay_password } : null;
  return {
    port: o.port,
    routes: o.routes,
    relayHost: o.relay_host ? { host: o.relay_host, auth } : null,
    tls: o.tls,
    tlsPolicy: o.tls_policy,
    localNames: [config.hostname],
  };
}

function srsOf(ctx: QueueRunnerContext): SrsOptions | undefined {
  if (ctx.srs) return ctx.srs;
  if (!ctx.srsSecrets?.length) return undefined;
  return { secrets: ctx.srsSecrets, domain: ctx.srsDomain ?? ctx.config.hostname.split('.').slice(1).join('.') };
}

export async function startQueueRunner(ctx: QueueRunnerContext): Promise<RunningQueue> {
  const { config } = ctx;
  const isLocalDomain = (d: string) => ctx.store.directory.isLocalDomain(d);
  const srs = srsOf(ctx);
  const resolver = ctx.resolver ?? createResolver({ servers: config.dns.servers, timeoutMs: durationMs(config.dns.timeout) });
  const scheduler = new QueueScheduler({
    queue: ctx.store.queue,
    blobs: ctx.store.blobs,
    hostname: config.hostname,
    nodeId: config.queue.node_id || `${osHostname()}:${process.pid}`,
    routing: routingFromConfig(config, ctx.relayAuth),
    resolver,
    session: {
      connectTimeoutMs: durationMs(config.outbound.connect_timeout), commandTimeoutMs: durationMs(config.outbound.command_timeout), localAddress: ctx.localAddress,
      extraCa: config.outbound.tls_ca_file ? await readFile(config.outbound.tls_ca_file, 'utf8') : undefined,
    },
    srs: srs ? { options: srs, isLocalDomain } : undefined,
    local: ctx.deliverLocal ? { isLocalDomain, deliver: ctx.deliverLocal } : undefined,
    policy: policyFromConfig(config.queue),
    leaseMs: durationMs(config.queue.lease),
    pollIntervalMs: durationMs(config.queue.poll_interval),
    maxConnections: config.outbound.max_connections,
    dkimKeys: await loadDkimKeys(ctx.dataDir),
    log: ctx.log,
  });
  scheduler.start();
  return { name: 'queue', scheduler, kick: () => scheduler.kick(), close: () => scheduler.stop() };
}
