/** Starts an SMTP listener on port 0 for a test, with an in-memory store (or a given one),
 *  one domain `example.test` and accounts alice/bob (password 'correct horse'). */
import { generate } from 'selfsigned';
import type { TlsMaterial, RunningServer } from '../../../src/server/types.js';
import { startSmtpServer, type SmtpServerOptions } from '../../../src/server/smtp/index.js';
import { createIngest, type DeliverFn, type IngestOptions } from '../../../src/mta/ingest/ingest.js';
import { ChangeBus } from '../../../src/mail/changes.js';
import { silentLogger } from '../../../src/lib/log.js';
import type { Store } from '../../../src/store/types.js';
import { hashPassword } from '../../../src/auth/password.js';
import { AuthFailureTracker } from '../../../src/mail/authenticate.js';
import { memoryStore, memoryDeliver, type MemoryStore } from './memory-store.js';

let material: Promise<TlsMaterial> | null = null;
export function tlsMaterial(): Promise<TlsMaterial> {
  material ??= generate([{ name: 'commonName', value: 'mx.example.test' }], { keySize: 2048, algorithm: 'sha256' }).then((p) => ({ key: p.private, cert: p.cert }));
  return material;
}

export interface TestServer {
  server: RunningServer;
  port: number;
  store: MemoryStore;
  close(): Promise<void>;
}

export const PASSWORD = 'correct horse';
let hashed: Promise<string> | null = null;

/** Domain example.test; alice (id 1, secret 'alice-secret' for CRAM-MD5/SCRAM) and bob (id 2, quota 2000). */
export async function seed(store: Store): Promise<void> {
  hashed ??= hashPassword(PASSWORD);
  const d = store.directory;
  await d.addDomain('example.test');
  await d.addAccount({ address: 'alice@example.test', passwordHash: await hashed, apopSecret: 'alice-secret' });
  await d.addAccount({ address: 'bob@example.test', passwordHash: await hashed, quota: 2000 });
}

export async function startTestServer(
  over: Partial<SmtpServerOptions> & { mode: 'mx' | 'submission' },
  opts: { store?: MemoryStore; deliver?: DeliverFn; ingest?: Partial<IngestOptions> } = {},
): Promise<TestServer> {
  const store = opts.store ?? memoryStore();
  if (!opts.store) await seed(store);
  const bus = new ChangeBus(store.events);
  const ingest = createIngest({ store, bus, hostname: 'mx.example.test', deliver: opts.deliver ?? memoryDeliver, ...opts.ingest });
  const server = await startSmtpServer({
    host: '127.0.0.1', port: 0, implicitTls: false, hostname: 'mx.example.test', tls: await tlsMaterial(), store, bus,
    log: silentLogger, allowPlaintextOnLoopback: true, maxMessageSize: 100_000, maxRecipients: 5, relayNetworks: [],
    maxConnectionsPerIp: 10, ingest,
    authTracker: new AuthFailureTracker({ baseDelayMs: 1, maxDelayMs: 5, lockoutAfter: 4 }), ...over,
  });
  return { server, port: server.address.port, store, close: () => server.close() };
}

export function inbox(store: MemoryStore, accountId: number): string[] {
  return (store.delivered.get(accountId) ?? []).map((b) => b.toString('utf8'));
}
