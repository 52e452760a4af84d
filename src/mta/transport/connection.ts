/**
 * One TCP (optionally TLS) connection to an SMTP server, as the outbound client sees it:
 * write command bytes, await replies in order (protocol/smtp ReplyParser), upgrade with
 * STARTTLS. No SMTP logic here beyond reply framing.
 *
 * Invariants: replies are handed out strictly in arrival order, one per `reply()` call
 * (pipelining just calls reply() several times); every wait has a timeout; after a socket
 * error, timeout or close every pending and later reply() rejects with a ConnectionError.
 */
import net from 'node:net';
import tls from 'node:tls';
import { ReplyParser, type Reply } from '../../protocol/smtp/reply.js';

export class ConnectionError extends Error {
  constructor(message: string, readonly phase: 'connect' | 'tls' | 'io' | 'timeout') {
    super(message);
    this.name = 'ConnectionError';
  }
}

export interface ConnectOptions {
  address: string;
  port: number;
  connectTimeoutMs: number;
  commandTimeoutMs: number;
  /** Local address to bind (multi-homed hosts, the tests' 127.0.0.x instances). */
  localAddress?: string;
}

export class SmtpConnection {
  private parser = new ReplyParser();
  private replies: Reply[] = [];
  private waiters: Array<{ resolve: (r: Reply) => void; reject: (e: Error) => void; timer: NodeJS.Timeout }> = [];
  private failure: ConnectionError | null = null;
  private socket: net.Socket;
  tls: { protocol: string; cipher: string } | null = null;

  private constructor(socket: net.Socket, private readonly opts: ConnectOptions) {
    this.socket = socket;
    this.attach(socket);
  }

  static connect(opts: ConnectOptions): Promise<SmtpConnection> {
    return new Promise((resolve, reject) => {
      const socket = net.connect({ host: opts.address, port: opts.port, localAddress: opts.localAddress });
      socket.setNoDelay(true);
      const timer = setTimeout(() => {
        socket.destroy();
        reject(new ConnectionError(`connect to ${opts.address}:${opts.port} timed out`, 'timeout'));
      }, opts.connectTimeoutMs);
      socket.once('error', (e) => {
        clearTimeout(timer);
        reject(new ConnectionError(`connect to ${opts.address}:${opts.port}: ${e.message}`, 'connect'));
      });
      socket.once('connect', () => {
        clearTimeout(timer);
        socket.removeAllListeners('error');
        resolve(new SmtpConnection(socket, opts));
      });
    });
  }

  private attach(socket: net.Socket): void {
    socket.on('data', (chunk: Buffer) => {
      let got: Reply[];
      try {
        got = this.parser.push(chunk);
      } catch (e) {
        this.fail(new ConnectionError(`bad reply: ${(e as Error).message}`, 'io'));
        return;
      }
      for (const r of got) {
        const w = this.waiters.shift();
        if (w) {
          clearTimeout(w.timer);
          w.resolve(r);
        } else this.replies.push(r);
      }
    });
    socket.on('error', (e) => this.fail(new ConnectionError(e.message, 'io')));
    socket.on('close', () => this.fail(new ConnectionError('connection closed by the server', 'io')));
  }

  private fail(e: ConnectionError): void {
    this.failure ??= e;
    for (const w of this.waiters.splice(0)) {
      clearTimeout(w.timer);
      w.reject(this.failure);
    }
    this.socket.destroy();
  }

  get alive(): boolean {
    return this.failure === null;
  }

  get remoteAddress(): string {
    return this.opts.address;
  }

  /** The next reply (RFC 5321 §4.5.3.2: each wait bounded by the command timeout). */
  reply(timeoutMs = this.opts.commandTimeoutMs): Promise<Reply> {
    const r = this.replies.shift();
    if (r) return Promise.resolve(r);
    if (this.failure) return Promise.reject(this.failure);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => this.fail(new ConnectionError('timed out waiting for a reply', 'timeout')), timeoutMs);
      this.waiters.push({ resolve, reject, timer });
    });
  }

  write(data: string | Buffer | Buffer[]): void {
    if (this.failure) return;
    if (Array.isArray(data)) {
      this.socket.cork();
      for (const d of data) this.socket.write(d);
      this.socket.uncork();
    } else this.socket.write(data);
  }

  /** RFC 3207 §4: after "220" to STARTTLS, the TLS handshake; SMTP state starts afresh. */
  /** `verify`: check the certificate chain (system roots plus `extraCa`) and that it names
   *  `servername` (RFC 6125); unverified is what opportunistic TLS allows (RFC 7435 §1.3). */
  async startTls(servername: string, verify: boolean, extraCa?: string): Promise<void> {
    const plain = this.socket;
    plain.removeAllListeners('data');
    plain.removeAllListeners('close');
    plain.removeAllListeners('error');
    this.parser = new ReplyParser();
    this.replies = [];
    const secure = await new Promise<tls.TLSSocket>((resolve, reject) => {
      const s = tls.connect({
        socket: plain, host: servername, servername: net.isIP(servername) ? undefined : servername, rejectUnauthorized: verify, minVersion: 'TLSv1.2',
        ...(verify && extraCa ? { ca: [...tls.rootCertificates, extraCa] } : {}),
      });
      const timer = setTimeout(() => { s.destroy(); reject(new ConnectionError('TLS handshake timed out', 'tls')); }, this.opts.connectTimeoutMs);
      s.once('secureConnect', () => { clearTimeout(timer); s.removeAllListeners('error'); resolve(s); });
      s.once('error', (e) => { clearTimeout(timer); reject(new ConnectionError(`TLS handshake failed: ${e.message}`, 'tls')); });
    }).catch((e: ConnectionError) => {
      this.failure = e;
      plain.destroy();
      throw e;
    });
    const c = secure.getCipher();
    this.tls = { protocol: secure.getProtocol() ?? 'TLS', cipher: c.name };
    this.socket = secure;
    this.attach(secure);
  }

  close(): void {
    this.socket.end();
    this.socket.destroy();
    this.failure ??= new ConnectionError('closed', 'io');
  }
}
