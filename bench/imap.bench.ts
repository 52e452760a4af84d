/**
 * IMAP benchmarks (issue 6): imaptest's load with 50 clients against Posthorn and the Dovecot
 * anchor (imap-load.ts), memory of 10,000 sessions idling in IDLE (imap-idle.ts), and on a
 * 100,000-message mailbox (SQLite store in a temp folder) the wall time a client sees for
 * SELECT, `FETCH 1:* (UID FLAGS)`, `UID SEARCH SUBJECT "x"`, `SEARCH TEXT "x"` and
 * `SORT (DATE) UTF-8 ALL`, each from sending the command to its tagged OK. Messages are
 * stored through the store in batches (the time to fill is reported too, not part of the
 * figures). IMAP_BENCH=load,idle,mailbox picks parts (default all).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import net from 'node:net';
import { hashPassword } from '../src/auth/password.js';
import { silentLogger } from '../src/lib/log.js';
import { ChangeBus } from '../src/mail/changes.js';
import { storedMetadata } from '../src/mime/stored-metadata.js';
import { parseMessage } from '../src/mime/parse.js';
import { searchTextOf } from '../src/mime/search-text.js';
import { summaryOf } from '../src/mime/summary.js';
import { startImapServer } from '../src/server/imap/index.js';
import { openStore } from '../src/store/open.js';
import type { NewMessage } from '../src/store/types.js';
import { testTls } from '../test/imap/support/harness.js';
import { idleMemory } from './imap-idle.js';
import { imaptestLoad } from './imap-load.js';

const COUNT = 100_000;
const BATCH = 1000;
const DISTINCT = 200;

function message(i: number): Buffer {
  const subject = i % 1000 === 0 ? `report x ${i}` : `bench ${i}`;
  return Buffer.from(`From: Bench <bench@example.test>\r\nTo: user@example.test\r\nSubject: ${subject}\r\nDate: Mon, 1 Jan 2024 10:00:00 +0000\r\nMessage-ID: <${i}@example.test>\r\n\r\nHello ${i % 7 === 0 ? 'x' : 'y'} world, line one\r\nline two\r\n`);
}

/** A tiny pipelining-free client: sends one command, resolves at its tagged response. A large
 *  response is kept as received chunks and only the newest part is searched for the tag, so
 *  the client's own work stays linear in the response size. */
class Client {
  private chunks: string[] = [];
  /** Characters of the chunks already searched (the tag may straddle two chunks). */
  private scanned = 0;
  private size = 0;
  private waiting: ((s: string) => void) | null = null;
  private tag = 0;
  private want = '';
  constructor(private readonly s: net.Socket) {
    s.setEncoding('latin1');
    s.on('data', (d: string) => {
      this.chunks.push(d);
      this.size += d.length;
      this.check();
    });
  }
  private check(): void {
    if (!this.waiting || this.size === 0) return;
    const tail = this.chunks.length > 1 ? this.chunks[this.chunks.length - 2].slice(-(this.want.length + 3)) : '';
    const last = this.chunks[this.chunks.length - 1];
    const probe = `${this.scanned === 0 ? '\r\n' : ''}${tail}${last}`;
    if (!probe.includes(`\r\n${this.want} `)) {
      this.scanned = this.size;
      return;
    }
    const buf = this.chunks.join('');
    const i = buf.indexOf(`\r\n${this.want} `);
    const at = buf.startsWith(`${this.want} `) ? 0 : i + 2;
    const end = buf.indexOf('\r\n', at);
    if (end === -1) {
      this.chunks = [buf];
      return;
    }
    const out = buf.slice(0, end);
    const rest = buf.slice(end + 2);
    this.chunks = rest ? [rest] : [];
    this.size = rest.length;
    this.scanned = 0;
    const w = this.waiting;
    this.waiting = null;
    w(out);
  }
  async cmd(text: string): Promise<{ ms: number; cpuMs: number; bytes: number }> {
    this.want = `b${++this.tag}`;
    const start = performance.now();
    const cpu = process.cpuUsage();
    const done = new Promise<string>((resolve) => (this.waiting = resolve));
    this.s.write(`${this.want} ${text}\r\n`);
    this.check();
    const out = await done;
    if (!out.slice(out.lastIndexOf(this.want)).startsWith(`${this.want} OK`)) throw new Error(`${text}: ${out.slice(-200)}`);
    const used = process.cpuUsage(cpu);
    return { ms: performance.now() - start, cpuMs: (used.user + used.system) / 1000, bytes: out.length };
  }
}

export async function run(): Promise<void> {
  const parts = (process.env.IMAP_BENCH ?? 'load,idle,mailbox').split(',');
  if (parts.includes('load')) await imaptestLoad();
  if (parts.includes('idle')) await idleMemory();
  if (parts.includes('mailbox')) await bigMailbox();
}

async function bigMailbox(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'posthorn-imap-bench-'));
  const store = await openStore({ url: `sqlite:${join(dir, 'posthorn.db')}`, dataDir: dir });
  const bus = new ChangeBus(store.events);
  try {
    await store.directory.addDomain('example.test');
    const acc = await store.directory.addAccount({ address: 'bench@example.test', passwordHash: await hashPassword('bench password') });
    const inbox = await store.mail.getMailbox(acc.id, 'INBOX');
    if (!inbox) throw new Error('no INBOX');
    const fillStart = performance.now();
    const templates: Array<Omit<NewMessage, 'internalDate' | 'flags'>> = [];
    for (let i = 0; i < DISTINCT; i++) {
      const raw = message(i);
      const parsed = parseMessage(raw);
      templates.push({ blobId: await store.blobs.put(raw), size: raw.length, metadata: storedMetadata(parsed), summary: summaryOf(parsed), searchText: searchTextOf(parsed) });
    }
    for (let i = 0; i < COUNT; i += BATCH) {
      await store.mail.append(Array.from({ length: BATCH }, (_, k) => ({
        mailboxId: inbox.id,
        message: { ...templates[(i + k) % DISTINCT], internalDate: Date.UTC(2024, 0, 1) + i + k, flags: (i + k) % 3 === 0 ? ['\\Seen'] : [] },
      })));
    }
    const filled = performance.now();
    console.log(`fill ${COUNT} messages: ${((filled - fillStart) / 1000).toFixed(1)} s`);
    const server = await startImapServer({
      host: '127.0.0.1', port: 0, implicitTls: false, hostname: 'bench', tls: await testTls(), store, bus, log: silentLogger,
      allowPlaintextOnLoopback: true,
    });
    const socket = net.connect({ port: server.address.port, host: '127.0.0.1' });
    await new Promise((r) => socket.once('connect', r));
    socket.setNoDelay(true);
    const c = new Client(socket);
    await new Promise((r) => setTimeout(r, 50));
    await c.cmd('LOGIN bench@example.test "bench password"');
    // CPU time of this process (server and client) beside the wall time: the machine is shared.
    const report = (label: string, r: { ms: number; cpuMs: number }) => console.log(`${label}: ${r.ms.toFixed(0)} ms (cpu ${r.cpuMs.toFixed(0)} ms)`);
    console.log(`load average: ${loadavg().map((n) => n.toFixed(2)).join(' ')}`);
    report('SELECT INBOX (100k)', await c.cmd('SELECT INBOX'));
    report('FETCH 1:* (UID FLAGS)', await c.cmd('FETCH 1:* (UID FLAGS)'));
    report('UID SEARCH SUBJECT "x"', await c.cmd('UID SEARCH SUBJECT "x"'));
    // The fill is a bulk import: on SQLite most of its search text still waits for the
    // background indexer (sql/text-indexer.ts); the search scans what is still pending.
    report('SEARCH TEXT "x" (first after the bulk fill, texts still pending)', await c.cmd('SEARCH TEXT "x"'));
    report('SEARCH TEXT "y" (soon after)', await c.cmd('SEARCH TEXT "y"'));
    const mail = store.mail as { whenIndexed?: () => Promise<void> };
    if (mail.whenIndexed) {
      const waited = performance.now();
      await mail.whenIndexed();
      console.log(`background indexing caught up ${((performance.now() - filled) / 1000).toFixed(1)} s after the fill (waited ${((performance.now() - waited) / 1000).toFixed(1)} s)`);
    }
    report('SEARCH TEXT "y" (all indexed)', await c.cmd('SEARCH TEXT "y"'));
    report('SORT (DATE) UTF-8 ALL', await c.cmd('SORT (DATE) UTF-8 ALL'));
    report('NOOP (no changes)', await c.cmd('NOOP'));
    // what every session on the mailbox pays after any change to it: its next command reads
    // the changes since the MODSEQ it knows
    await store.mail.storeFlags(inbox.id, [[COUNT / 2, COUNT / 2]], 'add', ['\\Flagged']);
    report('NOOP after another session\'s STORE (one change)', await c.cmd('NOOP'));
    report('FETCH 1:100 (ENVELOPE BODYSTRUCTURE)', await c.cmd('FETCH 1:100 (ENVELOPE BODYSTRUCTURE)'));
    socket.destroy();
    await server.close();
  } finally {
    bus.close();
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
