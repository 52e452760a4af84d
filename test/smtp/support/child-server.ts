/**
 * An SMTP MX server in its own process, for the SIGKILL test and the benchmark:
 *   node --import tsx test/smtp/support/child-server.ts DATA_DIR [STORE_URL]
 * Opens (or creates) the store (default sqlite:DATA_DIR/posthorn.db), makes domain
 * example.test with alice/bob when missing, listens on 127.0.0.1 (port $PORT, else 0) and
 * prints `READY <port>`. With DATA_DIR 'memory' it uses the in-memory test store.
 */
import { join } from 'node:path';
import { startSmtpServer } from '../../../src/server/smtp/index.js';
import { createIngest, type DeliverFn } from '../../../src/mta/ingest/ingest.js';
import { ChangeBus } from '../../../src/mail/changes.js';
import { silentLogger } from '../../../src/lib/log.js';
import { openStore } from '../../../src/store/open.js';
import type { Store } from '../../../src/store/types.js';
import { memoryDeliver, memoryStore } from './memory-store.js';
import { deliver as mailDeliver } from '../../../src/mail/deliver.js';
import { seed, tlsMaterial } from './harness.js';

const [dataDir = 'memory', url] = process.argv.slice(2);
let store: Store;
let deliver: DeliverFn;
if (dataDir === 'memory') {
  store = memoryStore();
  await seed(store);
  deliver = memoryDeliver;
} else {
  store = await openStore({ url: url ?? `sqlite:${join(dataDir, 'posthorn.db')}`, dataDir });
  if (!(await store.directory.isLocalDomain('example.test'))) await seed(store);
  deliver = mailDeliver;
}
const bus = new ChangeBus(store.events);
const ingest = createIngest({ store, bus, hostname: 'mx.example.test', deliver });
const server = await startSmtpServer({
  host: '127.0.0.1', port: Number(process.env.PORT ?? 0), implicitTls: false, hostname: 'mx.example.test',
  tls: await tlsMaterial(), store, bus, log: silentLogger, allowPlaintextOnLoopback: true,
  maxMessageSize: 10_000_000, maxRecipients: 100, relayNetworks: [], maxConnectionsPerIp: 1000, mode: 'mx', ingest,
});
process.stdout.write(`READY ${server.address.port}\n`);
process.on('SIGTERM', () => void server.close().then(() => store.close()).then(() => process.exit(0)));
