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
