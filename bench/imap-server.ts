/**
 * A Posthorn IMAP server in a process of its own, for the benches that load it from outside
 * (imaptest, 10,000 idle connections): its RSS is then the server's alone, and client and
 * server sockets do not share one process's descriptor limit. SQLite store in a temp folder,
 * accounts user1..userN@bench.test with password "pass" (as the Dovecot anchor has user1..100),
 * hashed with argon2id at its minimal cost: the anchor stores {PLAIN} passwords "so the
 * benchmark measures protocol work, not hash cost", and 10,000 logins at the production cost
 * would take minutes.
 * Prints one line `{"port":…,"pid":…}` when listening; stops when stdin closes; collects
 * garbage on SIGUSR2 when started with --expose-gc.
 *
 * usage: node --import tsx bench/imap-server.ts [users=100]
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { hash } from '@node-rs/argon2';
import { silentLogger } from '../src/lib/log.js';
import { ChangeBus } from '../src/mail/changes.js';
import { startImapServer } from '../src/server/imap/index.js';
import { openStore } from '../src/store/open.js';
import { testTls } from '../test/imap/support/harness.js';

const users = Number(process.argv[2] ?? 100);
const dir = mkdtempSync(join(tmpdir(), 'posthorn-imap-server-'));
const store = await openStore({ url: `sqlite:${join(dir, 'posthorn.db')}`, dataDir: dir });
const bus = new ChangeBus(store.events);
await store.directory.addDomain('bench.test');
const passwordHash = await hash('pass', { algorithm: 2, memoryCost: 64, timeCost: 1, parallelism: 1 });
for (let i = 1; i <= users; i++) await store.directory.addAccount({ address: `user${i}@bench.test`, passwordHash });
const server = await startImapServer({
  host: '127.0.0.1', port: 0, implicitTls: false, hostname: 'bench', tls: await testTls(), store, bus, log: silentLogger,
  allowPlaintextOnLoopback: true,
});
let stopping = false;
async function stop(): Promise<void> {
  if (stopping) return;
  stopping = true;
  await server.close();
  bus.close();
  await store.close();
  rmSync(dir, { recursive: true, force: true });
  process.exit(0);
}
process.stdin.on('end', () => void stop());
process.stdin.on('close', () => void stop());
process.stdin.resume();
process.on('SIGTERM', () => void stop());
// The idle-memory bench reads RSS after a full collection, so it sees what sessions retain
// rather than when the collector last ran (needs node --expose-gc).
process.on('SIGUSR2', () => (globalThis as { gc?: () => void }).gc?.());
// Last: the parent may signal as soon as it reads this line (a SIGUSR2 before the handler
// above would end the process — it did, on a machine at load 20).
console.log(JSON.stringify({ port: server.address.port, pid: process.pid }));
