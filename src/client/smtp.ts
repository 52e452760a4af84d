/**
 * SMTP submission client (RFC 6409 over RFC 5321): EHLO, STARTTLS (RFC 3207) or implicit TLS
 * (RFC 8314), AUTH (RFC 4954: SCRAM-SHA-256, else PLAIN, else LOGIN), SIZE (RFC 1870),
 * one MAIL transaction per message with a result per recipient.
 * Reuses protocol/smtp for replies, paths, the EHLO map and dot-stuffing (RFC 5321 §4.5.2),
 * as the relay's client does. The relay's server-to-server client lives in
 * mta/transport; this one is for a person submitting mail.
 *
 * Invariants: credentials only over TLS or to loopback; the size is checked before MAIL when
 * the server announced a limit; Bcc recipients travel in RCPT only (the composer drops the
 * header); `--verbose` transcripts mask AUTH data.
 */
import { hostname } from 'node:os';
import { Connection } from './connection.js';
import { ClientError } from './errors.js';
import { checkMaySendPassword, openConnection, shouldStartTls, type ServerSpec } from './endpoint.js';
import { pickMechanism, type SaslExchange } from './sasl.js';
import { ReplyParser, replyToString, type Reply } from '../protocol/smtp/reply.js';
import { needsSmtpUtf8 } from '../protocol/smtp/path.js';
import { dotStuff, mailCommand, parseEhlo, rcptCommand, type MailOptions } from '../protocol/smtp/client.js';

export type Trace = (direction: 'C' | 'S', line: string) => void;

/** A command line of protocol/smtp without its CRLF (command() adds it, and traces it bare). */
const bare = (cmd: string): string => cmd.replace(/\r\n$/, '');

export interface RecipientResult {
  address: string;
  ok: boolean;
  reply: string;
}

export interface SubmitResult {
  recipients: RecipientResult[];
  /** The reply to the end of data, when data was sent. */
  final: string | null;
}

export class SmtpClient {
  /** EHLO keywords, upper-case, with their parameters (RFC 5321 §4.1.1.1). */
  ext = new Map<string, string>();
  private readonly parser = new ReplyParser();
  private replies: Reply[] = [];

  private constructor(
    private readonly conn: Connection,
    private readonly trace?: Trace,
  ) {}

  static async connect(spec: ServerSpec, trace?: Trace): Promise<SmtpClient> {
    const conn = await openConnection(spec);
    const c = new SmtpClient(conn, trace);
    try {
      const greeting = await c.reply();
      if (greeting.code !== 220) throw new ClientError('protocol', `${conn.where} does not accept mail now: ${replyToString(greeting)}`);
      await c.ehlo();
      if (shouldStartTls(conn, spec, c.ext.has('STARTTLS'), 'STARTTLS')) {
        await c.expect('STARTTLS', [220]);
        await conn.startTls();
        await c.ehlo(); // RFC 3207 §4.2: forget what was learnt before TLS
      }
      if (spec.user !== null && c.ext.has('AUTH')) await c.auth(spec);
      return c;
    } catch (e) {
      conn.close();
      throw e;
    }
  }

  get where(): string {
    return this.conn.where;
  }

  private async ehlo(): Promise<void> {
    const name = hostname().includes('.') ? hostname() : 'localhost.localdomain';
    let r = await this.command(`EHLO ${name}`);
    if (r.code !== 250) r = await this.expect(`HELO ${name}`, [250]); // RFC 5321 §3.2
    this.ext = parseEhlo(r);
  }

  private async auth(spec: ServerSpec): Promise<void> {
    checkMaySendPassword(this.conn.secure, spec, this.ext.has('STARTTLS'));
    const user = spec.user ?? '';
    const password = await spec.password();
    const offered = (this.ext.get('AUTH') ?? '').split(/\s+/);
    const mech = pickMechanism(offered, user, password);
    if (!mech) throw new ClientError('auth', `${this.where} offers no AUTH mechanism this client knows (${this.ext.get('AUTH')})`);
    let r = await this.authenticate(mech);
    // a server may offer SCRAM for accounts that have no SCRAM secret: try PLAIN then
    const plain = mech.name === 'SCRAM-SHA-256' && r.code === 535 ? pickMechanism(offered.filter((m) => m.toUpperCase() !== 'SCRAM-SHA-256'), user, password) : null;
    if (plain) r = await this.authenticate(plain);
    if (r.code !== 235) throw new ClientError('auth', `authentication failed for ${user} at ${this.where}: ${replyToString(r)}`);
  }

  /** RFC 4954 §4: AUTH with an initial response ("=" when empty), then 334 challenges. */
  private async authenticate(mech: SaslExchange): Promise<Reply> {
    const ir = mech.initial === null ? '' : ` ${mech.initial.length ? mech.initial.toString('base64') : '='}`;
    let r = await this.command(`AUTH ${mech.name}${ir}`, true);
    while (r.code === 334) {
      let answer: string;
      try {
        answer = mech.step(Buffer.from(r.lines[0] ?? '', 'base64')).toString('base64');
      } catch (e) {
        await this.command('*');
        throw new ClientError('auth', `authentication with ${this.where} failed: ${(e as Error).message}`);
      }
      r = await this.command(answer, true);
    }
    if (r.code === 235) mech.finish(null);
    return r;
  }

  /** One message to its recipients. Throws 'size' before sending when it is too big and
   *  'recipient' when every recipient was refused. */
  async submit(from: string, recipients: readonly string[], message: Buffer): Promise<SubmitResult> {
    const limit = Number(this.ext.get('SIZE') ?? 0);
    if (this.ext.has('SIZE') && limit > 0 && message.length > limit) {
      throw new ClientError('size', `the message is ${message.length} bytes, more than the ${limit} bytes ${this.where} accepts (SIZE)`);
    }
    // Only parameters the server advertised (RFC 5321 §4.1.1.2); the command lines are
    // protocol/smtp's, the same the relay's client sends.
    const params: MailOptions = {};
    if (this.ext.has('SIZE')) params.size = message.length; // RFC 1870 §6
    if (this.ext.has('8BITMIME') && message.some((b) => b > 0x7f)) params.body = '8BITMIME'; // RFC 6152
    if ([from, ...recipients].some(needsSmtpUtf8)) {
      if (!this.ext.has('SMTPUTF8')) throw new ClientError('recipient', `${this.where} cannot take non-ASCII addresses (no SMTPUTF8)`);
      params.smtputf8 = true; // RFC 6531 §3.4
    }
    const mail = await this.command(bare(mailCommand(from, params)));
    if (mail.code === 552) throw new ClientError('size', `${this.where} refused the message size: ${replyToString(mail)}`);
    if (mail.code !== 250) throw new ClientError('recipient', `${this.where} refused the sender ${from}: ${replyToString(mail)}`);
    const results: RecipientResult[] = [];
    for (const rcpt of recipients) {
      const r = await this.command(bare(rcptCommand(rcpt)));
      results.push({ address: rcpt, ok: r.code === 250 || r.code === 251, reply: replyToString(r) });
    }
    if (!results.some((r) => r.ok)) {
      await this.command('RSET');
      throw new ClientError('recipient', results.map((r) => `${r.address}: ${r.reply}`).join('\n'));
    }
    await this.expect('DATA', [354]);
    this.conn.write(dotStuff(message)); // RFC 5321 §4.5.2
    this.trace?.('C', `<${message.length} bytes of message> .`);
    const end = await this.reply();
    // RFC 3463: 5.2.2 is a full mailbox (a recipient problem), 5.3.4 / plain 552 a size problem
    if (end.code === 552 && end.enhanced !== '5.2.2') throw new ClientError('size', `${this.where} refused the message size: ${replyToString(end)}`);
    if (end.code !== 250) throw new ClientError('recipient', `${this.where} refused the message: ${replyToString(end)}`);
    return { recipients: results, final: replyToString(end) };
  }

  async quit(): Promise<void> {
    try {
      await this.command('QUIT');
    } catch {
      // closed already
    } finally {
      this.conn.close();
    }
  }

  private async expect(line: string, codes: number[]): Promise<Reply> {
    const r = await this.command(line);
    if (!codes.includes(r.code)) throw new ClientError('protocol', `${this.where} answered ${line.split(' ')[0]} with ${replyToString(r)}`);
    return r;
  }

  private async command(line: string, secret = false): Promise<Reply> {
    this.trace?.('C', secret ? line.replace(/^(AUTH \S+).*$|^.*$/s, (_m, verb: string | undefined) => (verb ? `${verb} ********` : '********')) : line);
    this.conn.write(`${line}\r\n`);
    return this.reply();
  }

  private async reply(): Promise<Reply> {
    while (this.replies.length === 0) {
      const chunk = await this.conn.next();
      try {
        this.replies.push(...this.parser.push(chunk));
      } catch (e) {
        throw new ClientError('protocol', `${this.where} sent something that is not SMTP: ${(e as Error).message}`);
      }
    }
    const r = this.replies.shift() as Reply;
    if (this.trace) r.lines.forEach((l, i) => this.trace?.('S', `${r.code}${i === r.lines.length - 1 ? ' ' : '-'}${r.enhanced ? `${r.enhanced} ` : ''}${l}`));
    return r;
  }
}
