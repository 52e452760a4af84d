/**
 * IMAP4rev1 client (RFC 3501, with RFC 9051 where they agree) over protocol/imap's framing
 * and tokenizer: connect (plain, STARTTLS, implicit TLS), authenticate (SASL, else LOGIN),
 * one command at a time. Mailbox operations live in imap-mailbox.ts.
 *
 * Invariants: a password is never sent without TLS except to loopback (endpoint.ts); STARTTLS
 * is used whenever offered in `auto` mode; capabilities are re-read after STARTTLS and after
 * login (RFC 3501 §6.2.1, §6.2.3); NO/BAD become ClientErrors carrying the server's text.
 */
import { Connection } from './connection.js';
import { ClientError } from './errors.js';
import { checkMaySendPassword, openConnection, shouldStartTls, type ServerSpec } from './endpoint.js';
import { parseResponse, type ImapResponse, type ImapValue, type RespCode, text } from './imap-response.js';
import { pickMechanism, type SaslExchange } from './sasl.js';
import { ImapReceiver } from '../protocol/imap/receiver.js';
import { encodeMutf7 } from '../protocol/imap/mutf7.js';

export type DataResponse = Extract<ImapResponse, { kind: 'data' }>;
type StatusResponse = Extract<ImapResponse, { kind: 'status' }>;

export interface CommandResult {
  data: DataResponse[];
  /** Untagged OK/NO responses seen during the command (with their codes). */
  notes: StatusResponse[];
  done: StatusResponse;
}

/** A literal argument: sent as `{n}` / `{n+}` and then its bytes (RFC 3501 §4.3). */
export class Literal {
  constructor(readonly data: Buffer) {}
}

export type Arg = string | Literal;

export type Trace = (direction: 'C' | 'S', line: string) => void;

const MAX_QUOTED = 1000;

/** RFC 3501 §9 astring: atom when possible, quoted when printable ASCII, else a literal. */
export function astring(s: string): Arg {
  if (/^[A-Za-z0-9!#$&'+,\-./:;<=>?@^_`|~]+$/.test(s)) return s;
  if (/^[\x20-\x7e]*$/.test(s) && s.length < MAX_QUOTED) return `"${s.replace(/[\\"]/g, '\\$&')}"`;
  return new Literal(Buffer.from(s, 'utf8'));
}

export class ImapClient {
  caps = new Set<string>();
  private tagNo = 0;
  private readonly receiver = new ImapReceiver({ maxLine: 1 << 20, maxLiteral: 1 << 30, maxCommand: 1 << 30 });
  private pending: ImapResponse[] = [];
  utf8 = false;

  private constructor(
    private readonly conn: Connection,
    private readonly trace?: Trace,
  ) {}

  /** Connects, secures and logs in as `spec.user`. */
  static async connect(spec: ServerSpec, trace?: Trace): Promise<ImapClient> {
    const conn = await openConnection(spec);
    const c = new ImapClient(conn, trace);
    try {
      const greeting = await c.read();
      if (greeting.kind !== 'status' || greeting.status === 'BYE') throw new ClientError('protocol', `${conn.where} refused the connection: ${greetingText(greeting)}`);
      await c.capability(greeting.kind === 'status' ? greeting.code : null);
      if (shouldStartTls(conn, spec, c.caps.has('STARTTLS'), 'STARTTLS')) {
        await c.run(['STARTTLS']); // RFC 3501 §6.2.1
        await conn.startTls();
        await c.capability(null);
      }
      if (greeting.status !== 'PREAUTH' && spec.user !== null) await c.login(spec);
      return c;
    } catch (e) {
      conn.close();
      throw e;
    }
  }

  get where(): string {
    return this.conn.where;
  }

  /** Mailbox name on the wire: modified UTF-7 (RFC 3501 §5.1.3) unless UTF8=ACCEPT is on. */
  mailbox(name: string): Arg {
    return astring(this.utf8 ? name : encodeMutf7(name));
  }

  private async capability(code: RespCode | null): Promise<void> {
    if (code?.name === 'CAPABILITY') return this.setCaps(code.args.split(' '));
    const r = await this.run(['CAPABILITY']);
    const d = r.data.find((x) => x.name === 'CAPABILITY');
    this.setCaps(d ? d.values.map((v) => String(text(v))) : []);
  }

  private setCaps(list: string[]): void {
    this.caps = new Set(list.map((c) => c.toUpperCase()));
  }

  private async login(spec: ServerSpec): Promise<void> {
    checkMaySendPassword(this.conn.secure, spec, false);
    const user = spec.user ?? '';
    const password = await spec.password();
    const offered = [...this.caps].filter((c) => c.startsWith('AUTH=')).map((c) => c.slice(5));
    const usable = offered.filter((m) => m !== 'LOGIN');
    const mech = pickMechanism(usable, user, password);
    let done: StatusResponse;
    if (mech) {
      done = await this.authenticate(mech);
      // a server may offer SCRAM for accounts that have no SCRAM secret: try PLAIN then
      const plain = mech.name === 'SCRAM-SHA-256' && done.status === 'NO' ? pickMechanism(usable.filter((m) => m !== 'SCRAM-SHA-256'), user, password) : null;
      if (plain) done = await this.authenticate(plain);
    } else if (!this.caps.has('LOGINDISABLED')) {
      done = (await this.run(['LOGIN', astring(user), astring(password)], true)).done; // RFC 3501 §6.2.3
    } else throw new ClientError('auth', `${this.where} offers no login method this client knows`);
    if (done.status !== 'OK') throw new ClientError('auth', `authentication failed for ${user} at ${this.where}: ${done.text}`);
    if (done.code?.name === 'CAPABILITY') this.setCaps(done.code.args.split(' '));
    else await this.capability(null);
  }

  /** RFC 3501 §6.2.2 AUTHENTICATE, with the RFC 4959 SASL-IR initial response when offered. */
  private async authenticate(mech: SaslExchange): Promise<StatusResponse> {
    const ir = mech.initial && this.caps.has('SASL-IR') ? ` ${mech.initial.length ? mech.initial.toString('base64') : '='}` : '';
    let first = mech.initial !== null && ir === '';
    const done = await this.runRaw(`AUTHENTICATE ${mech.name}${ir}`, (challenge) => {
      if (first) {
        first = false;
        return (mech.initial ?? Buffer.alloc(0)).toString('base64');
      }
      return mech.step(Buffer.from(challenge, 'base64')).toString('base64');
    });
    if (done.status === 'OK') mech.finish(null);
    return done;
  }

  /** Runs a command; throws ClientError on NO/BAD. */
  async run(args: Arg[], secret = false): Promise<CommandResult> {
    const r = await this.send(args, secret);
    if (r.done.status !== 'OK') {
      const kind = r.done.code?.name === 'NONEXISTENT' || r.done.code?.name === 'TRYCREATE' ? 'not-found' : 'protocol';
      throw new ClientError(kind, `${this.where}: ${verb(args)} failed: ${r.done.status} ${r.done.text}`);
    }
    return r;
  }

  /** Runs a command and returns whatever the server answered, NO and BAD included. */
  async send(args: Arg[], secret = false): Promise<CommandResult> {
    const tag = `A${++this.tagNo}`;
    const nonSync = this.caps.has('LITERAL+');
    let line = tag;
    const chunks: Array<{ text: string; literal: Buffer | null }> = [];
    for (const a of args) {
      if (a instanceof Literal) {
        line += ` {${a.data.length}${nonSync ? '+' : ''}}\r\n`;
        chunks.push({ text: line, literal: a.data });
        line = '';
      } else line += ` ${a}`;
    }
    chunks.push({ text: line + '\r\n', literal: null });
    const result: CommandResult = { data: [], notes: [], done: { kind: 'status', tag, status: 'BAD', code: null, text: '' } };
    for (const ch of chunks) {
      this.write(ch.text, secret);
      if (ch.literal) {
        if (!nonSync) {
          const r = await this.untilContinue(tag, result);
          if (r) return result;
        }
        this.conn.write(ch.literal);
      }
    }
    for (;;) {
      const r = await this.read();
      if (this.collect(r, tag, result)) return result;
    }
  }

  /** Sends a line, answering each `+` challenge with `answer` (AUTHENTICATE). */
  private async runRaw(cmd: string, answer: (challenge: string) => string): Promise<StatusResponse> {
    const tag = `A${++this.tagNo}`;
    const result: CommandResult = { data: [], notes: [], done: { kind: 'status', tag, status: 'BAD', code: null, text: '' } };
    this.write(`${tag} ${cmd}\r\n`, true);
    for (;;) {
      const r = await this.read();
      if (r.kind === 'continue') {
        let reply: string;
        try {
          reply = answer(r.text);
        } catch (e) {
          this.write('*\r\n', false); // RFC 3501 §6.2.2: cancel
          throw new ClientError('auth', `authentication with ${this.where} failed: ${(e as Error).message}`);
        }
        this.write(`${reply}\r\n`, true);
        continue;
      }
      if (this.collect(r, tag, result)) return result.done;
    }
  }

  /** Waits for `+` before a synchronising literal; true when the command ended instead. */
  private async untilContinue(tag: string, result: CommandResult): Promise<boolean> {
    for (;;) {
      const r = await this.read();
      if (r.kind === 'continue') return false;
      if (this.collect(r, tag, result)) return true;
    }
  }

  private collect(r: ImapResponse, tag: string, result: CommandResult): boolean {
    if (r.kind === 'data') result.data.push(r);
    else if (r.kind === 'status' && r.tag === tag) {
      result.done = r;
      return true;
    } else if (r.kind === 'status') {
      if (r.status === 'BYE') throw new ClientError('connect', `${this.where} closed the session: ${r.text}`);
      result.notes.push(r);
    }
    return false;
  }

  private write(s: string, secret: boolean): void {
    if (this.trace) for (const l of s.split('\r\n').filter(Boolean)) this.trace('C', secret ? maskSecret(l) : l);
    this.conn.write(s);
  }

  private async read(): Promise<ImapResponse> {
    while (this.pending.length === 0) {
      const chunk = await this.conn.next();
      for (const ev of this.receiver.push(chunk)) {
        if (ev.type === 'too-big') throw new ClientError('protocol', `${this.where} sent a response too large to handle`);
        if (ev.type !== 'command') continue;
        this.trace?.('S', ev.data.toString('utf8', 0, Math.min(ev.data.length, 200)).replace(/\r?\n$/, ''));
        try {
          this.pending.push(parseResponse(ev.data));
        } catch (e) {
          throw new ClientError('protocol', `${this.where} sent an unreadable response: ${(e as Error).message}`);
        }
      }
    }
    return this.pending.shift() as ImapResponse;
  }

  async logout(): Promise<void> {
    try {
      await this.send(['LOGOUT']);
    } catch {
      // the server may close first
    } finally {
      this.conn.close();
    }
  }

  close(): void {
    this.conn.close();
  }
}

/** The command's name for messages: 'SELECT', 'UID FETCH'. */
function verb(args: Arg[]): string {
  const words = args.filter((a): a is string => typeof a === 'string');
  return words.slice(0, words[0] === 'UID' ? 2 : 1).join(' ');
}

/** LOGIN and AUTHENTICATE keep their verb in a transcript; credentials become stars. */
function maskSecret(line: string): string {
  const m = /^\S+ (?:LOGIN \S+|AUTHENTICATE \S+)/i.exec(line);
  return m ? `${m[0]} ********` : '********';
}

function greetingText(r: ImapResponse): string {
  return r.kind === 'continue' ? r.text : r.kind === 'status' ? r.text : r.name;
}

export type { ImapValue };
