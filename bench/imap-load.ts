/**
 * imaptest's benchmark (Dovecot's IMAP load tool, github.com/dovecot/imaptest; not packaged
 * in Debian, built by hand against Dovecot's libraries): 50 persistent clients (logout=0)
 * with its default command mix, against Posthorn (in its own process) and, in the same run,
 * the Dovecot anchor on 127.0.0.1:10143. Prints commands per second per command type and in
 * total, with the server's CPU time per command (Posthorn: its process, all threads, from
 * /proc, and its event loop's share: one thread, so what bounds its rate; Dovecot: its
 * master and every process under it, which spread over all cores) and the load
 * average — on a shared machine throughput follows the CPU share the server gets, CPU per
 * command much less. Each server runs IMAPTEST_ROUNDS rounds (default 3), taking turns, each
 * round once the machine is quiet (quiet.ts), and the last line compares the medians.
 * Skipped with a note when `imaptest` is not on PATH.
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import net from 'node:net';
import { startServerChild } from './imap-child.js';
import { quiet } from './quiet.js';

const CLIENTS = 50;
const SECS = Number(process.env.IMAPTEST_SECS ?? 20);
/** Rounds per server (IMAPTEST_ROUNDS); the summary compares medians. */
const ROUNDS = Math.max(1, Number(process.env.IMAPTEST_ROUNDS ?? 3));
const ANCHORS = '/work/shared/anchors';
const DOVECOT_PORT = 10143;

interface Result { names: string[]; perSec: number[]; total: number; errors: number; cpuMsPerCmd?: number; loopMsPerCmd?: number }

/** CPU time (user + system) a process has used so far, in ms — all its threads, or with
 *  `thread` that one (the process's own id is its main thread: the event loop); null off Linux. */
function cpuMs(pid: number, thread?: number): number | null {
  try {
    const path = thread === undefined ? `/proc/${pid}/stat` : `/proc/${pid}/task/${thread}/stat`;
    const fields = readFileSync(path, 'latin1').split(') ')[1].split(' ');
    return (Number(fields[11]) + Number(fields[12])) * 10; // utime, stime in 1/100 s ticks
  } catch {
    return null;
  }
}

/** CPU time (ms) the Dovecot anchor has used so far: its master process and every process
 *  under it, each with the children it has reaped — imap and imap-login processes end with
 *  their connection, and their time then counts in their parent's. Null off Linux or when no
 *  `dovecot` process runs. */
function dovecotCpuMs(): number | null {
  let names: string[];
  try {
    names = readdirSync('/proc').filter((n) => /^\d+$/.test(n));
  } catch {
    return null;
  }
  const procs: Array<{ pid: number; comm: string; ppid: number; ms: number }> = [];
  for (const n of names) {
    try {
      const stat = readFileSync(`/proc/${n}/stat`, 'latin1');
      const comm = stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
      const f = stat.slice(stat.lastIndexOf(') ') + 2).split(' ');
      // ppid; utime, stime, cutime, cstime in 1/100 s ticks
      procs.push({ pid: Number(n), comm, ppid: Number(f[1]), ms: (Number(f[11]) + Number(f[12]) + Number(f[13]) + Number(f[14])) * 10 });
    } catch {
      // gone meanwhile
    }
  }
  const masters = new Set(procs.filter((p) => p.comm === 'dovecot').map((p) => p.pid));
  if (masters.size === 0) return null;
  return procs.filter((p) => masters.has(p.pid) || masters.has(p.ppid)).reduce((sum, p) => sum + p.ms, 0);
}

function onPath(cmd: string): boolean {
  return spawnSync('sh', ['-c', `command -v ${cmd}`]).status === 0;
}

/** The source messages for APPEND: gen-mbox.py's realistic mbox (2,000 messages, 1–100 KB). */
function mbox(): string | null {
  const path = process.env.MBOX ?? '/tmp/posthorn-bench.mbox';
  if (existsSync(path)) return path;
  if (!existsSync(`${ANCHORS}/gen-mbox.py`)) return null;
  return spawnSync('python3', [`${ANCHORS}/gen-mbox.py`, '2000', path]).status === 0 ? path : null;
}

export function reachable(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = net.connect({ port, host: '127.0.0.1' });
    s.once('connect', () => { s.destroy(); resolve(true); });
    s.once('error', () => resolve(false));
  });
}

async function imaptest(port: number, user: string, source: string): Promise<Result> {
  const args = [`host=127.0.0.1`, `port=${port}`, `user=${user}`, 'users=100', 'pass=pass', `mbox=${source}`,
    `clients=${CLIENTS}`, `secs=${SECS}`, 'seed=123', 'logout=0'];
  const child = spawn('imaptest', args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr.on('data', (d: Buffer) => (out += d.toString()));
  await new Promise((resolve) => child.once('exit', resolve));
  // The "Totals:" block: command names, two lines of mix percentages, then the counts.
  const block = out.slice(out.lastIndexOf('Totals:')).split('\n').slice(1).filter((l) => l.trim() !== '');
  const names = block[0]?.trim().split(/\s+/) ?? [];
  const counts = block[block.length - 1]?.trim().split(/\s+/).map(Number) ?? [];
  const perSec = counts.map((n) => n / SECS);
  return { names, perSec, total: perSec.reduce((a, b) => a + b, 0), errors: out.split('\n').filter((l) => /^(Error|Panic|Fatal)/.test(l)).length };
}

function print(label: string, r: Result): void {
  const each = r.names.map((n, i) => `${n}=${(r.perSec[i] ?? 0).toFixed(0)}`).join(' ');
  const loop = r.loopMsPerCmd === undefined ? '' : ` (event loop ${r.loopMsPerCmd.toFixed(2)})`;
  const cpu = r.cpuMsPerCmd === undefined ? '' : ` server CPU ${r.cpuMsPerCmd.toFixed(2)} ms/cmd${loop}`;
  console.log(`imaptest ${label} (${CLIENTS} clients, ${SECS} s): ${r.total.toFixed(0)} cmds/s [${each}] errors=${r.errors}${cpu} load ${loadavg()[0].toFixed(1)}`);
}

export async function imaptestLoad(): Promise<void> {
  if (!onPath('imaptest')) {
    console.log('imaptest: not on PATH, skipped (build it from github.com/dovecot/imaptest against Dovecot\'s libraries)');
    return;
  }
  const source = mbox();
  if (!source) {
    console.log(`imaptest: no mbox (set MBOX= or provide ${ANCHORS}/gen-mbox.py), skipped`);
    return;
  }
  const dovecotUp = await reachable(DOVECOT_PORT);
  if (!dovecotUp) console.log(`imaptest Dovecot: anchor not listening on 127.0.0.1:${DOVECOT_PORT}, skipped`);
  // Rounds, Posthorn and Dovecot taking turns: Dovecot's rate here moved between 3,300 and
  // 7,900 commands/s from one run to the next with the machine's load; medians compare.
  const ours: Result[] = [];
  const theirs: Result[] = [];
  const server = await startServerChild();
  try {
    for (let i = 0; i < ROUNDS; i++) {
      await quiet();
      const before = cpuMs(server.pid);
      const loopBefore = cpuMs(server.pid, server.pid);
      const r = await imaptest(server.port, 'user%d@bench.test', source);
      const after = cpuMs(server.pid);
      const loopAfter = cpuMs(server.pid, server.pid);
      if (before !== null && after !== null && r.total > 0) r.cpuMsPerCmd = (after - before) / (r.total * SECS);
      if (loopBefore !== null && loopAfter !== null && r.total > 0) r.loopMsPerCmd = (loopAfter - loopBefore) / (r.total * SECS);
      print('Posthorn', r);
      ours.push(r);
      if (!dovecotUp) continue;
      await quiet();
      const dBefore = dovecotCpuMs();
      const d = await imaptest(DOVECOT_PORT, 'user%d', source);
      await new Promise((resolve) => setTimeout(resolve, 1000)); // its imap processes exit and are reaped
      const dAfter = dovecotCpuMs();
      if (dBefore !== null && dAfter !== null && d.total > 0) d.cpuMsPerCmd = (dAfter - dBefore) / (d.total * SECS);
      print('Dovecot', d);
      theirs.push(d);
    }
  } finally {
    await server.stop();
  }
  const mid = (rs: Result[]) => rs.slice().sort((a, b) => a.total - b.total)[Math.floor(rs.length / 2)];
  const o = mid(ours);
  const cpu = o.cpuMsPerCmd === undefined ? '' : `, ${o.cpuMsPerCmd.toFixed(2)} ms CPU/cmd`;
  if (!dovecotUp) {
    console.log(`imaptest median of ${ROUNDS} rounds: Posthorn ${o.total.toFixed(0)} cmds/s${cpu}`);
    return;
  }
  const d = mid(theirs);
  const dCpu = d.cpuMsPerCmd === undefined ? '' : `, ${d.cpuMsPerCmd.toFixed(2)} ms CPU/cmd`;
  console.log(`imaptest median of ${ROUNDS} rounds: Posthorn ${o.total.toFixed(0)} cmds/s${cpu} | Dovecot ${d.total.toFixed(0)} cmds/s${dCpu} | Posthorn/Dovecot ${(o.total / d.total).toFixed(2)}x`);
}
