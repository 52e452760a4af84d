/**
 * The SMTP listener: port 25 (mode 'mx'), 587 (mode 'submission', STARTTLS) and 465
 * (mode 'submission', implicitTls). Accepts connections, enforces the total and per-address
 * connection limits (421 4.7.0; one limiter shared by the SMTP listeners of a process), runs one Session per connection, and on close() tells every
 * session goodbye (421 4.3.2) after letting a message being committed finish.
 */
import net from 'node:net';
import tls from 'node:tls';
import type { AddressInfo } from 'node:net';
import type { RunningServer } from '../types.js';
import { formatReply } from '../../protocol/smtp/reply.js';
import type { ResolvedOptions, SmtpServerOptions } from './options.js';
import { AuthFailureTracker } from '../../mail/authenticate.js';
import { Session } from './session.js';
import { ConnectionLimiter } from '../shared/limiter.js';

export type { SmtpServerOptions } from './options.js';

function resolve(o: SmtpServerOptions): ResolvedOptions {
  return {
    ...o,
    name: o.name ?? (o.mode === 'mx' ? 'smtp' : o.implicitTls ? 'submissions' : 'submission'),
    timeouts: { command: 5 * 60_000, data: 3 * 60_000, ...o.timeouts },
    maxErrors: o.maxErrors ?? 20,
    maxConnections: o.maxConnections ?? 1000,
    maxAuthFailures: o.maxAuthFailures ?? 5,
    lineLengthTolerance: o.lineLengthTolerance ?? 0,
    greetingDelayMs: o.greetingDelayMs ?? 0,
    authTracker: o.authTracker ?? new AuthFailureTracker(),
    closeGraceMs: o.closeGraceMs ?? 10_000,
    spillThreshold: o.spillThreshold ?? 1024 * 1024,
  };
}

export async function startSmtpServer(options: SmtpServerOptions): Promise<RunningServer> {
  const opts = resolve(options);
  const secureContext = tls.createSecureContext({ key: opts.tls.key, cert: opts.tls.cert });
  const sessions = new Set<Session>();
  const limiter = options.connectionLimiter ?? new ConnectionLimiter(opts.maxConnections, opts.maxConnectionsPerIp);

  const onConnection = (socket: net.Socket): void => {
    socket.setNoDelay(true);
    const ip = (socket.remoteAddress ?? '').replace(/^::ffff:/, '');
    const slot = limiter.tryAcquire(ip);
    if (slot !== 'ok') {
      // Postfix's anvil answers the same: 421 4.7.0, then the connection is closed
      const why = slot === 'per-ip' ? 'Too many connections from your address' : 'Too many connections';
      socket.on('error', () => {});
      socket.end(formatReply(421, '4.7.0', `${opts.hostname} ${why}, try again later`));
      setTimeout(() => socket.destroy(), 1000).unref();
      return;
    }
    const session = new Session(opts, socket, secureContext);
    sessions.add(session);
    socket.once('close', () => {
      sessions.delete(session);
      limiter.release(ip);
    });
    void session.run();
  };

  const server = opts.implicitTls
    ? tls.createServer({ key: opts.tls.key, cert: opts.tls.cert }, onConnection)
    : net.createServer(onConnection);
  server.on('tlsClientError', () => {});
  await new Promise<void>((resolveListen, reject) => {
    server.once('error', reject);
    server.listen(opts.port, opts.host, () => {
      server.off('error', reject);
      resolveListen();
    });
  });
  // app/ logs the "listening on" line for every listener

  return {
    name: opts.name,
    address: server.address() as AddressInfo,
    async close() {
      const closed = new Promise<void>((r) => server.close(() => r()));
      for (const s of sessions) s.shutdown();
      const deadline = Date.now() + opts.closeGraceMs;
      while (sessions.size > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
      for (const s of sessions) s.destroy();
      await closed;
    },
  };
}
