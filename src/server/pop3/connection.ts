/**
 * One POP3 connection: bytes in → lines → commands, run strictly one after another
 * (pipelined commands are answered in order, RFC 2449 §6.6); replies out with back-pressure.
 * Owns the socket, the STLS upgrade, the idle timer and the clean-up.
 *
 * Invariants:
 *  - Nothing is deleted unless QUIT's UPDATE ran: a dropped connection, a timeout or a
 *    server shutdown only releases the maildrop lock (RFC 1939 §6).
 *  - Clean-up runs after the command in progress has finished, exactly once.
 *  - Input received before STLS completes is discarded (RFC 2595 §4, no plaintext injection).
 */
import type { Socket } from 'node:net';
import { TLSSocket, type SecureContext } from 'node:tls';
import { ProtocolError } from '../../lib/errors.js';
import { Pop3LineReader, MAX_COMMAND_LINE, err, ok, parseCommand, type Pop3Input, type Pop3RespCode } from '../../protocol/pop3/index.js';
import { COMMANDS } from './commands/index.js';
import type { ResolvedPop3Options } from './options.js';
import type { Pop3Context, Pop3State } from './state.js';

/** Stop reading while this many lines wait (a client pipelining without reading replies). */
const MAX_QUEUED = 64;
/** How many queued commands to look at for blob read-ahead. */
const READ_AHEAD = 8;
let sequence = 0;

export class Pop3Connection implements Pop3Context {
  state: Pop3State = { kind: 'authorization', user: null, failures: 0 };
  secure: boolean;
  readonly remoteAddress: string;
  readonly timestamp: string;
  private socket: Socket;
  private readonly reader = new Pop3LineReader();
  private queue: Pop3Input[] = [];
  private wake: (() => void) | null = null;
  private closed = false;
  private ending = false;
  /** A command is being carried out: the client is waiting for us, not idle. */
  private busy = false;
  private readonly loopback: boolean;
  /** Resolves once the session is over and its lock released. */
  readonly finished: Promise<void>;

  constructor(socket: Socket, readonly options: ResolvedPop3Options, private readonly secureContext: SecureContext, secure: boolean) {
    this.socket = socket;
    this.secure = secure;
    this.remoteAddress = normalizeAddress(socket.remoteAddress ?? '');
    this.loopback = /^(127\.|::1$)/.test(this.remoteAddress);
    // RFC 1939 §7 APOP: a timestamp unique to this greeting, msg-id syntax
    this.timestamp = `<${process.pid}.${Date.now()}.${++sequence}@${options.hostname}>`;
    socket.on('close', () => this.onClose());
    socket.on('error', () => undefined); // 'close' follows
    this.attach(socket);
    this.finished = this.run();
  }

  plaintextAllowed(): boolean {
    // RFC 2595 §6 / INTERFACE.md: plaintext passwords only over TLS, or loopback when allowed
    return this.secure || (this.loopback && this.options.allowPlaintextOnLoopback);
  }

  ok(text?: string, code?: Pop3RespCode): Promise<void> {
    return this.write(ok(text, code));
  }

  err(text: string, code?: Pop3RespCode): Promise<void> {
    return this.write(err(text, code));
  }

  write(data: string | Buffer | readonly Buffer[]): Promise<void> {
    if (this.closed || this.socket.destroyed) return Promise.resolve();
    let flowing: boolean;
    if (typeof data === 'string' || Buffer.isBuffer(data)) {
      flowing = this.socket.write(data);
    } else {
      this.socket.cork();
      flowing = true;
      for (const chunk of data) flowing = this.socket.write(chunk) && flowing;
      this.socket.uncork();
    }
    if (flowing) return Promise.resolve();
    return new Promise((resolve) => {
      const done = () => { this.socket.off('drain', done); this.socket.off('close', done); resolve(); };
      this.socket.on('drain', done);
      this.socket.on('close', done);
    });
  }

  async readLine(limit = MAX_COMMAND_LINE): Promise<string | null> {
    this.reader.limit = limit;
    try {
      const input = await this.next();
      if (input === null) return null;
      if (input.kind === 'too-long') {
        await this.err('line too long');
        return null;
      }
      return input.text;
    } finally {
      this.reader.limit = MAX_COMMAND_LINE;
    }
  }

  async startTls(): Promise<void> {
    const plain = this.socket;
    plain.pause();
    plain.removeAllListeners('data');
    plain.removeAllListeners('timeout');
    plain.setTimeout(0);
    this.reader.reset();
    this.queue = [];
    await new Promise<void>((resolve) => plain.write('', () => resolve()));
    const secured = new TLSSocket(plain, { isServer: true, secureContext: this.secureContext });
    secured.on('error', () => plain.destroy());
    secured.on('close', () => this.onClose());
    this.socket = secured;
    this.attach(secured);
    await new Promise<void>((resolve) => {
      // a client that never starts the handshake is dropped like an idle one (RFC 1939 §3)
      const deadline = setTimeout(() => { secured.destroy(); plain.destroy(); }, this.options.idleTimeoutMs);
      secured.once('secure', () => { clearTimeout(deadline); this.secure = true; resolve(); });
      plain.once('close', () => { clearTimeout(deadline); resolve(); });
    });
  }

  end(): void {
    this.ending = true;
    this.socket.end();
  }

  /** Server shutdown: say so and close; the session's clean-up follows. */
  shutdown(): void {
    if (this.closed) return;
    this.socket.write(err('server shutting down', 'SYS/TEMP'));
    this.socket.destroySoon();
    setTimeout(() => this.socket.destroy(), 1000).unref();
  }

  private attach(socket: Socket): void {
    socket.setTimeout(this.options.idleTimeoutMs);
    socket.on('timeout', () => {
      // RFC 1939 §3 autologout is for an idle client. While a command runs (a slow password
      // check, a busy store) the silence is ours; the reply's write re-arms the timer. A
      // command stuck on a client that stopped reading its answer is not spared.
      if (this.busy && socket.writableLength === 0) return;
      // close without entering UPDATE
      socket.write(err('autologout: idle for too long'));
      socket.destroySoon();
    });
    socket.on('data', (chunk: Buffer) => {
      const items = this.reader.push(chunk);
      if (items.length === 0) return;
      this.queue.push(...items);
      if (this.queue.length >= MAX_QUEUED) socket.pause();
      this.wake?.();
    });
  }

  private async next(): Promise<Pop3Input | null> {
    while (this.queue.length === 0) {
      if (this.closed || this.ending) return null;
      if (this.socket.isPaused()) this.socket.resume();
      await new Promise<void>((resolve) => { this.wake = resolve; });
      this.wake = null;
    }
    return this.queue.shift() ?? null;
  }

  private async run(): Promise<void> {
    try {
      await this.ok(`Posthorn POP3 server ready ${this.timestamp}`);
      for (;;) {
        const input = await this.next();
        if (input === null || this.ending || this.state.kind === 'update') break;
        if (input.kind === 'too-long') await this.err(`line too long (at most ${MAX_COMMAND_LINE} octets)`);
        else {
          this.readAhead();
          this.busy = true;
          try {
            await this.dispatch(input.text);
          } finally {
            this.busy = false;
          }
        }
      }
    } finally {
      await this.cleanUp();
    }
  }

  private async dispatch(line: string): Promise<void> {
    const parsed = parseCommand(line);
    if (!parsed.ok) return this.err(parsed.error);
    const cmd = parsed.value;
    const handler = COMMANDS.get(cmd.verb);
    if (!handler) return this.err(`unknown command ${cmd.verb}`);
    if (!handler.states.includes(this.state.kind)) {
      return this.err(this.state.kind === 'authorization' ? `${cmd.verb} needs a login first` : `${cmd.verb} is not allowed after login`);
    }
    try {
      await handler.handle(this, cmd);
    } catch (e) {
      if (e instanceof ProtocolError) return this.err(e.text, e.permanent ? 'SYS/PERM' : 'SYS/TEMP');
      this.options.log.error({ err: e, verb: cmd.verb, ip: this.remoteAddress }, 'pop3 command failed');
      return this.err('internal error, try again later', 'SYS/TEMP');
    }
  }

  /** Pipelined RETR/TOP waiting in the queue: start their blob reads now. */
  private readAhead(): void {
    if (this.state.kind !== 'transaction') return;
    for (const item of this.queue.slice(0, READ_AHEAD)) {
      if (item.kind !== 'line') continue;
      const m = /^(?:RETR|TOP) (\d{1,10})\b/i.exec(item.text);
      if (m) this.state.maildrop.prefetch(this.options.store, Number(m[1]));
    }
  }

  private onClose(): void {
    this.closed = true;
    this.wake?.();
  }

  private async cleanUp(): Promise<void> {
    const state = this.state;
    this.state = { kind: 'update' };
    if (state.kind === 'transaction') await state.lock.release().catch(() => undefined);
    if (!this.closed) this.socket.end();
  }
}

function normalizeAddress(a: string): string {
  return a.startsWith('::ffff:') ? a.slice(7) : a;
}
