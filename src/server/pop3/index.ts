/**
 * startPop3Server: the POP3 listener (RFC 1939), on 110 with STLS or 995 with implicit TLS
 * (RFC 8314). Each accepted socket becomes a Pop3Connection; close() says goodbye to every
 * open session and waits until their maildrop locks are released.
 */
import net from 'node:net';
import tls from 'node:tls';
import type { AddressInfo } from 'node:net';
import { AuthFailureTracker } from '../../mail/authenticate.js';
import { err } from '../../protocol/pop3/index.js';
import type { RunningServer } from '../types.js';
import { Pop3Connection } from './connection.js';
import { ConnectionLimiter } from './limiter.js';
import { LoginDelay } from './login-delay.js';
import { IDLE_TIMEOUT_MS, type Pop3ServerOptions, type ResolvedPop3Options } from './options.js';

export type { Pop3ServerOptions } from './options.js';
export { ConnectionLimiter } from './limiter.js';

export async function startPop3Server(options: Pop3ServerOptions): Promise<RunningServer> {
  const opts: ResolvedPop3Options = {
    ...options,
    idleTimeoutMs: options.idleTimeoutMs ?? IDLE_TIMEOUT_MS,
    maxAuthFailures: options.maxAuthFailures ?? 3,
    authFailures: options.authFailures ?? new AuthFailureTracker(),
    advertiseSecretMechanisms: options.advertiseSecretMechanisms ?? false,
    connectionLimiter: options.connectionLimiter ?? new ConnectionLimiter(options.maxConnections ?? 10_000, options.maxConnectionsPerIp ?? 20),
    loginDelay: new LoginDelay(options.loginDelaySeconds ?? 0),
  };
  const secureContext = tls.createSecureContext({ key: options.tls.key, cert: options.tls.cert });
  const connections = new Set<Pop3Connection>();
  const limiter = opts.connectionLimiter;

  const accept = (socket: net.Socket, secure: boolean): void => {
    socket.setNoDelay(true);
    const ip = socket.remoteAddress ?? '';
    if (!limiter.acquire(ip)) {
      socket.on('error', () => undefined);
      socket.end(err('too many connections, try again later', 'SYS/TEMP'));
      return;
    }
    const conn = new Pop3Connection(socket, opts, secureContext, secure);
    connections.add(conn);
    void conn.finished.finally(() => {
      connections.delete(conn);
      limiter.release(ip);
    });
  };

  const server = options.implicitTls
    ? tls.createServer({ key: options.tls.key, cert: options.tls.cert }, (s) => accept(s, true))
    : net.createServer((s) => accept(s, false));
  server.on('tlsClientError', (e: Error) => opts.log.debug({ err: e }, 'pop3s handshake failed'));

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address() as AddressInfo;
  const name = options.implicitTls ? 'pop3s' : 'pop3'; // app/ logs the listening line

  return {
    name,
    address,
    async close() {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      const sessions = [...connections];
      for (const c of sessions) c.shutdown();
      await Promise.all(sessions.map((c) => c.finished));
      await closed;
    },
  };
}
