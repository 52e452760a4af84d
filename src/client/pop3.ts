/**
 * POP3 client (RFC 1939) with CAPA (RFC 2449), STLS (RFC 2595 §4), AUTH (RFC 5034: SCRAM,
 * PLAIN) or USER/PASS. Message numbers are those of this session; UIDL gives the stable ids
 * that `--keep` remembers.
 * Invariants: credentials only over TLS or to loopback; DELE takes effect only at QUIT
 * (RFC 1939 §6), so `quit()` must run for deletions to happen.
 */
import { Connection } from './connection.js';
import { ClientError } from './errors.js';
import { checkMaySendPassword, openConnection, shouldStartTls, type ServerSpec } from './endpoint.js';
import { LineReader } from './lines.js';
import { pickMechanism, type SaslExchange } from './sasl.js';

export type Trace = (direction: 'C' | 'S', line: string) => void;

export class Pop3Client {
  caps = new Map<string, string>();
  private readonly lines: LineReader;

  private constructor(
    private readonly conn: Connection,
    private readonly trace?: Trace,
  ) {
    this.lines = new LineReader(conn);
  }

  static async connect(spec: ServerSpec, trace?: Trace): Promise<Pop3Client> {
    const conn = await openConnection(spec);
    const c = new Pop3Client(conn, trace);
    try {
      const greeting = await c.status();
      if (!greeting.ok) throw new ClientError('protocol', `${conn.where} refused the connection: ${greeting.text}`);
      await c.capa();
      if (shouldStartTls(conn, spec, c.caps.has('STLS'), 'STLS')) {
        await c.expect('STLS');
        c.lines.reset();
        await conn.startTls();
        await c.capa(); // RFC 2595 §4: capabilities may change
      }
      await c.login(spec);
      return c;
    } catch (e) {
      conn.close();
      throw e;
    }
  }

  get where(): string {
    return this.conn.where;
  }

  private async capa(): Promise<void> {
    const r = await this.command('CAPA');
    this.caps.clear();
    if (!r.ok) return; // RFC 2449 §5: an old server; USER/PASS it is
    for (const l of (await this.lines.multiline()).toString('utf8').split('\r\n')) {
      if (!l) continue;
      const sp = l.indexOf(' ');
      this.caps.set((sp < 0 ? l : l.slice(0, sp)).toUpperCase(), sp < 0 ? '' : l.slice(sp + 1));
    }
  }

  private async login(spec: ServerSpec): Promise<void> {
    checkMaySendPassword(this.conn.secure, spec, this.caps.has('STLS'));
    const user = spec.user ?? '';
    const password = await spec.password();
    const offered = (this.caps.get('SASL') ?? '').split(/\s+/).filter((m) => m !== 'LOGIN');
    const mech = pickMechanism(offered, user, password);
    if (mech) {
      let r = await this.authenticate(mech);
      // a server may offer SCRAM for accounts that have no SCRAM secret: try PLAIN then
      const plain = mech.name === 'SCRAM-SHA-256' && !r.ok ? pickMechanism(offered.filter((m) => m.toUpperCase() !== 'SCRAM-SHA-256'), user, password) : null;
      if (plain) r = await this.authenticate(plain);
      if (!r.ok) throw new ClientError('auth', `authentication failed for ${user} at ${this.where}: ${r.text}`);
      return;
    }
    const u = await this.command(`USER ${user}`);
    const p = u.ok ? await this.command(`PASS ${password}`, true) : u;
    if (!p.ok) throw new ClientError('auth', `authentication failed for ${user} at ${this.where}: ${p.text}`);
  }

  /** RFC 5034 §4: AUTH mechanism [initial-response], then "+ " challenges. */
  private async authenticate(mech: SaslExchange): Promise<{ ok: boolean; text: string }> {
    const ir = mech.initial === null ? '' : ` ${mech.initial.length ? mech.initial.toString('base64') : '='}`;
    let r = await this.command(`AUTH ${mech.name}${ir}`, true);
    while (r.continuation) {
      let answer: string;
      try {
        answer = mech.step(Buffer.from(r.text, 'base64')).toString('base64');
      } catch (e) {
        await this.command('*');
        throw new ClientError('auth', `authentication with ${this.where} failed: ${(e as Error).message}`);
      }
      r = await this.command(answer, true);
    }
    if (r.ok) mech.finish(null);
    return r;
  }

  /** STAT: message count and total size (RFC 1939 §5). */
  async stat(): Promise<{ count: number; size: number }> {
    const r = await this.expect('STAT');
    const [count, size] = r.text.split(' ').map(Number);
    return { count, size };
  }

  /** LIST: number → size. */
  async list(): Promise<Map<number, number>> {
    await this.expect('LIST');
    return pairs(await this.lines.multiline(), Number);
  }

  /** UIDL (RFC 1939 §7): number → unique id. */
  async uidl(): Promise<Map<number, string>> {
    const r = await this.command('UIDL');
    if (!r.ok) throw new ClientError('protocol', `${this.where} does not support UIDL, needed to remember messages: ${r.text}`);
    return pairs(await this.lines.multiline(), String);
  }

  async retr(n: number): Promise<Buffer> {
    const r = await this.command(`RETR ${n}`);
    if (!r.ok) throw new ClientError('not-found', `${this.where}: no message ${n}: ${r.text}`);
    return this.lines.multiline();
  }

  /** TOP (RFC 1939 §7): the header and the first `lines` body lines. */
  async top(n: number, lines: number): Promise<Buffer> {
    const r = await this.command(`TOP ${n} ${lines}`);
    if (!r.ok) throw new ClientError('not-found', `${this.where}: no message ${n}: ${r.text}`);
    return this.lines.multiline();
  }

  async dele(n: number): Promise<void> {
    const r = await this.command(`DELE ${n}`);
    if (!r.ok) throw new ClientError('not-found', `${this.where}: cannot delete message ${n}: ${r.text}`);
  }

  /** QUIT: the UPDATE state commits deletions (RFC 1939 §6). */
  async quit(): Promise<void> {
    try {
      const r = await this.command('QUIT');
      if (!r.ok) throw new ClientError('protocol', `${this.where} could not remove the deleted messages: ${r.text}`);
    } finally {
      this.conn.close();
    }
  }

  close(): void {
    this.conn.close();
  }

  private async expect(line: string): Promise<{ text: string }> {
    const r = await this.command(line);
    if (!r.ok) throw new ClientError('protocol', `${this.where} answered ${line.split(' ')[0]}: -ERR ${r.text}`);
    return r;
  }

  private async command(line: string, secret = false): Promise<{ ok: boolean; continuation: boolean; text: string }> {
    this.trace?.('C', secret ? line.replace(/^(PASS|AUTH \S+).*$|^.*$/s, (_m, v: string | undefined) => (v ? `${v} ********` : '********')) : line);
    this.conn.write(`${line}\r\n`);
    return this.status();
  }

  private async status(): Promise<{ ok: boolean; continuation: boolean; text: string }> {
    const l = (await this.lines.line()).toString('utf8');
    this.trace?.('S', l);
    if (l.startsWith('+OK')) return { ok: true, continuation: false, text: l.slice(4) };
    if (l.startsWith('-ERR')) return { ok: false, continuation: false, text: l.slice(5) };
    if (l.startsWith('+ ') || l === '+') return { ok: false, continuation: true, text: l.slice(2) }; // RFC 5034 §4
    throw new ClientError('protocol', `${this.where} sent something that is not POP3: ${l.slice(0, 80)}`);
  }
}

function pairs<T>(data: Buffer, conv: (s: string) => T): Map<number, T> {
  const out = new Map<number, T>();
  for (const l of data.toString('utf8').split('\r\n')) {
    const [n, v] = l.split(' ');
    if (n && v !== undefined) out.set(Number(n), conv(v));
  }
  return out;
}
