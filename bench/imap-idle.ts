/**
 * Memory of idle IMAP sessions: N connections that each LOGIN, SELECT INBOX and sit in IDLE.
 * Posthorn runs in its own process (bench/imap-server.ts); its RSS is read from /proc before
 * and while the connections are held. The Dovecot anchor forks a process per connection
 * (process_limit 2000 here), so it gets fewer connections and its whole process tree is
 * summed (RSS and PSS, as /work/shared/anchors/mem-idle.sh does); both print per connection.
 * Posthorn's figures are read after a full garbage collection in the server.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import net from 'node:net';
import { startServerChild } from './imap-child.js';
import { reachable } from './imap-load.js';

const POSTHORN_CONNS = Number(process.env.IDLE_CONNS ?? 10_000);
const DOVECOT_CONNS = 1_000;
const DOVECOT_PID = '/tmp/anchors/dovecot/run/master.pid';
const PARALLEL = 100;

/** Opens one session and resolves once the server answered IDLE with "+". */
function idleSession(port: number, user: string): Promise<net.Socket> {
  return new Promise((resolve, reject) => {
    const s = net.connect({ port, host: '127.0.0.1' });
    let buf = '';
    let step = 0;
    const steps: Array<[string, string | null]> = [
      ['* OK', `a LOGIN ${user} pass\r\n`], ['a OK', 'b SELECT INBOX\r\n'], ['b OK', 'c IDLE\r\n'], ['+ ', null],
    ];
    s.setEncoding('latin1');
    s.on('data', (d: string) => {
      buf += d;
      while (step < steps.length && buf.includes(steps[step][0])) {
        buf = buf.slice(buf.indexOf(steps[step][0]) + steps[step][0].length);
        const next = steps[step][1];
        step++;
        if (next) s.write(next);
        else resolve(s);
      }
      if (/^[abc] (NO|BAD)/m.test(buf)) reject(new Error(`${user}: ${buf.trim()}`));
    });
    s.once('error', reject);
  });
}

async function openMany(port: number, n: number, user: (i: number) => string): Promise<net.Socket[]> {
  const out: net.Socket[] = [];
  for (let i = 0; i < n; i += PARALLEL) {
    const batch = Array.from({ length: Math.min(PARALLEL, n - i) }, (_, k) => idleSession(port, user(i + k)));
    out.push(...(await Promise.all(batch)));
  }
  return out;
}

/** The pid and all its descendants. */
function tree(pid: number): number[] {
  const out = [pid];
  for (const task of safe(() => readdirSync(`/proc/${pid}/task`), [])) {
    const children = safe(() => readFileSync(`/proc/${pid}/task/${task}/children`, 'utf8').trim().split(/\s+/).filter(Boolean).map(Number), []);
    for (const c of children) out.push(...tree(c));
  }
  return out;
}

function safe<T>(fn: () => T, fallback: T): T {
  try {
    return fn();
  } catch {
    return fallback;
  }
}

/** Sum of Rss and Pss (KiB) over the process tree. */
function memory(pid: number): { rss: number; pss: number; procs: number } {
  let rss = 0;
  let pss = 0;
  let procs = 0;
  for (const p of tree(pid)) {
    const text = safe(() => readFileSync(`/proc/${p}/smaps_rollup`, 'utf8'), '');
    if (!text) continue;
    procs++;
    rss += Number(/^Rss:\s+(\d+)/m.exec(text)?.[1] ?? 0);
    pss += Number(/^Pss:\s+(\d+)/m.exec(text)?.[1] ?? 0);
  }
  return { rss, pss, procs };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const mib = (kib: number) => (kib / 1024).toFixed(1);

/** Posthorn's server collects garbage on SIGUSR2 (imap-server.ts); Dovecot is left alone. */
async function settle(pid: number, collect: boolean): Promise<void> {
  if (collect) process.kill(pid, 'SIGUSR2');
  await sleep(1500);
}

async function measure(label: string, port: number, pid: number, n: number, user: (i: number) => string, collect: boolean): Promise<void> {
  await settle(pid, collect);
  const before = memory(pid);
  const start = performance.now();
  const socks = await openMany(port, n, user);
  const opened = (performance.now() - start) / 1000;
  await sleep(1500);
  await settle(pid, collect);
  const during = memory(pid);
  for (const s of socks) s.destroy();
  console.log(`idle ${label}: ${n} sessions in IDLE (opened in ${opened.toFixed(1)} s): RSS ${mib(before.rss)} -> ${mib(during.rss)} MiB `
    + `(+${mib(during.rss - before.rss)} MiB, ${((during.rss - before.rss) / n).toFixed(1)} KiB/conn), `
    + `PSS +${mib(during.pss - before.pss)} MiB (${((during.pss - before.pss) / n).toFixed(1)} KiB/conn), processes ${before.procs} -> ${during.procs}`);
}

export async function idleMemory(): Promise<void> {
  const server = await startServerChild();
  try {
    await measure('Posthorn', server.port, server.pid, POSTHORN_CONNS, (i) => `user${(i % 100) + 1}@bench.test`, true);
  } catch (err) {
    console.log(`idle Posthorn: failed: ${(err as Error).message}`);
  } finally {
    await server.stop();
  }
  if (!existsSync(DOVECOT_PID) || !(await reachable(10143))) {
    console.log('idle Dovecot: anchor not running, skipped');
    return;
  }
  const pid = Number(readFileSync(DOVECOT_PID, 'utf8').trim());
  await measure('Dovecot', 10143, pid, DOVECOT_CONNS, (i) => `user${(i % 100) + 1}`, false);
}
