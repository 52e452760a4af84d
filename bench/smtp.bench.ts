/**
 * SMTP acceptance benchmark: messages accepted per second with 20 concurrent sessions
 * sending 5 KB messages to one local mailbox (durable: 250 after blob and rows are
 * fsynced), and p50/p99 latency of the final 250. The server runs in its own process
 * (test/smtp/support/child-server.ts). Two loads, each run against Posthorn and then
 * against Postfix on 127.0.0.1:10025 (see /work/shared/anchors) in the same run, so the
 * ratio holds on a busy machine: a built-in client that keeps 20 sessions open, pipelines
 * and times each final 250; and, when installed, Postfix's smtp-source (`-s 20 -l 5000`, a
 * connection per message, no latency figures), then the same with `-d` (sessions kept
 * open, no pipelining). Postfix lines are skipped when it does not answer.
 * SMTP_BENCH_MESSAGES sets the count per load (default 10000). Beside each Posthorn rate
 * the server process's CPU time per message (/proc/PID/stat: user + system) is printed — the
 * figure to compare before/after a change on a shared machine. SMTP_BENCH_ONLY=persistent
 * runs the built-in client's load only, =source the two smtp-source loads;
 * SMTP_BENCH_PROF=DIR writes the server's --cpu-prof into DIR.
 * Each load runs SMTP_BENCH_ROUNDS times (default 3) per server, Posthorn and Postfix taking
 * turns, and the summary compares the medians: Postfix's rate here moves by 2× within a
 * day with the disk and the machine's load, and one round of each was too few to tell.
 * Before each round the bench waits for the machine to fall quiet (quiet()), so neither
 * server's after-work (Posthorn's text indexing, Postfix's local delivery) runs in the
 * other's round.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { quiet } from './quiet.js';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import net from 'node:net';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const SESSIONS = 20;
const SIZE = 5000;
const MESSAGES = Number(process.env.SMTP_BENCH_MESSAGES ?? 10000);
/** Rounds per load and server; the summary takes each one's median. */
const ROUNDS = Math.max(1, Number(process.env.SMTP_BENCH_ROUNDS ?? 3));

async function startChild(dataDir: string): Promise<{ child: ChildProcess; port: number }> {
  // more libuv threads let the fsyncs of large blobs (files) overlap
  const env = { ...process.env, UV_THREADPOOL_SIZE: process.env.UV_THREADPOOL_SIZE ?? '32' };
  const prof = process.env.SMTP_BENCH_PROF ? ['--cpu-prof', '--cpu-prof-dir', process.env.SMTP_BENCH_PROF] : [];
  const child = spawn(process.execPath, [...prof, '--import', 'tsx', 'test/smtp/support/child-server.ts', dataDir], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'inherit'] });
  const port = await new Promise<number>((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /READY (\d+)/.exec(out);
      if (m) resolve(Number(m[1]));
    });
    child.once('exit', (code) => reject(new Error(`server exited with ${code}`)));
  });
  return { child, port };
}

/** smtp-source against `port`; `keep` (-d) sends every message of a session over one
 *  connection instead of a connection per message. */
function smtpSource(port: number, rcpt: string, count: number, keep = false): Result | null {
  const t0 = process.hrtime.bigint();
  const args = ['-4', ...(keep ? ['-d'] : []), '-s', String(SESSIONS), '-l', String(SIZE), '-m', String(count), '-f', 'bench@far.test', '-t', rcpt, '-M', 'bench.test', `127.0.0.1:${port}`];
  const r = spawnSync('smtp-source', args, { encoding: 'utf8', timeout: 600_000 });
  const secs = Number(process.hrtime.bigint() - t0) / 1e9;
  if (r.status !== 0) {
    console.error(`smtp-source failed: ${(r.stderr ?? '').split('\n').slice(-3).join(' ')}`);
    return null;
  }
  return { rate: count / secs };
}

function answers(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = net.connect({ port, host: '127.0.0.1' });
    s.once('data', (d) => { s.destroy(); resolve(d.toString().startsWith('220')); });
    s.once('error', () => resolve(false));
    s.setTimeout(1000, () => { s.destroy(); resolve(false); });
  });
}

/** One persistent session sending `n` messages; returns the latencies (ms) of the final 250s. */
async function session(port: number, n: number, body: string, rcpt: string): Promise<number[]> {
  const sock = net.connect({ port, host: '127.0.0.1' });
  sock.setNoDelay(true);
  let buf = '';
  const waiters: Array<() => void> = [];
  sock.on('data', (d: Buffer) => { buf += d.toString('latin1'); waiters.splice(0).forEach((f) => f()); });
  const reply = async (): Promise<string> => {
    for (;;) {
      const m = /^(\d{3}) [^\n]*\n/m.exec(buf);
      if (m) {
        const end = m.index + m[0].length;
        const r = buf.slice(0, end);
        buf = buf.slice(end);
        return r;
      }
      await new Promise<void>((r) => waiters.push(r));
    }
  };
  await reply();
  sock.write('EHLO bench.test\r\n');
  await reply();
  const lat: number[] = [];
  for (let i = 0; i < n; i++) {
    sock.write(`MAIL FROM:<bench@far.test>\r\nRCPT TO:<${rcpt}>\r\nDATA\r\n`);
    for (let k = 0; k < 3; k++) {
      const r = await reply();
      if (!/^(250|354)/.test(r)) throw new Error(`unexpected reply ${r}`);
    }
    const t0 = performance.now();
    sock.write(body);
    const r = await reply();
    if (!r.startsWith('250')) throw new Error(`message refused: ${r}`);
    lat.push(performance.now() - t0);
  }
  sock.end('QUIT\r\n');
  return lat;
}

function pct(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

interface Result { rate: number; p50?: number; p99?: number; cpuPerMsg?: number }

/** The built-in client: SESSIONS persistent sessions, MESSAGES in all. */
async function sessions(port: number, rcpt: string): Promise<Result> {
  const body = `From: bench@far.test\r\nTo: ${rcpt}\r\nSubject: bench\r\n\r\n${`${'x'.repeat(76)}\r\n`.repeat(Math.ceil(SIZE / 78))}.\r\n`;
  const per = Math.ceil(MESSAGES / SESSIONS);
  const t0 = performance.now();
  const lats = (await Promise.all(Array.from({ length: SESSIONS }, () => session(port, per, body, rcpt)))).flat().sort((a, b) => a - b);
  const secs = (performance.now() - t0) / 1000;
  return { rate: lats.length / secs, p50: pct(lats, 50), p99: pct(lats, 99) };
}

/** CPU time (user + system, ms) the process has used so far; null off Linux. */
function cpuMs(pid: number): number | null {
  try {
    // /proc/PID/stat: fields 14 and 15 (utime, stime) in clock ticks, after the ')' of comm
    const f = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
    return ((Number(f[11]) + Number(f[12])) * 1000) / 100; // USER_HZ is 100 on Linux
  } catch {
    return null;
  }
}

/** Runs a load against the Posthorn server and adds its CPU time per message. */
async function measured(pid: number, count: number, load: () => Result | null | Promise<Result | null>): Promise<Result | null> {
  const before = cpuMs(pid);
  const r = await load();
  const after = cpuMs(pid);
  if (r && before !== null && after !== null) r.cpuPerMsg = (after - before) / count;
  return r;
}

function line(who: string, load: string, r: Result | null): void {
  if (!r) return;
  const lat = r.p50 === undefined ? '' : `, final-250 latency p50 ${r.p50.toFixed(2)} ms, p99 ${r.p99!.toFixed(2)} ms`;
  const cpu = r.cpuPerMsg === undefined ? '' : `, server CPU ${r.cpuPerMsg.toFixed(2)} ms/msg`;
  console.log(`${who} accepted (${load}): ${r.rate.toFixed(0)} msg/s${lat}${cpu}  [load ${loadavg()[0].toFixed(1)}]`);
}

interface Row { load: string; ours: Result | null; theirs: Result | null; rounds: number }

/** The round whose rate is the median of `results` (null when any round failed). */
function median(results: Array<Result | null>): Result | null {
  if (results.length === 0 || results.some((r) => r === null)) return null;
  const sorted = (results as Result[]).slice().sort((a, b) => a.rate - b.rate);
  return sorted[Math.floor(sorted.length / 2)];
}

/** The figures side by side, once more at the end: median rates and their ratio per load. */
function summary(rows: Row[]): void {
  console.log(`summary, median of each server's rounds (load average now ${loadavg().map((x) => x.toFixed(1)).join(' ')}):`);
  for (const { load, ours, theirs, rounds } of rows) {
    const o = ours ? `${ours.rate.toFixed(0)} msg/s` : 'failed';
    const t = theirs ? `${theirs.rate.toFixed(0)} msg/s` : 'not measured';
    const x = ours && theirs ? `${(ours.rate / theirs.rate).toFixed(2)}x Postfix` : 'no ratio';
    const cpu = ours?.cpuPerMsg === undefined ? '' : `, ${ours.cpuPerMsg.toFixed(2)} ms CPU/msg`;
    console.log(`  ${load} (${rounds} rounds): posthorn ${o}${cpu} | postfix ${t} | posthorn/postfix ${x}`);
  }
}

/** Rounds of one load, Posthorn and Postfix taking turns, so that a change in the machine's
 *  load during the run (other processes, Postfix's own queue delivery) weighs on both. */
async function alternate(load: string, ours: () => Promise<Result | null>, theirs: (() => Result | null | Promise<Result | null>) | null): Promise<Row> {
  const mine: Array<Result | null> = [];
  const other: Array<Result | null> = [];
  for (let i = 0; i < ROUNDS; i++) {
    await quiet();
    mine.push(await ours());
    line('posthorn', load, mine[i]);
    if (!theirs) continue;
    await quiet();
    other.push(await theirs());
    line('postfix', load, other[i]);
  }
  return { load, ours: median(mine), theirs: theirs ? median(other) : null, rounds: ROUNDS };
}

export async function run(): Promise<void> {
  const memory = process.env.SMTP_BENCH_STORE === 'memory';
  const only = process.env.SMTP_BENCH_ONLY;
  const dataDir = memory ? 'memory' : mkdtempSync(join(tmpdir(), 'posthorn-smtp-bench-'));
  const { child, port } = await startChild(dataDir);
  const pid = child.pid!;
  console.log(`load average before the run: ${loadavg()[0].toFixed(1)} (${cpus().length} CPUs); ${MESSAGES} messages per round, ${ROUNDS} rounds per load and server, ${SESSIONS} sessions, ${SIZE} bytes`);
  const rows: Row[] = [];
  try {
    const postfix = await answers(10025);
    if (!postfix) console.log('postfix: not running on 127.0.0.1:10025 (start-anchors.sh postfix), not measured');
    if (only !== 'source') {
      const load = `${SESSIONS} persistent sessions, ${memory ? 'memory store' : 'durable'}`;
      const per = Math.ceil(MESSAGES / SESSIONS) * SESSIONS;
      rows.push(await alternate(load, () => measured(pid, per, () => sessions(port, 'alice@example.test')), postfix ? () => sessions(10025, 'user1@test') : null));
    }
    if (only !== 'persistent') {
      if (spawnSync('which', ['smtp-source']).status !== 0) {
        console.log('smtp-source: not installed (apt-get install postfix), smtp-source loads skipped');
      } else {
        const load = `smtp-source -s ${SESSIONS} -l ${SIZE}, a connection per message`;
        rows.push(await alternate(load, () => measured(pid, MESSAGES, () => smtpSource(port, 'alice@example.test', MESSAGES)), postfix ? () => smtpSource(10025, 'user1@test', MESSAGES) : null));
        // the same client with its sessions kept open (it does not pipeline, as the built-in
        // client above does): the persistent load with a client that is neither server's own
        const kept = `smtp-source -d -s ${SESSIONS} -l ${SIZE}, persistent sessions`;
        rows.push(await alternate(kept, () => measured(pid, MESSAGES, () => smtpSource(port, 'alice@example.test', MESSAGES, true)), postfix ? () => smtpSource(10025, 'user1@test', MESSAGES, true) : null));
      }
    }
    summary(rows);
  } finally {
    child.kill('SIGTERM');
    await new Promise((r) => child.once('exit', r));
    if (!memory) rmSync(dataDir, { recursive: true, force: true });
  }
}
