// TLS material: configured files, or a self-signed pair made once under DATA/tls/.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { X509Certificate } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadTls } from '../../src/app/tls.js';
import { loadConfig, ConfigError } from '../../src/config/load.js';
import { tempDataDir } from '../cli/support.js';

test('a self-signed pair for the hostname is made once and reused', async (t) => {
  const dir = tempDataDir(t);
  const { config } = loadConfig({ dataDir: dir, env: { POSTHORN_HOSTNAME: 'mail.example.test' } });
  const first = await loadTls(config, dir);
  assert.equal(first.origin, 'self-signed');
  const x = new X509Certificate(first.cert);
  assert.equal(x.checkHost('mail.example.test'), 'mail.example.test');
  const again = await loadTls(config, dir);
  assert.equal(String(again.cert), String(first.cert), 'reused, not made again');
  const other = await loadTls(loadConfig({ dataDir: dir, env: { POSTHORN_HOSTNAME: 'mx.example.test' } }).config, dir);
  assert.notEqual(String(other.cert), String(first.cert), 'made again for another hostname');
  assert.equal(new X509Certificate(other.cert).checkHost('mx.example.test'), 'mx.example.test');
});

test('configured tls.cert and tls.key are used; a missing or lone one is an error', async (t) => {
  const dir = tempDataDir(t);
  const made = await loadTls(loadConfig({ dataDir: dir, env: {} }).config, dir);
  writeFileSync(join(dir, 'c.pem'), made.cert);
  writeFileSync(join(dir, 'k.pem'), made.key);
  const env = { POSTHORN_TLS_CERT: join(dir, 'c.pem'), POSTHORN_TLS_KEY: join(dir, 'k.pem') };
  const used = await loadTls(loadConfig({ dataDir: dir, env }).config, dir);
  assert.equal(used.origin, 'configured');
  assert.equal(String(used.cert), String(made.cert));
  await assert.rejects(loadTls(loadConfig({ dataDir: dir, env: { POSTHORN_TLS_CERT: join(dir, 'c.pem') } }).config, dir), /set both or neither/);
  await assert.rejects(
    loadTls(loadConfig({ dataDir: dir, env: { ...env, POSTHORN_TLS_KEY: join(dir, 'none.pem') } }).config, dir),
    (e: unknown) => e instanceof ConfigError && /tls\.key: cannot read .*none\.pem: ENOENT/.test(e.message),
  );
});
