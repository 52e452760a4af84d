/**
 * An SMTP MX server in its own process, for the SIGKILL test and the benchmark:
 *   node --import tsx test/smtp/support/child-server.ts DATA_DIR [STORE_URL]
 * Opens (or creates) the store, makes domain example.test with alice/bob when missing,
 * listens on 127.0.0.1 (port from $PORT, else 0) and prints `READY <port>` on stdout.
 * With DATA_DIR 'memory' it uses the in-memory test store (not durable).
 */
import { startSmtpServer } from '../../../src/server/smtp/index.js';
import { createIngest } from '../../../src/mta/ingest/ingest.js';
import { ChangeBus } from '../../../src/mail/changes.js';
import { silentLogger } from '../../../src/lib/log.js';
import { memoryDeliver, memoryStore } from './memory-store.js';
import { seed, tlsMaterial } from './harness.js';

const [dataDir = 'memory'] = process.argv.slice(2);
const store = memoryStore();
if (dataDir === 'memory') await seed(store);
const bus = new ChangeBus(store.events);
const ingest = createIngest({ store, bus, hostname: 'mx.example.test', deliver: memoryDeliver });
const server = await startSmtpServer({
  host: '127.0.0.1', port: Number(process.env.PORT ?? 0), implicitTls: false, hostname: 'mx.example.test',
  tls: await tlsMaterial(), store, bus, log: silentLogger, allowPlaintextOnLoopback: true,
  maxMessageSize: 10_000_000, maxRecipients: 100, relayNetworks: [], maxConnectionsPerIp: 1000, mode: 'mx', ingest,
});
process.stdout.write(`READY ${server.address.port}\n`);
process.on('SIGTERM', () => void server.close().then(() => process.exit(0)));
