/**
 * POP3 throughput (issue 5): logins per second (USER/PASS, STAT, QUIT) with 20 concurrent
 * clients, RETR MB/s over a 1,000 × 50 KB maildrop, and memory per idle logged-in session —
 * for Posthorn and, when its anchor runs on 127.0.0.1:10110, Dovecot under the same load.
 */
import { execFile, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { chownSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { hashPassword } from '../src/auth/password.js';
import { silentLogger } from '../src/lib/log.js';
import { AuthFailureTracker } from '../src/mail/authenticate.js';
import { ChangeBus } from '../src/mail/changes.js';
import { startPop3Server } from '../src/server/pop3/index.js';
import { testTls } from '../test/pop3/support/harness.js';
import { benchStore } from './pop3-store.js';
import { reachable, statCount } from './pop3-client.js';

const CLIENTS = 20;
const LOGIN_MS = Number(process.env.BENCH_POP3_LOGIN_MS ?? 5000);
const MESSAGES = 1000;
const SIZE = 50 * 1024;
const DOVECOT_PORT = 10110;
const ANCHOR_MAIL = '/tmp/anchors/dovecot-mail';

/** A deterministic ~50 KB message: header and 76-column base64-looking lines. */
export function benchMessage(i: number): Buffer {
  const head = `From: bench@example.test\r\nTo: user@example.test\r\nSubject: bench message ${i}\r\nMessage-ID: <bench.${i}@example.test>\r\n\r\n`;
  const line = (n: number) => Buffer.from(`${i}.${n}.`.padEnd(76, 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789') + '\r\n');
  const parts = [Buffer.from(head)];
  let size = parts[0].length;
  for (let n = 0; size + 78 <= SIZE; n++) { const l = line(n); parts.push(l); size += l.length; }
  return Buffer.concat(parts);
}

const CLIENT = fileURLToPath(new URL('./pop3-client.ts', import.meta.url));

/** Runs the load client in its own process; returns its JSON answer. */
async function client<T>(...args: Array<string | number>): Promise<T> {
  const { stdout } = await promisify(execFile)(process.execPath, ['--import', 'tsx', CLIENT, ...args.map(String)], { maxBuffer: 1 << 20 });
  return JSON.parse(stdout) as T;
}

async function loginRate(port: number, pattern: string): Promise<number> {
  return (await client<{ rate: number }>('login', port, pattern, 'pass', CLIENTS, LOGIN_MS)).rate;
}

async function retrSweep(port: number, user: string, n: number): Promise<{ bytes: number; seconds: number }> {
  return client('retr', port, user, 'pass', n);
}

/** Median MB/s of three sweeps (the machine is shared: single runs are noisy). */
async function retrRate(port: number, user: string): Promise<number> {
  const rates: number[] = [];
  for (let i = 0; i < 3; i++) {
    const r = await retrSweep(port, user, MESSAGES);
    rates.push(r.bytes / r.seconds / 1e6);
  }
  return rates.sort((a, b) => a - b)[1];
}

function print(label: string, value: number, unit: string): void {
  console.log(`${label}: ${value.toFixed(1)} ${unit}`);
}

export async function run(): Promise<void> {
  const { store, label, cleanup } = await benchStore();
  const hash = await hashPassword('pass');
  await store.directory.addDomain('bench.test');
  for (let i = 1; i <= 100; i++) await store.directory.addAccount({ address: `user${i}@bench.test`, passwordHash: hash });
  const retrAccount = await store.directory.addAccount({ address: 'retr@bench.test', passwordHash: hash });
  const inbox = await store.mail.getMailbox(retrAccount.id, 'INBOX');
  if (!inbox) throw new Error('no INBOX');
  for (let i = 0; i < MESSAGES; i += 100) {
    const batch = [];
    for (let j = i; j < i + 100; j++) {
      const raw = benchMessage(j);
      batch.push({ mailboxId: inbox.id, message: { blobId: await store.blobs.put(raw), size: raw.length, internalDate: Date.now(), flags: [], metadata: '{}', searchText: '' } });
    }
    await store.mail.append(batch);
  }
  const server = await startPop3Server({
    host: '127.0.0.1', port: 0, implicitTls: false, hostname: 'bench.test', tls: await testTls(), store, bus: new ChangeBus(store.events),
    log: silentLogger, allowPlaintextOnLoopback: true, authFailures: new AuthFailureTracker(), maxConnectionsPerIp: 1000,
  });
  const port = server.address.port;
  const dovecot = await reachable(DOVECOT_PORT);
  try {
    console.log(`# store: ${label}; ${CLIENTS} clients, ${LOGIN_MS / 1000} s per login run; argon2id (m=19 MiB, t=2) vs Dovecot {PLAIN}`);
    print('posthorn pop3 logins (USER/PASS, STAT, QUIT; 20 clients)', await loginRate(port, 'user%d@bench.test'), 'logins/s');
    if (dovecot) print('dovecot pop3 logins (USER/PASS, STAT, QUIT; 20 clients)', await loginRate(DOVECOT_PORT, 'user%d'), 'logins/s');

    await retrSweep(port, 'retr@bench.test', 50); // warm-up
    print('posthorn pop3 RETR (1,000 × 50 KB, median of 3)', await retrRate(port, 'retr@bench.test'), 'MB/s');
    if (dovecot) {
      const n = await fillDovecotMaildrop('user100');
      if (n >= MESSAGES) {
        await retrSweep(DOVECOT_PORT, 'user100', 50);
        print('dovecot pop3 RETR (1,000 × 50 KB, median of 3)', await retrRate(DOVECOT_PORT, 'user100'), 'MB/s');
      } else {
        console.log(`# dovecot RETR skipped: user100 has ${n} messages, could not add more`);
      }
    } else {
      console.log(`# dovecot not reachable on 127.0.0.1:${DOVECOT_PORT}: no side-by-side figures`);
    }
    const memOurs = await memIdle(port, process.pid, 'user%d@bench.test');
    if (memOurs) print('posthorn pop3 memory per idle logged-in session (PSS)', memOurs, 'KiB');
    const masterPid = dovecot ? readPid('/tmp/anchors/dovecot/run/master.pid') : null;
    if (masterPid) {
      const memTheirs = await memIdle(DOVECOT_PORT, masterPid, 'user%d');
      if (memTheirs) print('dovecot pop3 memory per idle logged-in session (PSS)', memTheirs, 'KiB');
    }
  } finally {
    await server.close();
    await cleanup();
  }
}

function readPid(file: string): number | null {
  try {
    return Number(readFileSync(file, 'utf8').trim()) || null;
  } catch {
    return null;
  }
}

/** Tops the anchor user's Maildir up to 1,000 bench messages (files in new/, owned by the
 *  Dovecot user); returns the STAT count Dovecot then reports. */
async function fillDovecotMaildrop(user: string): Promise<number> {
  const have = await statCount(DOVECOT_PORT, user, 'pass');
  const dir = join(ANCHOR_MAIL, user, 'Maildir', 'new');
  if (have >= MESSAGES || !existsSync(dir)) return have;
  const owner = join(ANCHOR_MAIL, user, 'Maildir');
  const { statSync } = await import('node:fs');
  const st = statSync(owner);
  for (let i = have; i < MESSAGES; i++) {
    const raw = benchMessage(i);
    const lf = Buffer.from(raw.toString('latin1').replace(/\r\n/g, '\n'), 'latin1'); // Maildir stores LF
    // Maildir++ name: S= file size, W= RFC 822 (CRLF) size, as Dovecot checks them
    const f = join(dir, `${Date.now()}.P${process.pid}Q${i}.bench,S=${lf.length},W=${raw.length}`);
    writeFileSync(f, lf);
    chownSync(f, st.uid, st.gid);
  }
  return statCount(DOVECOT_PORT, user, 'pass');
}

/** Runs the shared mem-idle.sh (detached, so it is not counted in our own process tree)
 *  with 100 logged-in POP3 connections (one per user: a POP3 maildrop takes one session); returns PSS KiB per connection. */
async function memIdle(port: number, pid: number, userPattern: string): Promise<number | null> {
  const script = '/work/shared/anchors/mem-idle.sh';
  if (!existsSync(script)) return null;
  const dir = mkdtempSync(join(tmpdir(), 'pop3-mem-'));
  const out = join(dir, 'out');
  try {
    spawn('sh', ['-c', `nohup ${script} 127.0.0.1 ${port} 100 ${pid} pop3 '${userPattern}' pass > ${out} 2>&1; echo done >> ${out} &`], { stdio: 'ignore' }).unref();
    for (let i = 0; i < 600; i++) {
      await new Promise((r) => setTimeout(r, 100));
      const text = existsSync(out) ? readFileSync(out, 'utf8') : '';
      if (/^done$/m.test(text)) {
        const m = /per_conn: rss=[\d.]+KiB pss=([\d.-]+)KiB/.exec(text);
        if (!m) console.log(`# mem-idle: ${text.trim().replace(/\n/g, ' | ')}`);
        return m ? Number(m[1]) : null;
      }
    }
    return null;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
