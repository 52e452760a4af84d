/**
 * One SMTP conversation: owns the socket (plain, STARTTLS-upgraded or implicit TLS), the
 * input buffer and the session state, and runs the command loop. Commands live in
 * commands/<verb>.ts and use the small API below (reply, readLine, receiveBody, ...).
 * Invariants:
 *  - one command is handled at a time, in the order received (RFC 2920 §3.1); replies are
 *    written when the session next waits for input, so pipelined replies go out together;
 *  - a ProtocolError/CommandError thrown by a command becomes its reply; anything else
 *    becomes 451 4.3.0 and is logged, never shown to the peer;
 *  - every wait for the peer has a timeout (RFC 5321 §4.5.3.2) ending in 421 4.4.2.
 */
import type { Socket } from 'node:net';
import { TLSSocket, type SecureContext } from 'node:tls';
import { ProtocolError } from '../../lib/errors.js';
import { CommandError, parseCommandLine } from '../../protocol/smtp/command.js';
import { formatReply } from '../../protocol/smtp/reply.js';
import { SmtpInput, type LineResult } from '../../protocol/smtp/input.js';
import type { BodyReceiver } from '../../protocol/smtp/body.js';
import type { ResolvedOptions } from './options.js';
import type { SessionState } from './state.js';
import { COMMANDS } from './commands/index.js';
import type { AuthIdentity, SessionApi } from './api.js';

/** RFC 5321 §4.5.3.1.4: a command line is at most 512 octets with CRLF. */
const COMMAND_LINE_MAX = 512;
/** Input buffered while a command runs before the socket is paused. */
const HIGH_WATER = 256 * 1024;
/** RFC 2920 §3.1: commands that can only be the last of a pipelined group; the client waits
 *  for their reply. STARTTLS is in the list too, but what follows it is dropped unread
 *  (startTls, RFC 3207 §4.2) and QUIT ends the session anyway. */
const LAST_IN_GROUP = new Set(['EHLO', 'HELO', 'DATA', 'VRFY', 'EXPN', 'TURN', 'NOOP', 'AUTH']);
/** Postfix smtpd's answer to a client that does not wait (smtpd_forbid_unauth_pipelining). */
const SYNC_ERROR = 'Error: SMTP protocol synchronization';

export class Session implements SessionApi {
  state: SessionState = { kind: 'fresh' };
  helo: string | null = null;
  esmtp = false;
  auth: AuthIdentity | null = null;
  tls: { version: string; cipher: string } | null = null;
  readonly input = new SmtpInput();
  readonly ip: string;
  private errors = 0;
  private out: string[] = [];
  private wake: ((more: boolean) => void) | null = null;
  private ended = false;
  private closing = false;
  private shuttingDown = false;
  private onData = (chunk: Buffer): void => this.received(chunk);
  private onEnd = (): void => this.peerGone();
  // `on`, not setTimeout's callback (a `once` listener): a timeout ignored while the
  // server works must not leave the next one unheard
  private onTimeout = (): void => this.timedOut();

  constructor(
    readonly opts: ResolvedOptions,
    private socket: Socket,
    private readonly secureContext: SecureContext,
  ) {
    this.ip = normalizeIp(socket.remoteAddress ?? '');
    if (socket instanceof TLSSocket) this.tls = tlsInfo(socket);
    this.attach(socket);
  }

  get secure(): boolean {
    return this.tls !== null;
  }

  get isLoopback(): boolean {
    return this.ip === '::1' || this.ip.startsWith('127.');
  }

  /** Runs the conversation to its end. Never throws. */
  async run(): Promise<void> {
    try {
      // Early talker: a real MTA waits for the greeting (RFC 5321 §3.1, §4.3.1). Whatever
      // arrived by the time the greeting goes out counts — always at least what reached us
      // with the connection (one turn of the event loop), and with greetingDelayMs (like
      // Postfix postscreen's greet wait) whatever a bot sends while we wait.
      await new Promise((r) => (this.opts.greetingDelayMs > 0 ? setTimeout(r, this.opts.greetingDelayMs) : setImmediate(r)));
      if (this.input.pending > 0) {
        this.opts.log.info({ ip: this.ip, octets: this.input.pending }, 'smtp: client spoke before the greeting');
        return this.close(554, '5.5.0', 'Protocol error: client spoke before the greeting');
      }
      this.reply(220, null, `${this.opts.hostname} ESMTP Posthorn`);
      await this.loop();
    } catch (err) {
      this.opts.log.error({ err, ip: this.ip }, 'smtp session failed');
      this.destroy();
    } finally {
      if (this.state.kind === 'bdat') await this.state.spool.discard().catch(() => undefined);
    }
  }

  private async loop(): Promise<void> {
    while (!this.closing) {
      const r = await this.readLine();
      if (!r) return;
      if (r.kind === 'too-long') {
        this.reply(500, '5.5.2', `Line too long (${COMMAND_LINE_MAX} octets max)`);
        continue;
      }
      // RFC 2920 §3.2: without PIPELINING (only advertised to EHLO) the client waits for
      // each reply, and even with it, after a command that must end a group (§3.1). Input
      // already waiting behind such a command means the client did not wait: it is not a
      // well-behaved MTA (spam bots, smuggling attempts), and it is disconnected as Postfix
      // does with smtpd_forbid_unauth_pipelining.
      if (this.input.pending > 0 && (!this.esmtp || LAST_IN_GROUP.has(verbOf(r.line)))) {
        this.opts.log.info({ ip: this.ip, after: verbOf(r.line) }, 'smtp: improper command pipelining');
        return this.close(554, '5.5.0', SYNC_ERROR);
      }
      await this.execute(r.line);
      if (this.shuttingDown && !this.closing) this.close(421, '4.3.2', `${this.opts.hostname} Service shutting down, closing connection`);
    }
  }

  private async execute(line: Buffer): Promise<void> {
    const before = this.state;
    try {
      const { verb, arg } = parseCommandLine(line);
      const cmd = COMMANDS.get(verb);
      if (!cmd) throw new CommandError(500, '5.5.1', `Command unrecognized: ${verb.slice(0, 20)}`);
      if (!cmd.states.includes(this.state.kind)) throw new CommandError(503, '5.5.1', sequenceHint(this.state.kind, verb));
      await cmd.handle(this, arg);
    } catch (err) {
      if (err instanceof ProtocolError || err instanceof CommandError) {
        const text = err instanceof ProtocolError ? err.text : err.message;
        this.reply(err.code, err.enhanced, text);
      } else {
        this.opts.log.error({ err, ip: this.ip }, 'smtp command failed');
        this.reply(451, '4.3.0', 'Local error in processing, try again later');
      }
    }
    // a BDAT transaction left by RSET/EHLO/HELO/an error: its blob is never finished
    if (before.kind === 'bdat' && this.state !== before) await before.spool.discard();
  }

  // ------------------------------------------------------------------ API for commands

  /** Queues a reply (sent when the session next waits for input). Error replies count
   *  towards maxErrors (then 421 4.7.0 and close). */
  reply(code: number, enhanced: string | null, text: string | string[]): void {
    if (this.closing) return;
    this.out.push(formatReply(code, enhanced, text));
    if (code >= 400 && code !== 421 && ++this.errors > this.opts.maxErrors) {
      this.close(421, '4.7.0', `${this.opts.hostname} Too many errors, closing connection`);
    }
  }

  /** Writes queued replies now. */
  flush(): void {
    if (this.out.length === 0 || this.socket.destroyed) return;
    this.socket.write(this.out.join(''));
    this.out = [];
  }

  /** Next command-sized line from the peer (AUTH continuations use it), null at the end. */
  async readLine(max = COMMAND_LINE_MAX): Promise<LineResult | null> {
    for (;;) {
      const r = this.input.readLine(max);
      if (r) return r;
      if (!(await this.more(this.opts.timeouts.command))) return null;
    }
  }

  /** Feeds DATA bytes to `body` until it sees CRLF.CRLF; false if the peer went away. */
  async receiveData(body: BodyReceiver, pace?: () => Promise<void>): Promise<boolean> {
    for (;;) {
      const bytes = this.input.takeAll();
      if (bytes.length > 0) {
        const rest = body.push(bytes);
        if (rest) {
          this.input.unshift(rest);
          return true;
        }
        if (pace) await pace();
        // What arrived while pace() waited is already in `input`: look there before
        // waiting for more — the end of data may be in it, and the peer then sends nothing
        // else (a lost wake-up here hung 50 MB messages on a busy machine).
        continue;
      }
      if (!(await this.more(this.opts.timeouts.data))) return false;
    }
  }

  /** Feeds exactly `size` octets (a BDAT chunk, RFC 3030 §2) to `sink`. */
  async receiveChunk(size: number, sink: (b: Buffer) => void | Promise<void>): Promise<boolean> {
    let left = size;
    while (left > 0) {
      const b = this.input.readBytes(left);
      if (b) {
        left -= b.length;
        await sink(b);
        continue;
      }
      if (!(await this.more(this.opts.timeouts.data))) return false;
    }
    return true;
  }

  /** RFC 3207 §4.2: after 220, TLS starts on this connection; nothing said before counts. */
  async startTls(): Promise<boolean> {
    this.flush();
    // Plaintext pipelined after STARTTLS is discarded, never executed inside TLS.
    const injected = this.input.clear();
    if (injected > 0) this.opts.log.warn({ ip: this.ip, octets: injected }, 'smtp: data after STARTTLS discarded');
    const plain = this.socket;
    this.detach(plain);
    const secure = new TLSSocket(plain, { isServer: true, secureContext: this.secureContext });
    const ok = await new Promise<boolean>((resolve) => {
      // the handshake is bounded like any wait for the client (RFC 5321 §4.5.3.2)
      const deadline = setTimeout(() => secure.destroy(), this.opts.timeouts.command);
      const settle = (done: boolean) => { clearTimeout(deadline); resolve(done); };
      secure.once('secure', () => settle(true));
      secure.once('error', () => settle(false));
      secure.once('close', () => settle(false));
    });
    if (!ok) {
      this.ended = true;
      this.closing = true;
      secure.destroy();
      return false;
    }
    this.socket = secure;
    this.attach(secure);
    this.tls = tlsInfo(secure);
    this.state = { kind: 'fresh' };
    this.helo = null;
    this.esmtp = false;
    this.auth = null;
    return true;
  }

  /** Sends the reply (if any), then ends the connection. */
  close(code?: number, enhanced?: string, text?: string): void {
    if (this.closing) return;
    if (code !== undefined) this.out.push(formatReply(code, enhanced ?? null, text ?? ''));
    this.closing = true;
    this.flush();
    const s = this.socket;
    // Once the last reply is with the kernel, the session has nothing left to read (RFC 5321
    // §4.1.1.10: the server closes after 221): close the socket instead of reading on until
    // the peer's FIN — many clients end with a reset, and reading that made an error object
    // (and its stack) for every session. Plain TCP only: a TLS socket's 'finish' may come
    // while its records still wait in the TCP socket beneath.
    s.end(() => {
      if (this.input.pending === 0 && !(s instanceof TLSSocket)) s.destroy();
    });
    setTimeout(() => s.destroy(), 2000).unref();
    this.wakeUp(false);
  }

  destroy(): void {
    this.closing = true;
    this.ended = true;
    this.socket.destroy();
    this.wakeUp(false);
  }

  /** Server shutdown: a session waiting for its peer gets 421 now; a busy one after its
   *  current command (so an accepted message is still answered 250). */
  shutdown(): void {
    this.shuttingDown = true;
    if (this.wake) this.close(421, '4.3.2', `${this.opts.hostname} Service shutting down, closing connection`);
  }

  // ----------------------------------------------------------------------- socket glue

  private attach(s: Socket): void {
    s.on('data', this.onData);
    s.on('end', this.onEnd);
    s.on('close', this.onEnd);
    s.on('error', this.onEnd);
    s.on('timeout', this.onTimeout);
    s.setTimeout(this.opts.timeouts.command);
  }

  private detach(s: Socket): void {
    s.off('data', this.onData);
    s.off('end', this.onEnd);
    s.off('close', this.onEnd);
    s.off('error', this.onEnd);
    s.off('timeout', this.onTimeout);
    s.setTimeout(0);
  }

  private received(chunk: Buffer): void {
    this.input.push(chunk);
    if (this.wake) this.wakeUp(true);
    else if (this.input.pending > HIGH_WATER) this.socket.pause();
  }

  private peerGone(): void {
    this.ended = true;
    this.wakeUp(false);
  }

  private timedOut(): void {
    // RFC 5321 §4.5.3.2: the server gives up on a silent client — not while it is itself
    // still working on the client's command (a large message's final copy, a slow store);
    // the reply's write re-arms the timer. A client that stopped reading is not spared.
    if (!this.wake && !this.closing && this.socket.writableLength === 0) return;
    this.close(421, '4.4.2', `${this.opts.hostname} Error: timeout exceeded`);
  }

  /** Waits for more input; false when the peer is gone or the session is closing. */
  private more(timeout: number): Promise<boolean> {
    this.flush();
    if (this.ended || this.closing) return Promise.resolve(false);
    if (this.shuttingDown) {
      this.close(421, '4.3.2', `${this.opts.hostname} Service shutting down, closing connection`);
      return Promise.resolve(false);
    }
    this.socket.setTimeout(timeout);
    this.socket.resume();
    return new Promise((resolve) => (this.wake = resolve));
  }

  private wakeUp(more: boolean): void {
    const w = this.wake;
    this.wake = null;
    w?.(more);
  }
}

function verbOf(line: Buffer): string {
  const sp = line.indexOf(0x20);
  return line.subarray(0, sp < 0 ? Math.min(line.length, 12) : Math.min(sp, 12)).toString('latin1').toUpperCase();
}

function sequenceHint(kind: SessionState['kind'], verb: string): string {
  if (kind === 'fresh') return 'Bad sequence of commands: send EHLO/HELO first';
  if (verb === 'MAIL') return 'Bad sequence of commands: nested MAIL command';
  if (kind === 'idle') return 'Bad sequence of commands: need MAIL first';
  if (kind === 'mail') return 'Bad sequence of commands: need RCPT first';
  return `Bad sequence of commands: ${verb} not allowed now`;
}

function tlsInfo(s: TLSSocket): { version: string; cipher: string } {
  return { version: s.getProtocol() ?? 'TLS', cipher: s.getCipher()?.standardName ?? s.getCipher()?.name ?? 'unknown' };
}

function normalizeIp(ip: string): string {
  return ip.startsWith('::ffff:') ? ip.slice(7) : ip;
}
