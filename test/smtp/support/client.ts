/** A bare SMTP test client over a real socket: write lines, await replies (parsed with the
 *  codec's ReplyParser), upgrade to TLS. Transcript tests read like `C:`/`S:` lines. */
import net from 'node:net';
import tls from 'node:tls';
import assert from 'node:assert/strict';
import { ReplyParser, type Reply } from '../../../src/protocol/smtp/reply.js';

export class SmtpClient {
  private parser = new ReplyParser();
  private replies: Reply[] = [];
  private waiters: Array<() => void> = [];
  closed = false;

  private constructor(private socket: net.Socket) {
    this.listen(socket);
  }

  static async connect(port: number, opts: { tls?: boolean; host?: string } = {}): Promise<SmtpClient> {
    const host = opts.host ?? '127.0.0.1';
    const socket = opts.tls ? tls.connect({ port, host, rejectUnauthorized: false }) : net.connect({ port, host });
    await new Promise<void>((resolve, reject) => {
      socket.once(opts.tls ? 'secureConnect' : 'connect', () => resolve());
      socket.once('error', reject);
    });
    return new SmtpClient(socket);
  }

  private listen(s: net.Socket): void {
    s.on('data', (d: Buffer) => {
      this.replies.push(...this.parser.push(d));
      this.notify();
    });
    s.on('close', () => {
      this.closed = true;
      this.notify();
    });
    s.on('error', () => {});
  }

  private notify(): void {
    const w = this.waiters;
    this.waiters = [];
    for (const f of w) f();
  }

  write(data: string | Buffer): void {
    this.socket.write(data);
  }

  send(line: string): void {
    this.socket.write(`${line}\r\n`);
  }

  async reply(timeoutMs = 5000): Promise<Reply> {
    const deadline = Date.now() + timeoutMs;
    while (this.replies.length === 0) {
      if (this.closed) throw new Error('connection closed while waiting for a reply');
      if (Date.now() > deadline) throw new Error('timed out waiting for a reply');
      await new Promise<void>((r) => {
        this.waiters.push(r);
        setTimeout(r, 50);
      });
    }
    return this.replies.shift()!;
  }

  /** Awaits one reply and checks it against e.g. '250 2.1.5' or /^550 5\.1\.1 /. Returns its text. */
  async expect(want: string | RegExp): Promise<string> {
    const r = await this.reply();
    const line = `${r.code}${r.enhanced ? ` ${r.enhanced}` : ''} ${r.lines.join('\n')}`;
    if (typeof want === 'string') assert.ok(line.startsWith(want), `expected ${want}…, got ${line}`);
    else assert.match(line, want);
    return line;
  }

  async cmd(line: string, want: string | RegExp): Promise<string> {
    this.send(line);
    return this.expect(want);
  }

  /** STARTTLS already answered 220: wrap the socket. */
  async upgrade(): Promise<void> {
    const secure = tls.connect({ socket: this.socket, rejectUnauthorized: false });
    await new Promise<void>((resolve, reject) => {
      secure.once('secureConnect', () => resolve());
      secure.once('error', reject);
    });
    this.socket.removeAllListeners('data');
    this.socket = secure;
    this.parser = new ReplyParser();
    this.listen(secure);
  }

  /** Resolves when the server has closed the connection. */
  async closedByServer(timeoutMs = 5000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!this.closed) {
      if (Date.now() > deadline) throw new Error('server did not close the connection');
      await new Promise((r) => setTimeout(r, 20));
    }
  }

  close(): void {
    this.socket.destroy();
  }
}
