/**
 * IMAP test harness: a server on port 0 over a store (in-memory by default), an account
 * `alice@example.test` / `correct horse battery`, and a transcript client that sends a
 * command and returns every line up to its tagged response (literals inlined), so tests
 * assert what a client sees on the wire.
 */
import net from 'node:net';
import tls from 'node:tls';
import assert from 'node:assert/strict';
import { generate } from 'selfsigned';
import { hashPassword } from '../../../src/auth/password.js';
import { silentLogger } from '../../../src/lib/log.js';
import { ChangeBus } from '../../../src/mail/changes.js';
import { AuthFailureTracker } from '../../../src/mail/auth-failures.js';
import { startImapServer, type ImapServerOptions } from '../../../src/server/imap/index.js';
import type { RunningServer, TlsMaterial } from '../../../src/server/types.js';
import type { Account, Store } from '../../../src/store/types.js';
import { memoryStore } from './memory-store.js';
import { appendMessage } from '../../../src/mail/deliver.js';
import { openStore } from '../../../src/store/open.js';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { pgBaseUrl } from '../../support/pg.js';

export const USER = 'alice@example.test';
export const PASS = 'correct horse battery';

let tlsMaterial: Promise<TlsMaterial> | null = null;
export function testTls(): Promise<TlsMaterial> {
  // RSA: keyType 'ec' fails in selfsigned 5.5.
  tlsMaterial ??= generate([{ name: 'commonName', value: 'localhost' }], { keySize: 2048 }).then((p) => ({ key: p.private, cert: p.cert }));
  return tlsMaterial;
}

let hash: Promise<string> | null = null;

export interface TestServer {
  server: RunningServer;
  port: number;
  store: Store;
  bus: ChangeBus;
  account: Account;
  inboxId: number;
  /** Delivers a message to a mailbox of alice (INBOX by default). */
  deliver(raw: string, opts?: { mailbox?: string; flags?: string[]; internalDate?: number }): Promise<number>;
  connect(opts?: { tls?: boolean; login?: boolean }): Promise<ImapClient>;
  close(): Promise<void>;
}

/** Which store the tests run on: IMAP_TEST_STORE=memory|sqlite|postgres (default sqlite, in a
 *  temp folder; postgres in a schema of its own, dropped at close). */
async function defaultStore(): Promise<{ store: Store; cleanup: () => void | Promise<void> }> {
  if (process.env.IMAP_TEST_STORE === 'memory') return { store: memoryStore(), cleanup: () => {} };
  if (process.env.IMAP_TEST_STORE === 'postgres') return pgTestStore();
  const dir = mkdtempSync(join(tmpdir(), 'posthorn-imap-'));
  const store = await openStore({ url: `sqlite:${join(dir, 'posthorn.db')}`, dataDir: dir });
  return { store, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

/** A PostgreSQL store in a fresh schema of the test database; cleanup drops the schema.
 *  Callers check pgAvailable() first. */
export async function pgTestStore(): Promise<{ store: Store; cleanup: () => Promise<void> }> {
  const schema = `imap_${randomBytes(6).toString('hex')}`;
  const store = await openStore({ url: `${pgBaseUrl()}?schema=${schema}`, dataDir: '/nonexistent' });
  return {
    store,
    async cleanup() {
      const c = new pg.Client({ connectionString: pgBaseUrl() });
      await c.connect();
      await c.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`).finally(() => c.end());
    },
  };
}

export async function startTestServer(opts: { store?: Store; server?: Partial<ImapServerOptions> } = {}): Promise<TestServer> {
  const { store, cleanup } = opts.store ? { store: opts.store, cleanup: () => {} } : await defaultStore();
  const bus = new ChangeBus(store.events);
  hash ??= hashPassword(PASS);
  if (!(await store.directory.isLocalDomain('example.test').catch(() => true))) await store.directory.addDomain('example.test');
  const account = (await store.directory.getAccount(USER)) ?? (await store.directory.addAccount({ address: USER, passwordHash: await hash }));
  const inbox = await store.mail.getMailbox(account.id, 'INBOX');
  assert.ok(inbox);
  const server = await startImapServer({
    host: '127.0.0.1', port: 0, implicitTls: false, hostname: 'imap.example.test', tls: await testTls(), store, bus,
    log: silentLogger, allowPlaintextOnLoopback: true,
    authFailures: new AuthFailureTracker({ baseDelayMs: 1, maxDelayMs: 2 }), ...opts.server,
  });
  const clients: ImapClient[] = [];
  const t: TestServer = {
    server, port: server.address.port, store, bus, account, inboxId: inbox.id,
    async deliver(raw, o = {}) {
      const box = await store.mail.getMailbox(account.id, o.mailbox ?? 'INBOX');
      assert.ok(box, `mailbox ${o.mailbox}`);
      const res = await appendMessage({ store, bus }, box, Buffer.from(raw.replace(/\r?\n/g, '\r\n')), { flags: o.flags, internalDate: o.internalDate });
      return res.uid;
    },
    async connect(o = {}) {
      const c = await ImapClient.connect(t.port, o.tls ?? false);
      clients.push(c);
      if (o.login !== false) await c.ok(`LOGIN "${USER}" "${PASS}"`);
      return c;
    },
    async close() {
      for (const c of clients) c.destroy();
      await server.close();
      bus.close();
      await store.close();
      await cleanup();
    },
  };
  return t;
}

/** A minimal IMAP client for transcripts: lines in, literals inlined as `{n}\r\n<bytes>`. */
export class ImapClient {
  private buf = Buffer.alloc(0);
  private waiters: Array<() => void> = [];
  private tagN = 0;
  greeting = '';
  closed = false;

  private constructor(public socket: net.Socket) {
    this.attach(socket);
  }

  static async connect(port: number, implicitTls: boolean): Promise<ImapClient> {
    const socket = implicitTls
      ? tls.connect({ port, host: '127.0.0.1', rejectUnauthorized: false })
      : net.connect({ port, host: '127.0.0.1' });
    await new Promise((resolve, reject) => {
      socket.once(implicitTls ? 'secureConnect' : 'connect', resolve);
      socket.once('error', reject);
    });
    const c = new ImapClient(socket);
    c.greeting = await c.line();
    return c;
  }

  private attach(s: net.Socket): void {
    s.on('data', (d: Buffer) => {
      this.buf = Buffer.concat([this.buf, d]);
      this.wake();
    });
    s.on('close', () => {
      this.closed = true;
      this.wake();
    });
    s.on('error', () => undefined);
  }

  private wake(): void {
    const w = this.waiters;
    this.waiters = [];
    for (const f of w) f();
  }

  private async more(): Promise<void> {
    if (this.closed) throw new Error(`connection closed; pending: ${this.buf.toString('latin1')}`);
    await new Promise<void>((resolve, reject) => {
      const t = setTimeout(() => reject(new Error(`timeout; pending: ${this.buf.toString("latin1")}`)), 15000);
      this.waiters.push(() => { clearTimeout(t); resolve(); });
    });
  }

  /** One response line with any literals inlined (without the final CRLF). */
  async line(): Promise<string> {
    let start = 0;
    for (;;) {
      const lf = this.buf.indexOf(0x0a, start);
      if (lf === -1) { await this.more(); continue; }
      const m = /\{(\d+)\}\r\n$/.exec(this.buf.toString('latin1', Math.max(start, lf - 24), lf + 1));
      if (m) {
        const need = lf + 1 + Number(m[1]);
        while (this.buf.length < need) await this.more();
        start = need;
        continue;
      }
      const out = this.buf.toString('utf8', 0, lf + 1).replace(/\r\n$/, '');
      this.buf = this.buf.subarray(lf + 1);
      return out;
    }
  }

  write(s: string | Buffer): void {
    this.socket.write(s);
  }

  /** Sends `tag command` and returns all lines through the tagged response (last). */
  async send(command: string, tag = `t${++this.tagN}`): Promise<string[]> {
    this.write(`${tag} ${command}\r\n`);
    return this.until(tag);
  }

  async until(tag: string): Promise<string[]> {
    const lines: string[] = [];
    for (;;) {
      const l = await this.line();
      lines.push(l);
      if (l.startsWith(tag + ' ')) return lines;
    }
  }

  /** send() and assert the tagged status is OK; returns the untagged lines. */
  async ok(command: string): Promise<string[]> {
    const lines = await this.send(command);
    const last = lines[lines.length - 1];
    assert.match(last, /^\S+ OK/, `${command} → ${lines.join('\n')}`);
    return lines.slice(0, -1);
  }

  async startTls(): Promise<void> {
    const lines = await this.send('STARTTLS');
    assert.match(lines[lines.length - 1], /OK/);
    this.socket.removeAllListeners('data');
    const secure = tls.connect({ socket: this.socket, rejectUnauthorized: false });
    await new Promise((resolve) => secure.once('secureConnect', resolve));
    this.socket = secure;
    this.attach(secure);
  }

  destroy(): void {
    this.socket.destroy();
  }
}

/** Asserts that every pattern matches some line, in order. */
export function expectLines(lines: string[], patterns: RegExp[]): void {
  let i = 0;
  for (const p of patterns) {
    while (i < lines.length && !p.test(lines[i])) i++;
    assert.ok(i < lines.length, `no line matching ${p} (in order) in:\n${lines.join('\n')}`);
    i++;
  }
}
