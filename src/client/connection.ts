/**
 * One client connection to a mail server: TCP or implicit TLS, upgraded by STARTTLS/STLS,
 * with an awaitable read side the protocol clients drive (`next()` gives the next chunk).
 *
 * Invariants:
 *  - Certificates are verified (chain and host name) unless `insecure`; a failure names the
 *    certificate's subject and issuer and says `--insecure` accepts it.
 *  - Bytes received before a STARTTLS upgrade and not yet consumed are dropped at the
 *    upgrade (RFC 3207 §6, RFC 2595 §3.1, RFC 3501 §6.2.1: no plaintext injection).
 *  - Every failure to reach or keep the server is a ClientError('connect') naming host:port.
 */
import net from 'node:net';
import tls from 'node:tls';
import { ClientError } from './errors.js';

export interface ConnectOptions {
  host: string;
  port: number;
  /** TLS from the first byte (ports 465, 993, 995; RFC 8314). */
  implicitTls: boolean;
  /** Accept a certificate that does not verify. */
  insecure: boolean;
  /** Connect and read timeout in ms. */
  timeoutMs: number;
}

export class Connection {
  private socket: net.Socket;
  private queue: Buffer[] = [];
  private waiter: { resolve: (b: Buffer) => void; reject: (e: Error) => void } | null = null;
  private failure: Error | null = null;
  private tlsOn: boolean;

  private constructor(
    private readonly opts: ConnectOptions,
    socket: net.Socket,
  ) {
    this.socket = socket;
    this.tlsOn = opts.implicitTls;
    this.attach(socket);
  }

  static async open(opts: ConnectOptions): Promise<Connection> {
    const plain = await connectTcp(opts);
    const socket = opts.implicitTls ? await wrapTls(plain, opts) : plain;
    return new Connection(opts, socket);
  }

  get where(): string {
    return `${this.opts.host}:${this.opts.port}`;
  }

  get secure(): boolean {
    return this.tlsOn;
  }

  write(data: string | Buffer): void {
    this.socket.write(data);
  }

  /** The next chunk of received bytes; rejects when the connection failed or closed. */
  next(): Promise<Buffer> {
    const b = this.queue.shift();
    if (b) return Promise.resolve(b);
    if (this.failure) return Promise.reject(this.failure);
    return new Promise((resolve, reject) => {
      this.waiter = { resolve, reject };
    });
  }

  /** Upgrades to TLS after the server agreed to STARTTLS/STLS. */
  async startTls(): Promise<void> {
    this.queue = []; // RFC 3207 §6: discard anything the server sent before the handshake
    this.socket.removeAllListeners('data');
    this.socket.removeAllListeners('error');
    this.socket.removeAllListeners('close');
    this.socket.removeAllListeners('timeout');
    this.socket = await wrapTls(this.socket, this.opts);
    this.tlsOn = true;
    this.attach(this.socket);
  }

  close(): void {
    this.socket.destroy();
  }

  private attach(s: net.Socket): void {
    s.setNoDelay(true); // a command line and its literal go out at once, not after a delayed ACK
    s.setTimeout(this.opts.timeoutMs);
    s.on('data', (b: Buffer) => {
      if (this.waiter) {
        const w = this.waiter;
        this.waiter = null;
        w.resolve(b);
      } else this.queue.push(b);
    });
    const fail = (e: Error) => {
      this.failure ??= e;
      if (this.waiter) {
        const w = this.waiter;
        this.waiter = null;
        w.reject(this.failure);
      }
    };
    s.on('error', (e: NodeJS.ErrnoException) => fail(connectError(e, this.opts)));
    s.on('close', () => fail(new ClientError('connect', `connection to ${this.where} was closed by the server`)));
    s.on('timeout', () => {
      fail(new ClientError('connect', `no answer from ${this.where} within ${this.opts.timeoutMs / 1000} s`));
      s.destroy();
    });
  }
}

function connectError(e: NodeJS.ErrnoException, o: ConnectOptions): ClientError {
  const where = `${o.host}:${o.port}`;
  switch (e.code) {
    case 'ECONNREFUSED':
      return new ClientError('connect', `connection refused by ${where} (is the server running, is the port right?)`);
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return new ClientError('connect', `host not found: ${o.host}`);
    case 'ETIMEDOUT':
      return new ClientError('connect', `timed out connecting to ${where}`);
    case 'EHOSTUNREACH':
    case 'ENETUNREACH':
      return new ClientError('connect', `${where} is unreachable`);
    default:
      return new ClientError('connect', `connection to ${where} failed: ${e.message}`);
  }
}

function connectTcp(o: ConnectOptions): Promise<net.Socket> {
  return new Promise((resolve, reject) => {
    const s = net.connect({ host: o.host, port: o.port });
    s.setTimeout(o.timeoutMs, () => {
      s.destroy();
      reject(new ClientError('connect', `timed out connecting to ${o.host}:${o.port}`));
    });
    s.once('connect', () => {
      s.removeAllListeners('error');
      s.setTimeout(0);
      resolve(s);
    });
    s.once('error', (e) => reject(connectError(e, o)));
  });
}

/** TLS over `socket`; verifies the chain and the host name itself so it can say why not. */
function wrapTls(socket: net.Socket, o: ConnectOptions): Promise<tls.TLSSocket> {
  return new Promise((resolve, reject) => {
    const servername = net.isIP(o.host) ? undefined : o.host;
    const t = tls.connect({ socket, servername, rejectUnauthorized: false });
    t.setTimeout(o.timeoutMs, () => {
      t.destroy();
      reject(new ClientError('connect', `TLS handshake with ${o.host}:${o.port} timed out`));
    });
    t.once('error', (e: NodeJS.ErrnoException) => reject(new ClientError('tls', `TLS with ${o.host}:${o.port} failed: ${e.message}`)));
    t.once('secureConnect', () => {
      t.removeAllListeners('error');
      t.setTimeout(0);
      if (!o.insecure) {
        const cert = t.getPeerCertificate();
        const problem = t.authorized ? tls.checkServerIdentity(o.host, cert)?.message : String(t.authorizationError);
        if (problem) {
          t.destroy();
          reject(new ClientError('tls', certificateMessage(o, cert, problem)));
          return;
        }
      }
      resolve(t);
    });
  });
}

function certificateMessage(o: ConnectOptions, cert: tls.PeerCertificate, problem: string): string {
  const name = (x: tls.Certificate | undefined) => (x ? Object.entries(x).map(([k, v]) => `${k}=${String(v)}`).join(', ') : 'unknown');
  const alt = cert.subjectaltname ? ` (${cert.subjectaltname})` : '';
  return (
    `the certificate of ${o.host}:${o.port} is not trusted: ${problem}\n` +
    `  issued to: ${name(cert.subject)}${alt}\n  issued by: ${name(cert.issuer)}\n` +
    `  use --insecure to accept it anyway`
  );
}

/** True for addresses of this machine, where a password may travel without TLS. */
export function isLoopback(host: string): boolean {
  const h = host.toLowerCase().replace(/^\[|\]$/g, '');
  return h === 'localhost' || h === '::1' || /^127\.\d+\.\d+\.\d+$/.test(h) || h === '::ffff:127.0.0.1';
}
