/**
 * POP3 test harness: a server on port 0 over a given store, a self-signed certificate made
 * once per test process, helpers to add accounts and put messages in an INBOX, and a small
 * transcript client (send a line, expect a reply pattern) over a real socket.
 */
import net from 'node:net';
import tls from 'node:tls';
import { generate } from 'selfsigned';
import { hashPassword } from '../../../src/auth/password.js';
import { silentLogger } from '../../../src/lib/log.js';
import { AuthFailureTracker } from '../../../src/mail/authenticate.js';
import { ChangeBus } from '../../../src/mail/changes.js';
import { startPop3Server, type Pop3ServerOptions } from '../../../src/server/pop3/index.js';
import type { RunningServer, TlsMaterial } from '../../../src/server/types.js';
import type { Account, Store } from '../../../src/store/types.js';

let tlsMaterial: Promise<TlsMaterial> | null = null;
export function testTls(): Promise<TlsMaterial> {
  // RSA: keyType 'ec' fails in selfsigned 5.5 ("Cannot get schema for 'AlgorithmIdentifier'")
  tlsMaterial ??= generate([{ name: 'commonName', value: 'localhost' }], { keySize: 2048 }).then((p) => ({ key: p.private, cert: p.cert }));
  return tlsMaterial;
}

export interface TestServer {
  server: RunningServer;
  port: number;
  store: Store;
  bus: ChangeBus;
  close(): Promise<void>;
}

export async function startTestServer(store: Store, overrides: Partial<Pop3ServerOptions> = {}): Promise<TestServer> {
  const bus = new ChangeBus(store.events);
  const server = await startPop3Server({
    host: '127.0.0.1', port: 0, implicitTls: false, hostname: 'pop.example.test', tls: await testTls(), store, bus,
    log: silentLogger, allowPlaintextOnLoopback: true,
    authFailures: new AuthFailureTracker({ baseDelayMs: 5, maxDelayMs: 20 }),
    ...overrides,
  });
  return { server, port: server.address.port, store, bus, close: () => server.close() };
}

let hashCache: Promise<string> | null = null;
/** Adds an account with password 'correct horse' (hash computed once per process). */
export async function addUser(store: Store, address: string, apopSecret: string | null = null): Promise<Account> {
  hashCache ??= hashPassword('correct horse');
  const domain = address.slice(address.lastIndexOf('@') + 1);
  if (!(await store.directory.isLocalDomain(domain))) await store.directory.addDomain(domain);
  return store.directory.addAccount({ address, passwordHash: await hashCache, apopSecret });
}

/** Appends `raw` (CRLF lines) to the account's INBOX; returns its UID. */
export async function putInInbox(store: Store, account: Account, raw: string | Buffer): Promise<number> {
  const bytes = typeof raw === 'string' ? Buffer.from(raw, 'utf8') : raw;
  const inbox = await store.mail.getMailbox(account.id, 'INBOX');
  if (!inbox) throw new Error('no INBOX');
  const blobId = await store.blobs.put(bytes);
  const [r] = await store.mail.append([{ mailboxId: inbox.id, message: { blobId, size: bytes.length, internalDate: Date.now(), flags: [], metadata: '{}', searchText: '' } }]);
  return r.uid;
}

export function message(subject: string, body: string): string {
  return `From: sender@example.test\r\nTo: rcpt@example.test\r\nSubject: ${subject}\r\n\r\n${body.replace(/\r?\n/g, '\r\n')}`;
}

/** A line-oriented POP3 client for transcript tests. */
export class Pop3TestClient {
  private buffer = Buffer.alloc(0);
  private waiters: Array<() => void> = [];
  private closed = false;
  greeting = '';

  private constructor(private socket: net.Socket) {
    this.listen(socket);
  }

  static async connect(port: number, opts: { tls?: boolean } = {}): Promise<Pop3TestClient> {
    const socket = opts.tls
      ? tls.connect({ port, host: '127.0.0.1', rejectUnauthorized: false })
      : net.connect({ port, host: '127.0.0.1' });
    const c = new Pop3TestClient(socket);
    c.greeting = await c.line();
    return c;
  }

  get isClosed(): boolean {
    return this.closed;
  }

  send(line: string): void {
    this.socket.write(line + '\r\n');
  }

  writeRaw(data: string | Buffer): void {
    this.socket.write(data);
  }

  /** Sends `line` and checks the one-line reply against `pattern`; returns the reply. */
  async cmd(line: string, pattern: RegExp): Promise<string> {
    this.send(line);
    return this.expect(pattern);
  }

  async expect(pattern: RegExp): Promise<string> {
    const l = await this.line();
    if (!pattern.test(l)) throw new Error(`expected ${pattern}, got ${JSON.stringify(l)}`);
    return l;
  }

  /** Next CRLF line (without CRLF). Rejects if the connection closes first. */
  async line(): Promise<string> {
    for (;;) {
      const i = this.buffer.indexOf('\r\n');
      if (i !== -1) {
        const l = this.buffer.subarray(0, i).toString('utf8');
        this.buffer = this.buffer.subarray(i + 2);
        return l;
      }
      if (this.closed) throw new Error('connection closed');
      await new Promise<void>((r) => this.waiters.push(r));
    }
  }

  /** The body of a multi-line response, un-stuffed, as the exact octets (CRLFs kept). */
  async multiline(): Promise<Buffer> {
    const parts: Buffer[] = [];
    for (;;) {
      const l = await this.lineBytes();
      if (l.length === 3 && l.toString() === '.\r\n') return Buffer.concat(parts);
      parts.push(l[0] === 0x2e ? l.subarray(1) : l);
    }
  }

  async closedByServer(): Promise<void> {
    while (!this.closed) await new Promise<void>((r) => this.waiters.push(r));
  }

  async stls(): Promise<void> {
    await this.cmd('STLS', /^\+OK/);
    const secured = tls.connect({ socket: this.socket, rejectUnauthorized: false });
    this.socket.removeAllListeners('data');
    this.socket.removeAllListeners('close');
    await new Promise<void>((resolve, reject) => { secured.once('secureConnect', resolve); secured.once('error', reject); });
    this.socket = secured;
    this.listen(secured);
  }

  close(): void {
    this.socket.destroy();
  }

  private async lineBytes(): Promise<Buffer> {
    for (;;) {
      const i = this.buffer.indexOf('\r\n');
      if (i !== -1) {
        const l = this.buffer.subarray(0, i + 2);
        this.buffer = this.buffer.subarray(i + 2);
        return l;
      }
      if (this.closed) throw new Error('connection closed');
      await new Promise<void>((r) => this.waiters.push(r));
    }
  }

  private listen(socket: net.Socket): void {
    socket.on('data', (d: Buffer) => { this.buffer = Buffer.concat([this.buffer, d]); this.flush(); });
    socket.on('close', () => { this.closed = true; this.flush(); });
    socket.on('error', () => undefined);
  }

  private flush(): void {
    const w = this.waiters;
    this.waiters = [];
    for (const f of w) f();
  }
}
