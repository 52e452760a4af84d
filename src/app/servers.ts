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

export const serverStarters: Partial<Record<ListenerName, ServerStarter>> = {
  // smtp, submission, submissions, pop3, pop3s, imap, imaps, http: wired in as they land.
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

export const serviceStarters: ServiceStarter[] = [
  // e.g. the outbound queue runner (mta/queue)
];
