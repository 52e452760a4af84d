/**
 * One IMAP connection: the socket (plain, upgraded by STARTTLS, or TLS from the first byte),
 * the receiver, and the session state. Commands run strictly one after another in arrival
 * order; the socket is paused while more than a few are waiting (a command flood costs
 * bounded memory) and while the peer does not read our output.
 *
 * Invariants:
 *  - Untagged updates about other sessions' changes are written only by dispatch.ts (at the
 *    legal points) and by IDLE.
 *  - After STARTTLS, nothing received before the handshake is used (RFC 3501 §6.2.1).
 *  - Autologout: RFC 3501 §5.4 — at least 30 minutes of inactivity once authenticated. The
 *    connection only notes when it last heard from the client; the server's one sweep timer
 *    (index.ts) calls sweep(), so 10,000 idle sessions hold no timer each and a data chunk
 *    costs no clearTimeout/setTimeout.
 *  - Output is gathered and written in one piece (one socket write, one syscall, instead of one
 *    per response line): when the command ends (with its tagged response: most commands cost
 *    one write), once OUT_FLUSH octets are waiting, and on the next event-loop turn for writes
 *    outside a command (IDLE updates, NOTIFY's work between commands is flushed after it).
 *    Order is kept: every write goes through the same buffer.
 */
import type { Socket } from 'node:net';
import { TLSSocket, type SecureContext } from 'node:tls';
import { ImapReceiver, DEFAULT_LIMITS, type ReceiverEvent, type ReceiverLimits } from '../../protocol/imap/receiver.js';
import type { Out } from '../../protocol/imap/writer.js';
import { capabilities } from './capabilities.js';
import { DeflateLayer } from './compress.js';
import { socketDrained } from './drain.js';
import { dispatch, renderCompletion, toCompletion, tooBig } from './dispatch.js';
import type { Completion, Ctx, NotifyRegistration, ServerEnv, SessionState } from './types.js';

const MAX_QUEUED = 16;
/** Waiting output above which it is written at once (keeps a large FETCH streaming). */
const OUT_FLUSH = 64 * 1024;

export interface ConnectionOptions {
  env: ServerEnv;
  secureContext: SecureContext;
  limits: ReceiverLimits;
  idleTimeoutMs: number;
  preAuthTimeoutMs: number;
  onClose: (c: Connection) => void;
}

export class Connection implements Ctx {
  state: SessionState = { kind: 'not-authenticated' };
  readonly enabled = new Set<string>();
  savedSearch: number[] = [];
  onIdleChange: (() => void) | null = null;
  notify: NotifyRegistration | null = null;
  readonly env: ServerEnv;
  readonly remoteAddress: string;
  readonly loopback: boolean;
  private socket: Socket;
  private receiver: ImapReceiver;
  private readonly queue: ReceiverEvent[] = [];
  /** Work that must run between commands (NOTIFY deliveries), before the next command. */
  private readonly deferred: Array<() => Promise<void>> = [];
  busy = false;
  private lineHandler: ((line: Buffer) => Promise<Completion | 'pending'>) | null = null;
  private pendingTag = '';
  /** Date.now() when the client last sent something (or the connection opened). */
  private lastActive = Date.now();
  /** Date.now() of the last IDLE poll (or when IDLE began). */
  private idlePolled = 0;
  private closed = false;
  /** RFC 4978 COMPRESS=DEFLATE, once the client turned it on (compress.ts). */
  private deflate: DeflateLayer | null = null;
  /** Output not yet handed to the socket, and its size in octets (strings: UTF-16 units). */
  private out: Array<string | Buffer> = [];
  private outSize = 0;
  private flushQueued = false;

  constructor(socket: Socket, readonly tls: boolean, private readonly opts: ConnectionOptions) {
    this.env = opts.env;
    this.socket = socket;
    this.remoteAddress = socket.remoteAddress ?? '';
    this.loopback = /^(127\.|::1$|::ffff:127\.)/.test(this.remoteAddress);
    this.receiver = new ImapReceiver({ ...DEFAULT_LIMITS, ...opts.limits });
    this.attach(socket);
  }

  get utf8(): boolean {
    return this.enabled.has('UTF8=ACCEPT') || this.enabled.has('IMAP4REV2');
  }

  /** RFC 3501 §7.1.1 greeting with the capability list. */
  greet(): void {
    this.write(`* OK [CAPABILITY ${this.capabilities().join(' ')}] ${this.env.hostname} Posthorn IMAP ready\r\n`);
    this.touch();
  }

  capabilities(): string[] {
    return capabilities(this);
  }

  plaintextAllowed(): boolean {
    return this.tls || (this.loopback && this.env.allowPlaintextOnLoopback);
  }

  untagged(line: string | Out): void {
    if (typeof line === 'string') this.write(`* ${line}\r\n`);
    else this.writeParts(['* ', ...line.parts, '\r\n']);
  }

  /** Output beyond OUT_FLUSH was handed to the socket as it was written (queueOut); less
   *  stays gathered for the command's one write, so this only waits for the socket. */
  async drain(): Promise<void> {
    if (this.deflate) return this.deflate.drained();
    return socketDrained(this.socket);
  }

  untaggedMany(lines: string[]): void {
    if (lines.length > 0) this.write(`* ${lines.join('\r\n* ')}\r\n`);
  }

  continuation(text: string): void {
    this.write(`+ ${text}\r\n`);
  }

  between(fn: () => Promise<void>): void {
    this.deferred.push(fn);
    void this.pump();
  }

  awaitLine(fn: (line: Buffer) => Promise<Completion | 'pending'>): void {
    this.lineHandler = fn;
  }

  async startTls(tag: string): Promise<void> {
    this.write(`${tag} OK Begin TLS negotiation now\r\n`);
    this.flush();
    const plain = this.socket;
    plain.removeAllListeners('data');
    this.receiver.reset();
    this.queue.length = 0;
    const secure = new TLSSocket(plain, { isServer: true, secureContext: this.opts.secureContext });
    const ok = await new Promise<boolean>((resolve) => {
      // a client that never starts the handshake is dropped like one that never logs in
      const deadline = setTimeout(() => secure.destroy(), this.opts.preAuthTimeoutMs);
      const settle = (done: boolean) => { clearTimeout(deadline); resolve(done); };
      secure.once('secure', () => settle(true));
      secure.once('error', () => settle(false));
      secure.once('close', () => settle(false));
    });
    if (!ok) {
      plain.destroy(); // its 'close' listener ends the session
      return;
    }
    this.socket = secure;
    (this as { tls: boolean }).tls = true;
    this.attach(secure);
  }

  get compressed(): boolean {
    return this.deflate !== null;
  }

  /** RFC 4978 §3: the tagged OK uncompressed, then DEFLATE both ways from the next octet. */
  startCompression(tag: string): void {
    this.write(`${tag} OK DEFLATE active\r\n`);
    this.flush();
    // The client may send nothing before it has seen the OK (§3): nothing received is kept.
    this.receiver.reset();
    this.queue.length = 0;
    this.deflate = new DeflateLayer(this.socket, (chunk) => this.received(chunk), () => this.socket.destroy());
  }

  /** Ends the session: optional BYE, then close. */
  close(bye?: string): void {
    if (this.closed) return;
    this.closed = true;
    if (bye) this.write(`* BYE ${bye}\r\n`);
    this.flush();
    this.state = { kind: 'logout' };
    this.cleanup();
    if (this.deflate) this.deflate.finish(() => this.socket.end());
    else this.socket.end();
    setTimeout(() => this.socket.destroy(), 2000).unref();
  }

  private cleanup(): void {
    const st = this.state as SessionState;
    if (st.kind === 'selected') st.mailbox.close();
    this.lineHandler = null;
    this.onIdleChange = null;
    this.notify?.stop();
    this.notify = null;
    this.opts.onClose(this);
  }

  private attach(socket: Socket): void {
    socket.on('data', (chunk: Buffer) => this.received(chunk));
    socket.on('error', () => socket.destroy());
    socket.on('close', () => {
      if (!this.closed) {
        this.closed = true;
        const st = this.state;
        this.state = { kind: 'logout' };
        if (st.kind === 'selected') st.mailbox.close();
        this.cleanup();
      }
    });
  }

  /** Octets from the peer (inflated when COMPRESS is on). */
  private received(chunk: Buffer): void {
    this.touch();
    for (const ev of this.receiver.push(chunk)) this.queue.push(ev);
    if (this.queue.length > MAX_QUEUED) this.socket.pause();
    void this.pump();
  }

  private async pump(): Promise<void> {
    if (this.busy) return;
    this.busy = true;
    try {
      while ((this.queue.length > 0 || this.deferred.length > 0) && !this.closed) {
        const job = this.deferred.shift();
        if (job) {
          await job().catch((err: unknown) => this.env.log.warn({ err }, 'imap notification failed'));
          this.flush();
          continue;
        }
        const ev = this.queue.shift() as ReceiverEvent;
        if (ev.type === 'continue') this.continuation('Ready for literal data');
        else if (ev.type === 'too-big') this.write(tooBig(ev.tag, ev.what));
        else await this.command(ev.data);
        this.flush(); // the command's output, tagged response included, in one write
        await this.drain();
        this.touch(); // RFC 3501 §5.4: the client's idle time starts from our answer
        if (this.queue.length <= MAX_QUEUED / 2) this.socket.resume();
      }
    } catch (err) {
      this.env.log.error({ err }, 'imap connection failed');
      this.close('Internal server error');
    } finally {
      this.busy = false;
      this.flush();
    }
  }

  private async command(data: Buffer): Promise<void> {
    if (this.lineHandler) {
      const fn = this.lineHandler;
      this.lineHandler = null;
      const done = await fn(data).catch((err: unknown) => toCompletion(this, err));
      if (done !== 'pending') await this.finish(this.pendingTag, done);
      return;
    }
    await dispatch(this, data, (tag, done) => this.finish(tag, done));
  }

  private async finish(tag: string, done: Completion | 'pending'): Promise<void> {
    this.pendingTag = tag;
    if (done === 'pending') return;
    if (this.closed) return;
    this.write(renderCompletion(tag, done));
    if (this.state.kind === 'logout') this.close();
  }

  private touch(): void {
    this.lastActive = Date.now();
  }

  /** Called by the server's sweep timer: ends the session once it has been quiet too long,
   *  and polls the store for an idling session (commands/idle.ts). */
  sweep(now: number): void {
    const ms = this.state.kind === 'not-authenticated' ? this.opts.preAuthTimeoutMs : this.opts.idleTimeoutMs;
    if (now - this.lastActive >= ms) {
      // A command still running is the server's silence, not the client's (pump() restarts
      // the clock when it ends) — unless the client has stopped reading our answer.
      if (this.busy && this.socket.writableLength === 0) return;
      this.close('Autologout; idle for too long');
      return;
    }
    if (!this.onIdleChange) {
      this.idlePolled = now;
    } else if (now - this.idlePolled >= this.env.idlePollMs) {
      // A lost bus event must not leave an idling client unaware for long (Dovecot polls too).
      this.idlePolled = now;
      if (this.state.kind === 'selected') this.state.mailbox.dirty = true;
      this.onIdleChange();
    }
  }

  write(s: string): void {
    this.queueOut(s);
  }

  private writeParts(parts: Array<string | Buffer>): void {
    for (const p of parts) this.queueOut(p);
  }

  private queueOut(p: string | Buffer): void {
    if (this.socket.destroyed || !this.socket.writable) return;
    this.out.push(p);
    this.outSize += p.length;
    if (this.outSize >= OUT_FLUSH) this.flush();
    else if (!this.flushQueued && !this.busy) { // pump() flushes what a command writes
      this.flushQueued = true;
      setImmediate(() => {
        this.flushQueued = false;
        this.flush();
      });
    }
  }

  /** Hands the waiting output to the socket (or the DEFLATE layer) in one write. */
  private flush(): void {
    if (this.out.length === 0) return;
    const parts = this.out;
    this.out = [];
    this.outSize = 0;
    if (this.socket.destroyed || !this.socket.writable) return;
    const data = parts.length === 1 ? (parts[0] as string | Buffer)
      : parts.every((p) => typeof p === 'string') ? parts.join('') : concatParts(parts);
    if (this.deflate) this.deflate.write(data);
    else this.socket.write(data);
  }
}

/** Text and octets as one Buffer, encoded straight into it (no Buffer per text piece). */
function concatParts(parts: Array<string | Buffer>): Buffer {
  let size = 0;
  for (const p of parts) size += typeof p === 'string' ? Buffer.byteLength(p, 'utf8') : p.length;
  const out = Buffer.allocUnsafe(size);
  let at = 0;
  for (const p of parts) at += typeof p === 'string' ? out.write(p, at, 'utf8') : p.copy(out, at);
  return out;
}
