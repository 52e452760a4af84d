/**
 * A minimal IMAP client for the imaptest runner: sends tagged commands (literals sent
 * synchronising or, when the server has LITERAL+, non-synchronising), and splits what the
 * server sends into lines with their literals. Input is queued; the runner pulls it.
 */
import net from 'node:net';
import { parseArgs, type Arg } from './args.js';

export type ServerLine =
  | { kind: 'untagged'; args: Arg[]; raw: string }
  | { kind: 'cont'; raw: string }
  | { kind: 'tagged'; tag: string; args: Arg[]; raw: string }
  | { kind: 'closed' };

export class ImapTestClient {
  private buf = Buffer.alloc(0);
  private queue: ServerLine[] = [];
  private waiter: (() => void) | null = null;
  private closed = false;
  private tagSeq = 0;
  literalPlus = false;
  /** Messages the client believes the selected mailbox has (EXISTS minus EXPUNGE). */
  count = 0;

  private constructor(private readonly sock: net.Socket, readonly id: number) {
    sock.on('data', (d: Buffer) => { this.buf = Buffer.concat([this.buf, d]); this.split(); });
    sock.on('close', () => { this.closed = true; this.queue.push({ kind: 'closed' }); this.wake(); });
    sock.on('error', () => undefined);
  }

  static connect(host: string, port: number, id: number): Promise<ImapTestClient> {
    return new Promise((resolve, reject) => {
      const s = net.connect({ host, port }, () => resolve(new ImapTestClient(s, id)));
      s.once('error', reject);
    });
  }

  nextTag(): string {
    return `${this.id}.${++this.tagSeq}`;
  }

  /** The next line from the server, waiting up to `ms`. */
  async next(ms: number): Promise<ServerLine | null> {
    if (this.queue.length === 0) {
      if (this.closed) return { kind: 'closed' };
      await new Promise<void>((resolve) => {
        const t = setTimeout(() => { this.waiter = null; resolve(); }, ms);
        this.waiter = () => { clearTimeout(t); this.waiter = null; resolve(); };
      });
    }
    const line = this.queue.shift() ?? null;
    if (line?.kind === 'untagged') this.track(line.args);
    return line;
  }

  /** Sends `tag text`; `{n}` literals inside `text` wait for '+' unless LITERAL+. */
  async send(tag: string, text: string): Promise<void> {
    const parts = splitLiterals(`${tag} ${text}`);
    for (let i = 0; i < parts.length; i++) {
      const p = parts[i];
      if (p.literal === undefined) { this.sock.write(Buffer.from(p.text + '\r\n', 'latin1')); break; }
      const sync = !this.literalPlus && !p.plus;
      const head = sync ? p.text : p.text.replace(/\{(\d+)\}$/, '{$1+}');
      this.sock.write(Buffer.from(head + '\r\n', 'latin1'));
      if (sync) {
        const l = await this.waitCont();
        if (l !== 'cont') return; // the server refused the literal; the tagged reply follows
      }
      this.sock.write(Buffer.from(p.literal, 'latin1'));
    }
  }

  close(): void {
    this.sock.destroy();
  }

  /** Waits for a continuation request, leaving every other line queued. */
  private async waitCont(): Promise<'cont' | 'other'> {
    for (let tries = 0; tries < 300; tries++) {
      const i = this.queue.findIndex((l) => l.kind === 'cont' || l.kind === 'tagged' || l.kind === 'closed');
      if (i >= 0) {
        if (this.queue[i].kind === 'cont') { this.queue.splice(i, 1); return 'cont'; }
        return 'other';
      }
      await new Promise<void>((resolve) => { const t = setTimeout(resolve, 100); this.waiter = () => { clearTimeout(t); this.waiter = null; resolve(); }; });
    }
    return 'other';
  }

  private track(args: Arg[]): void {
    const a0 = args[0];
    const a1 = args[1];
    if (a0?.type === 'atom' && /^\d+$/.test(a0.value) && a1?.type === 'atom') {
      const verb = a1.value.toUpperCase();
      if (verb === 'EXISTS') this.count = Number(a0.value);
      else if (verb === 'EXPUNGE') this.count = Math.max(0, this.count - 1);
    }
  }

  private wake(): void {
    this.waiter?.();
  }

  private split(): void {
    for (;;) {
      // a line ending in {n} continues with n octets of literal, then more of the line
      let pos = 0;
      let text = '';
      for (;;) {
        const nl = this.buf.indexOf('\n', pos);
        if (nl < 0) return;
        const segment = this.buf.subarray(pos, nl).toString('latin1').replace(/\r$/, '');
        text += segment;
        const m = /~?\{(\d+)\+?\}$/.exec(segment);
        if (!m) { pos = nl + 1; break; }
        const n = Number(m[1]);
        if (this.buf.length < nl + 1 + n) return;
        text += '\r\n' + this.buf.subarray(nl + 1, nl + 1 + n).toString('latin1');
        pos = nl + 1 + n;
      }
      this.buf = this.buf.subarray(pos);
      this.queue.push(classify(text));
      this.wake();
    }
  }
}

function classify(raw: string): ServerLine {
  if (raw.startsWith('+')) return { kind: 'cont', raw };
  const text = raw;
  if (raw.startsWith('* ')) return { kind: 'untagged', args: parseArgs(text.slice(2)), raw };
  const sp = raw.indexOf(' ');
  return { kind: 'tagged', tag: raw.slice(0, sp), args: parseArgs(text.slice(sp + 1)), raw };
}

interface Piece { text: string; literal?: string; plus?: boolean }

/** Splits "A {3}\r\nabc B" into pieces ending at each literal. */
function splitLiterals(cmd: string): Piece[] {
  const out: Piece[] = [];
  let rest = cmd;
  for (;;) {
    const m = /(~?\{(\d+)(\+?)\})\r\n/.exec(rest);
    if (!m) { out.push({ text: rest }); return out; }
    const n = Number(m[2]);
    const start = m.index + m[0].length;
    out.push({ text: rest.slice(0, m.index + m[1].length), literal: rest.slice(start, start + n), plus: m[3] === '+' });
    rest = rest.slice(start + n);
  }
}
