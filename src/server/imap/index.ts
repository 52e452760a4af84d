/**
 * The IMAP listener (RFC 3501 / RFC 9051): port 143 with STARTTLS or 993 with TLS from the
 * first byte. Each connection gets a Connection (connection.ts); close() says BYE to every
 * open session (RFC 3501 §7.1.5) and stops listening.
 */
import net from 'node:net';
import tls from 'node:tls';
import type { AddressInfo } from 'node:net';
import { DEFAULT_LIMITS } from '../../protocol/imap/receiver.js';
import type { RunningServer } from '../types.js';
import { AuthFailureTracker } from '../../mail/auth-failures.js';
import { appendMessage } from '../../mail/deliver.js';
import { Connection } from './connection.js';
import { RecentTracker } from './recent.js';
import type { ImapServerOptions, ServerEnv } from './types.js';

export type { ImapServerOptions, AppendFn } from './types.js';

const DEFAULT_APPEND_LIMIT = 64 * 1024 * 1024;

export async function startImapServer(options: ImapServerOptions): Promise<RunningServer> {
  const appendLimit = options.appendLimit ?? DEFAULT_APPEND_LIMIT;
  const env: ServerEnv = {
    store: options.store, bus: options.bus, log: options.log, hostname: options.hostname,
    appendMessage: options.appendMessage ?? appendMessage, appendLimit, allowPlaintextOnLoopback: options.allowPlaintextOnLoopback,
    authFailures: options.authFailures ?? new AuthFailureTracker(), recent: new RecentTracker(options.store.mail),
    advertiseSecretMechanisms: options.advertiseSecretMechanisms ?? false, idlePollMs: options.idlePollMs ?? 30_000,
  };
  const secureContext = tls.createSecureContext({ key: options.tls.key, cert: options.tls.cert });
  const connections = new Set<Connection>();
  const connOpts = {
    env, secureContext,
    // A literal may carry a whole message (APPENDLIMIT) plus a little.
    limits: { ...DEFAULT_LIMITS, maxLiteral: appendLimit, maxCommand: appendLimit + 1024 * 1024, ...options.limits },
    idleTimeoutMs: Math.max(options.idleTimeoutMs ?? 30 * 60_000, 1),
    preAuthTimeoutMs: options.preAuthTimeoutMs ?? 60_000,
    onClose: (c: Connection) => connections.delete(c),
  };
  // One timer for every connection's autologout and IDLE poll (connection.ts sweep()); its
  // period is a small fraction of the shortest of those times, at most a second.
  const shortest = Math.min(connOpts.idleTimeoutMs, connOpts.preAuthTimeoutMs, env.idlePollMs);
  const sweepMs = Math.min(1000, Math.max(10, Math.floor(shortest / 4)));
  const sweeper = setInterval(() => {
    const now = Date.now();
    for (const c of connections) c.sweep(now);
  }, sweepMs);
  sweeper.unref();
  const accept = (socket: net.Socket, secure: boolean): void => {
    socket.setNoDelay(true);
    const conn = new Connection(socket, secure, connOpts);
    connections.add(conn);
    conn.greet();
  };
  const server = options.implicitTls
    ? tls.createServer({ secureContext }, (s) => accept(s, true))
    : net.createServer((s) => accept(s, false));
  server.on('error', (err) => options.log.error({ err }, 'imap listener error'));
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const name = options.name ?? (options.implicitTls ? 'imaps' : 'imap');
  return {
    name,
    address: server.address() as AddressInfo,
    async close() {
      clearInterval(sweeper);
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      for (const c of [...connections]) c.close('Server shutting down');
      await closed;
    },
  };
}
