/**
 * Issue #3: "a 50 MB message streams to its blob in bounded memory". `posthorn serve` runs
 * in a child process (on SQLite or PostgreSQL: large-message-*.test.ts); a 50 MB message
 * arrives by DATA on port 25 and another by BDAT on 587 while the server's resident memory
 * is sampled from /proc; then POP3 reads the first back and IMAP the second, and they must
 * be the bytes that were sent.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { join } from 'node:path';
import { posthorn, serve, tempData } from '../../e2e/support.js';
import { pgAvailable, pgBaseUrl } from '../../support/pg.js';

const SIZE = 50_000_000;
/** Resident memory the server may gain while taking a 50 MB (47.7 MiB) message. What is
 *  held on purpose is a few MiB (spool staging, 1 MiB read-back pieces and SQL chunks, the
 *  header block); the rest is dead Buffers and strings V8 frees lazily (socket reads alone
 *  make 50 MB of them), and how long they last depends on what else the machine does:
 *  13–25 MiB measured alone, up to 47 MiB with the whole suite running beside it. A server
 *  that holds the message whole needs its bytes twice at least (the received chunks and
 *  the joined message) — over 95 MiB — so this budget still tells the two apart. */
const RSS_BUDGET = { sqlite: 64 * 1024 * 1024, postgres: 88 * 1024 * 1024 };
// PostgreSQL: the pg driver copies every 1 MiB chunk row into its parameters and again out
// of result rows on the way back, and that garbage outlives the message for a while:
// 24–53 MiB alone, 76 MiB once in a quiet CI run (2026-12-02). Still under the > 95 MiB a
// server needs to hold the message whole.

/** A deterministic message of about `size` octets: header, then numbered text lines. */
function* message(tag: string, size: number): Generator<Buffer> {
  const head = `From: <bob@remote.test>\r\nTo: <alice@example.test>\r\nSubject: ${tag}\r\nDate: Wed, 02 Dec 2026 06:00:00 +0000\r\nMessage-ID: <${tag}@remote.test>\r\n\r\n`;
  yield Buffer.from(head);
  let n = head.length;
  let i = 0;
  while (n < size) {
    const lines: string[] = [];
    for (let k = 0; k < 1000 && n < size; k++, i++) {
      const l = `line ${i} ${tag} ${'abcdefghij'.repeat(6)}\r\n`;
      lines.push(l);
      n += l.length;
    }
    yield Buffer.from(lines.join(''));
  }
}

function digestOf(tag: string): { sha: string; length: number } {
  const h = createHash('sha256');
  let length = 0;
  for (const b of message(tag, SIZE)) {
    h.update(b);
    length += b.length;
  }
  return { sha: h.digest('hex'), length };
}

/** A raw socket with a byte buffer: read a line, or exactly n octets, or up to a marker. */
class Wire {
  private chunks: Buffer[] = [];
  private have = 0;
  private wait: (() => void) | null = null;
  private constructor(readonly sock: net.Socket) {
    sock.on('data', (d: Buffer) => {
      this.chunks.push(d);
      this.have += d.length;
      this.wait?.();
    });
    sock.on('error', () => undefined);
  }
  static async open(port: number): Promise<Wire> {
    const s = net.connect({ host: '127.0.0.1', port });
    await new Promise<void>((resolve, reject) => { s.once('connect', resolve); s.once('error', reject); });
    return new Wire(s);
  }
  private async more(): Promise<void> {
    await new Promise<void>((resolve, reject) => {
      const t = setTimeout(() => reject(new Error('timed out reading')), 120_000);
      this.wait = () => { clearTimeout(t); this.wait = null; resolve(); };
    });
  }
  private take(n: number): Buffer {
    const all = Buffer.concat(this.chunks);
    this.chunks = n < all.length ? [all.subarray(n)] : [];
    this.have = all.length - n;
    return all.subarray(0, n);
  }
  async line(): Promise<string> {
    for (;;) {
      const all = Buffer.concat(this.chunks);
      this.chunks = [all];
      const i = all.indexOf('\r\n');
      if (i >= 0) return this.take(i + 2).toString('latin1').slice(0, -2);
      await this.more();
    }
  }
  /** Reads reply lines until the last one of a reply; returns it. */
  async reply(): Promise<string> {
    for (;;) {
      const l = await this.line();
      if (/^\d{3} /.test(l)) return l;
    }
  }
  async bytes(n: number): Promise<Buffer> {
    while (this.have < n) await this.more();
    return this.take(n);
  }
  /** Everything up to and including `marker`; searched from the tail so it stays linear. */
  async until(marker: string): Promise<Buffer> {
    const m = Buffer.from(marker);
    const parts: Buffer[] = [];
    let tail = Buffer.alloc(0);
    for (;;) {
      const all = Buffer.concat([tail, ...this.chunks]);
      this.chunks = [];
      this.have = 0;
      const i = all.indexOf(m);
      if (i >= 0) {
        parts.push(all.subarray(0, i + m.length));
        const rest = all.subarray(i + m.length);
        if (rest.length > 0) { this.chunks = [rest]; this.have = rest.length; }
        return Buffer.concat(parts);
      }
      const keep = Math.min(all.length, m.length);
      parts.push(all.subarray(0, all.length - keep));
      tail = all.subarray(all.length - keep);
      await this.more();
    }
  }
  async send(data: string | Buffer): Promise<void> {
    if (!this.sock.write(data)) await new Promise((r) => this.sock.once('drain', r));
  }
  close(): void {
    this.sock.destroy();
  }
}

/** Samples the process's resident set every 10 ms until stopped; returns the peak. */
function rss(pid: number): number {
  const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  if (!m) throw new Error(`server process ${pid} has exited`);
  return Number(m[1]) * 1024;
}

function rssSampler(pid: number): { stop(): number } {
  const read = () => rss(pid);
  let peak = read();
  let gone = false;
  const t = setInterval(() => {
    try {
      peak = Math.max(peak, read());
    } catch {
      gone = true; // the server exited: stop() says so in the test, not in a timer
      clearInterval(t);
    }
  }, 10);
  return { stop: () => (clearInterval(t), gone ? read() : Math.max(peak, read())) };
}


async function greet(w: Wire, auth: boolean): Promise<void> {
  assert.match(await w.reply(), /^220 /);
  await w.send('EHLO remote.test\r\n');
  assert.match(await w.reply(), /^250 /);
  if (auth) {
    await w.send(`AUTH PLAIN ${Buffer.from('\0alice@example.test\0correct-horse-9').toString('base64')}\r\n`);
    assert.match(await w.reply(), /^235 /);
  }
}

/** `sent` hears how long the message took to send, before the reply is awaited. */
type Sent = (ms: number) => void;

async function sendData(w: Wire, tag: string, size: number, sent?: Sent): Promise<string> {
  const t0 = Date.now();
  await w.send('MAIL FROM:<bob@remote.test>\r\nRCPT TO:<alice@example.test>\r\nDATA\r\n');
  assert.match(await w.reply(), /^250 /);
  assert.match(await w.reply(), /^250 /);
  assert.match(await w.reply(), /^354 /);
  for (const b of message(tag, size)) await w.send(b); // no line starts with '.': no stuffing
  await w.send('.\r\n');
  sent?.(Date.now() - t0);
  return w.reply();
}

async function sendBdat(w: Wire, tag: string, size: number, sent?: Sent): Promise<string> {
  const t0 = Date.now();
  await w.send('MAIL FROM:<alice@example.test>\r\nRCPT TO:<alice@example.test>\r\n');
  assert.match(await w.reply(), /^250 /);
  assert.match(await w.reply(), /^250 /);
  let chunks = 0;
  for (const b of message(tag, size)) {
    await w.send(`BDAT ${b.length}\r\n`);
    await w.send(b);
    chunks++;
  }
  await w.send('BDAT 0 LAST\r\n');
  sent?.(Date.now() - t0);
  for (let i = 0; i < chunks; i++) assert.match(await w.reply(), /^250 /);
  return w.reply();
}

/** POP3 RETR of message n, dot-unstuffed. */
async function popRetr(port: number, n: number): Promise<Buffer> {
  const p = await Wire.open(port);
  assert.match(await p.line(), /^\+OK/);
  await p.send('USER alice@example.test\r\n');
  assert.match(await p.line(), /^\+OK/);
  await p.send('PASS correct-horse-9\r\n');
  assert.match(await p.line(), /^\+OK/);
  await p.send(`RETR ${n}\r\n`);
  assert.match(await p.line(), /^\+OK/);
  const raw = await p.until('\r\n.\r\n');
  await p.send('QUIT\r\n');
  p.close();
  // RFC 1939 §3: lines starting with '.' were stuffed
  return Buffer.from(raw.subarray(0, raw.length - 3).toString('latin1').replace(/^\./gm, ''), 'latin1');
}

/** IMAP FETCH of message n's text (after the header block). */
async function imapText(port: number, n: number): Promise<Buffer> {
  const c = await Wire.open(port);
  assert.match(await c.line(), /^\* OK/);
  await c.send('a LOGIN alice@example.test correct-horse-9\r\n');
  for (let l = await c.line(); !l.startsWith('a '); l = await c.line());
  await c.send('b SELECT INBOX\r\n');
  for (let l = await c.line(); !l.startsWith('b '); l = await c.line());
  await c.send(`c FETCH ${n} (BODY.PEEK[TEXT])\r\n`);
  const head = await c.line();
  const m = /\{(\d+)\}$/.exec(head);
  assert.ok(m, head);
  const text = await c.bytes(Number(m[1]));
  for (let l = await c.line(); !l.startsWith('c '); l = await c.line());
  c.close();
  return text;
}

function tailMatches(stored: Buffer, tag: string): void {
  const want = digestOf(tag);
  const tail = stored.subarray(stored.length - want.length);
  assert.equal(createHash('sha256').update(tail).digest('hex'), want.sha, `${tag}: the stored message ends with the bytes sent`);
  // what comes before is only the header fields the server added
  const added = stored.subarray(0, stored.length - want.length).toString('latin1');
  for (const f of added.split(/\r\n(?![ \t])/).filter((x) => x !== '')) assert.match(f, /^(Return-Path|Received|Received-SPF|Authentication-Results|ARC-[A-Za-z-]+): /, f);
}

function bodyOf(tag: string): string {
  const h = createHash('sha256');
  let first = true;
  for (const b of message(tag, SIZE)) {
    if (first) first = false; // the header block is the first piece
    else h.update(b);
  }
  return h.digest('hex');
}

/** Registers the test for one store and one way of sending (one file each keeps every
 *  file well under the test runner's time limit). */
export function largeMessageTest(kind: 'sqlite' | 'postgres', by: 'DATA' | 'BDAT', todo?: string): void {
  test(`50 MB by ${by} (${kind}): bounded server memory, stored byte for byte, read back over ${by === 'DATA' ? 'POP3' : 'IMAP'}`, { todo }, async (t) => {
    if (kind === 'postgres' && !(await pgAvailable())) return t.skip('PostgreSQL not reachable');
    const data = tempData();
    try {
      const storeUrl = kind === 'postgres' ? `[store]\nurl = "${pgBaseUrl()}?schema=big_${randomBytes(5).toString('hex')}"\n` : '';
      writeFileSync(join(data.dir, 'posthorn.toml'), storeUrl);
      assert.equal(posthorn(data.dir, ['domain', 'add', 'example.test']).status, 0);
      assert.equal(posthorn(data.dir, ['user', 'add', 'alice@example.test', '--password-stdin'], 'correct-horse-9\n').status, 0);
      const s = await serve(data.dir, by === 'DATA' ? ['smtp', 'pop3'] : ['submission', 'imap']);
      try {
        const pid = s.child.pid!;
        const w = await Wire.open(by === 'DATA' ? s.ports.smtp : s.ports.submission);
        await greet(w, by === 'BDAT');
        // warm-up: a large message through the same path loads every module and lets the
        // JS heap reach its working size, so what is measured is what a message costs
        const send = by === 'DATA' ? sendData : sendBdat;
        assert.match(await send(w, 'warm', 10_000_000, (ms) => t.diagnostic(`warm sent in ${ms} ms`)), /^250 2\.0\.0 /);
        await new Promise((r) => setTimeout(r, 300));
        const base = rss(pid);
        const sampler = rssSampler(pid);
        const tag = `big-${by.toLowerCase()}`;
        const started = Date.now();
        assert.match(await send(w, tag, SIZE, (ms) => t.diagnostic(`${by} sent in ${ms} ms`)), /^250 2\.0\.0 /);
        t.diagnostic(`${by} answered 250 after ${Date.now() - started} ms`);
        const grew = sampler.stop() - base;
        w.close();
        t.diagnostic(`server RSS growth for ${SIZE} octets by ${by} on ${kind}: ${(grew / 2 ** 20).toFixed(1)} MiB`);
        assert.ok(grew < RSS_BUDGET[kind], `server RSS grew ${grew} octets`);
        if (by === 'DATA') tailMatches(await popRetr(s.ports.pop3, 2), tag);
        else assert.equal(createHash('sha256').update(await imapText(s.ports.imap, 2)).digest('hex'), bodyOf(tag));
      } catch (err) {
        // what the server said and whether it still runs is what tells a hang from a crash
        const state = s.child.exitCode !== null || s.child.signalCode !== null ? `exited (code ${s.child.exitCode}, signal ${s.child.signalCode})` : 'still running';
        t.diagnostic(`server ${state}; its output:\n${s.output().slice(-4000)}`);
        throw err;
      } finally {
        await s.stop();
      }
    } finally {
      data.remove();
    }
  });
}
