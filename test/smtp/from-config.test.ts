// The SMTP listeners as app/ starts them from the configuration (defaults here).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { configSchema } from '../../src/config/schema.js';
import { startSmtpFromConfig } from '../../src/server/smtp/from-config.js';
import { ChangeBus } from '../../src/mail/changes.js';
import { silentLogger } from '../../src/lib/log.js';
import { SmtpClient } from './support/client.js';
import { seed, tlsMaterial } from './support/harness.js';
import { realStore } from './support/real-store.js';

test('startSmtpFromConfig: submission with the default configuration', async () => {
  const rs = (await realStore('sqlite'))!;
  const store = await rs.open();
  await seed(store);
  const bus = new ChangeBus(store.events);
  const config = configSchema.parse({});
  const server = await startSmtpFromConfig('submission', {
    host: '127.0.0.1', port: 0, implicitTls: false, hostname: 'mx.example.test', tls: await tlsMaterial(),
    store, bus, log: silentLogger, allowPlaintextOnLoopback: true,
  }, config);
  try {
    assert.equal(server.name, 'submission');
    const c = await SmtpClient.connect(server.address.port);
    await c.expect('220 mx.example.test ESMTP');
    const ehlo = await c.cmd('EHLO laptop', '250');
    assert.ok(ehlo.includes(`SIZE ${config.smtp.max_message_size}`));
    await c.cmd('MAIL FROM:<alice@example.test>', '530 5.7.0');
    await c.cmd('QUIT', '221');
  } finally {
    await server.close();
    await store.close();
    rs.cleanup();
  }
});

test('smtp.max_connections_per_ip and smtp.max_connections count all SMTP listeners together (421 4.7.0)', async () => {
  const rs = (await realStore('sqlite'))!;
  const store = await rs.open();
  await seed(store);
  const bus = new ChangeBus(store.events);
  const base = {
    host: '127.0.0.1', port: 0, implicitTls: false, hostname: 'mx.example.test', tls: await tlsMaterial(),
    store, bus, log: silentLogger, allowPlaintextOnLoopback: true,
  };
  const perIp = configSchema.parse({ smtp: { max_connections_per_ip: 2 } });
  const total = configSchema.parse({ smtp: { max_connections: 3, max_connections_per_ip: 100 } });
  const servers = [
    await startSmtpFromConfig('smtp', base, perIp),
    await startSmtpFromConfig('submission', base, perIp),
    await startSmtpFromConfig('smtp', base, total),
    await startSmtpFromConfig('submission', base, total),
  ];
  const open: SmtpClient[] = [];
  const connect = async (i: number, want: string) => {
    const c = await SmtpClient.connect(servers[i].address.port);
    await c.expect(want);
    open.push(c);
    return c;
  };
  try {
    await connect(0, '220');
    await connect(1, '220');
    const refused = await connect(0, '421 4.7.0');
    await refused.closedByServer();
    await connect(1, '421 4.7.0');
    open[0].close();
    await new Promise((r) => setTimeout(r, 100));
    await connect(1, '220'); // a slot freed on port 25 serves 587

    await connect(2, '220');
    await connect(3, '220');
    await connect(3, '220');
    await connect(2, '421 4.7.0 mx.example.test Too many connections,');
  } finally {
    for (const c of open) c.close();
    for (const s of servers) await s.close();
    await store.close();
    rs.cleanup();
  }
});
