/**
 * What every protocol server shares with app/, which starts and stops them. Each server
 * folder exports a `start<Proto>Server(options)` that listens and resolves to a
 * RunningServer; app/ maps the configuration onto the options (servers read no config
 * files themselves).
 */
import type { AddressInfo } from 'node:net';
import type { Store } from '../store/types.js';
import type { Logger } from '../lib/log.js';
import type { ChangeBus } from '../mail/changes.js';

export interface TlsMaterial {
  key: string | Buffer;
  cert: string | Buffer;
}

/** Options every server takes; each server adds its own. */
export interface BaseServerOptions {
  host: string;
  port: number;
  /** true: TLS from the first byte (465, 993, 995); false: plaintext with STARTTLS/STLS. */
  implicitTls: boolean;
  /** The server's FQDN for greetings and headers. */
  hostname: string;
  tls: TlsMaterial;
  store: Store;
  bus: ChangeBus;
  log: Logger;
  /** Plaintext passwords without TLS are refused except from loopback when true. */
  allowPlaintextOnLoopback: boolean;
}

export interface RunningServer {
  /** e.g. 'imap', 'pop3s', 'submission'. */
  readonly name: string;
  readonly address: AddressInfo;
  /** Stops accepting, tells open sessions goodbye (421 / * BYE / -ERR) and closes them. */
  close(): Promise<void>;
}
