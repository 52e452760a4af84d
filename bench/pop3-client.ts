/**
 * A minimal POP3 load client for bench/pop3.bench.ts: one login cycle (USER, PASS, STAT,
 * QUIT) and a RETR sweep with a pipelining window, against any POP3 server.
 */
import net from 'node:net';

class Conn {
  private buf: Buffer = Buffer.alloc(0);
  private wake: (() => void) | null = null;
  private closed = false;
  private counting = false;
  private constructor(readonly socket: net.Socket) {
    socket.on('data', (d: Buffer) => {
      if (this.counting) return;
      this.buf = this.buf.length ? Buffer.concat([this.buf, d]) : d;
      this.wake?.();
    });
    socket.on('close', () => { this.closed = true; this.wake?.(); });
    socket.on('error', () => undefined);
  }
  static open(port: number, host = '127.0.0.1'): Promise<Conn> {
    return new Promise((resolve, reject) => {
      const s = net.connect({ port, host }, () => resolve(new Conn(s)));
      s.setNoDelay(true);
      s.once('error', reject);
    });
  }
  async line(): Promise<string> {
    for (;;) {
      const i = this.buf.indexOf('\r\n');
      if (i !== -1) {
        const l = this.buf.subarray(0, i).toString('latin1');
        this.buf = this.buf.subarray(i + 2);
        return l;
      }
      if (this.closed) throw new Error('connection closed');
      await new Promise<void>((r) => { this.wake = r; });
      this.wake = null;
    }
  }
  async ok(line?: string): Promise<string> {
    if (line !== undefined) this.socket.write(line + '\r\n');
    const l = await this.line();
    if (!l.startsWith('+OK')) throw new Error(`${line ?? 'greeting'}: ${l}`);
    return l;
  }
  /** Reads `count` multi-line responses (status line + body up to "\r\n.\r\n") without
   *  buffering them, calling `each` after every one; returns the octets read. */
  multilines(count: number, each: () => void = () => undefined): Promise<number> {
    const TERM = Buffer.from('\r\n.\r\n');
    return new Promise((resolve, reject) => {
      let done = 0;
      let octets = 0;
      let carry: Buffer = Buffer.alloc(0);
      const scan = (chunk: Buffer): void => {
        octets += chunk.length;
        const data = carry.length ? Buffer.concat([carry, chunk]) : chunk;
        let from = 0;
        for (let end = data.indexOf(TERM, from); end !== -1; end = data.indexOf(TERM, from)) {
          from = end + 5;
          done++;
          if (done === count) {
            this.socket.off('data', scan);
            this.counting = false;
            this.buf = data.subarray(from);
            resolve(octets - this.buf.length);
            return;
          }
          each();
        }
        carry = data.subarray(Math.max(from, data.length - 4));
      };
      this.counting = true;
      this.socket.on('close', () => { if (done < count) reject(new Error('connection closed')); });
      this.socket.on('data', scan);
      const pending = this.buf;
      this.buf = Buffer.alloc(0);
      if (pending.length) scan(pending);
    });
  }
  write(s: string): void {
    this.socket.write(s);
  }
  async closedByPeer(): Promise<void> {
    while (!this.closed) {
      await new Promise<void>((r) => { this.wake = r; });
      this.wake = null;
    }
  }
}

/** One full login cycle. */
export async function loginCycle(port: number, user: string, pass: string): Promise<void> {
  const c = await Conn.open(port);
  await c.ok();
  await c.ok(`USER ${user}`);
  await c.ok(`PASS ${pass}`);
  await c.ok('STAT');
  await c.ok('QUIT');
  c.socket.destroy();
}

/** `clients` loops of login cycles for `ms`; returns logins per second. */
export async function loginRate(port: number, users: (i: number) => string, pass: string, clients: number, ms: number): Promise<number> {
  const until = Date.now() + ms;
  let count = 0;
  const start = Date.now();
  await Promise.all(Array.from({ length: clients }, async (_, k) => {
    for (let round = 0; Date.now() < until; round++) {
      await loginCycle(port, users(k + 1 + (round % 5) * clients), pass);
      count++;
    }
  }));
  return count / ((Date.now() - start) / 1000);
}

/** Logs in and RETRs messages 1..n with `window` commands in flight; returns { bytes, seconds }. */
export async function retrSweep(port: number, user: string, pass: string, n: number, window = 16): Promise<{ bytes: number; seconds: number }> {
  const c = await Conn.open(port);
  await c.ok();
  await c.ok(`USER ${user}`);
  await c.ok(`PASS ${pass}`);
  const start = process.hrtime.bigint();
  let sent = 0;
  while (sent < Math.min(window, n)) c.write(`RETR ${++sent}\r\n`);
  const bytes = await c.multilines(n, () => { if (sent < n) c.write(`RETR ${++sent}\r\n`); });
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  await c.ok('QUIT');
  c.socket.destroy();
  return { bytes, seconds };
}

/** STAT count of a maildrop (to see whether a reference server has the bench mailbox). */
export async function statCount(port: number, user: string, pass: string): Promise<number> {
  const c = await Conn.open(port);
  await c.ok();
  await c.ok(`USER ${user}`);
  await c.ok(`PASS ${pass}`);
  const n = Number((await c.ok('STAT')).split(' ')[1]);
  await c.ok('QUIT');
  c.socket.destroy();
  return n;
}

export function reachable(port: number, host = '127.0.0.1'): Promise<boolean> {
  return new Promise((resolve) => {
    const s = net.connect({ port, host });
    s.once('connect', () => { s.destroy(); resolve(true); });
    s.once('error', () => resolve(false));
    s.setTimeout(1000, () => { s.destroy(); resolve(false); });
  });
}

// Run as a separate process, so the load client does not share the measured server's
// event loop:  node --import tsx bench/pop3-client.ts login PORT USERPATTERN PASS CLIENTS MS
//              node --import tsx bench/pop3-client.ts retr PORT USER PASS N
if (process.argv[1] && import.meta.url.endsWith(process.argv[1].split('/').pop() ?? '\0')) {
  const [mode, port, user, pass, a, b] = process.argv.slice(2);
  const out = mode === 'login'
    ? { rate: await loginRate(Number(port), (i) => user.replace('%d', String(i)), pass, Number(a), Number(b)) }
    : await retrSweep(Number(port), user, pass, Number(a));
  console.log(JSON.stringify(out));
}
