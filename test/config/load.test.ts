import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig, ConfigError } from '../../src/config/load.js';
import { parse as parseToml } from 'smol-toml';
import { configToToml } from '../../src/config/render.js';
import { UserError } from '../../src/lib/errors.js';

function tempDir(t: { after: (fn: () => void) => void }): string {
  const dir = mkdtempSync(join(tmpdir(), 'posthorn-config-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

test('defaults are the quick-start ports of INTERFACE.md', (t) => {
  const dir = tempDir(t);
  const { config, file } = loadConfig({ dataDir: dir, env: {} });
  assert.equal(file, null);
  assert.equal(config.hostname, 'localhost');
  assert.equal(config.smtp.listen, '127.0.0.1:2525');
  assert.equal(config.submission.listen, '127.0.0.1:2587');
  assert.equal(config.submissions.listen, '127.0.0.1:2465');
  assert.equal(config.pop3.listen, '127.0.0.1:2110');
  assert.equal(config.pop3s.listen, '127.0.0.1:2995');
  assert.equal(config.imap.listen, '127.0.0.1:2143');
  assert.equal(config.imaps.listen, '127.0.0.1:2993');
  assert.equal(config.http.listen, '127.0.0.1:8080');
  assert.equal(config.outbound.port, 25);
  assert.deepEqual(config.dns.servers, []);
  assert.equal(config.auth.allow_plaintext_on_loopback, true);
  assert.equal(config.store.url, `sqlite:${dir}/posthorn.db`);
});

test('file, then environment, then flags: later layers win', (t) => {
  const dir = tempDir(t);
  writeFileSync(join(dir, 'posthorn.toml'), [
    'hostname = "mail.example.test"',
    '[smtp]',
    'listen = "0.0.0.0:25"',
    'max_message_size = "10M"',
    '[imap]',
    'listen = "0.0.0.0:143"',
    '[outbound.routes]',
    '"example.net" = "127.0.0.1:2526"',
  ].join('\n'));
  const env = { POSTHORN_IMAP_LISTEN: '127.0.0.1:1143', POSTHORN_POP3_LISTEN: 'off', POSTHORN_SMTP_RELAY_NETWORKS: '10.0.0.0/8, ::1' };
  const { config, file, sources } = loadConfig({
    dataDir: dir,
    env,
    overrides: [{ key: 'imap.listen', value: '127.0.0.1:3143', source: 'flag --imap' }],
  });
  assert.equal(file, join(dir, 'posthorn.toml'));
  assert.equal(config.hostname, 'mail.example.test');
  assert.equal(config.smtp.listen, '0.0.0.0:25');
  assert.equal(config.smtp.max_message_size, 10 * 1024 * 1024);
  assert.equal(config.pop3.listen, 'off');
  assert.equal(config.imap.listen, '127.0.0.1:3143');
  assert.deepEqual(config.smtp.relay_networks, ['10.0.0.0/8', '::1']);
  assert.deepEqual(config.outbound.routes, { 'example.net': '127.0.0.1:2526' });
  assert.equal(sources.get('imap.listen'), 'flag --imap');
  assert.equal(sources.get('pop3.listen'), 'env POSTHORN_POP3_LISTEN');
});

test('environment values of every kind are read from strings', (t) => {
  const dir = tempDir(t);
  const { config } = loadConfig({
    dataDir: dir,
    env: {
      POSTHORN_OUTBOUND_PORT: '2526',
      POSTHORN_AUTH_ALLOW_PLAINTEXT_ON_LOOPBACK: 'false',
      POSTHORN_DNS_SERVERS: '127.0.0.1:5353',
      POSTHORN_OUTBOUND_ROUTES: 'a.test=127.0.0.1:1025,b.test=[::1]:1026',
      POSTHORN_IMAP_MAX_LITERAL_SIZE: '1G',
      POSTHORN_QUEUE_RETRY: '1m,2m',
      POSTHORN_DATA: '/ignored', POSTHORN_CONFIG: '', POSTHORN_TEST_PG: 'postgres://x',
    },
  });
  assert.equal(config.outbound.port, 2526);
  assert.equal(config.auth.allow_plaintext_on_loopback, false);
  assert.deepEqual(config.dns.servers, ['127.0.0.1:5353']);
  assert.deepEqual(config.outbound.routes, { 'a.test': '127.0.0.1:1025', 'b.test': '[::1]:1026' });
  assert.equal(config.imap.max_literal_size, 1024 ** 3);
  assert.deepEqual(config.queue.retry, ['1m', '2m']);
});

function rejects(fn: () => unknown, pattern: RegExp): void {
  assert.throws(fn, (e: unknown) => {
    assert.ok(e instanceof ConfigError && e instanceof UserError, String(e));
    assert.match(e.message, pattern);
    return true;
  });
}

test('an unknown key in the file is an error naming it, with a suggestion', (t) => {
  const dir = tempDir(t);
  writeFileSync(join(dir, 'posthorn.toml'), '[smtp]\nlisten = "127.0.0.1:25"\nmax_mesage_size = 10\n');
  rejects(() => loadConfig({ dataDir: dir, env: {} }), /unknown key 'smtp\.max_mesage_size'.*did you mean 'smtp\.max_message_size'/);
  writeFileSync(join(dir, 'posthorn.toml'), 'smtpd = {}\n');
  rejects(() => loadConfig({ dataDir: dir, env: {} }), /unknown key 'smtpd'/);
});

test('bad values are errors naming the key and the source', (t) => {
  const dir = tempDir(t);
  const file = join(dir, 'other.toml');
  writeFileSync(file, '[imap]\nlisten = "localhost"\n');
  rejects(() => loadConfig({ dataDir: dir, configFile: file, env: {} }), /imap\.listen \(file .*other\.toml\): expected ADDR:PORT/);
  rejects(() => loadConfig({ dataDir: dir, env: { POSTHORN_SMTP_LISTEN: '1.2.3.4:99999' } }), /smtp\.listen \(env POSTHORN_SMTP_LISTEN\): port 99999/);
  rejects(() => loadConfig({ dataDir: dir, env: { POSTHORN_OUTBOUND_PORT: 'twenty' } }), /outbound\.port \(env POSTHORN_OUTBOUND_PORT\): expected an integer/);
  rejects(() => loadConfig({ dataDir: dir, env: { POSTHORN_QUEUE_MAX_AGE: '5 days' } }), /queue\.max_age.*expected a duration/);
  rejects(() => loadConfig({ dataDir: dir, env: { POSTHORN_OUTBOUND_TLS: 'maybe' } }), /outbound\.tls/);
  rejects(() => loadConfig({ dataDir: dir, env: { POSTHORN_SMTP_RELAY_NETWORKS: '10.0.0.0/33' } }), /smtp\.relay_networks.*prefix length/);
  rejects(() => loadConfig({ dataDir: dir, env: { POSTHORN_OUTBOUND_ROUTES: 'x.test=nohost' } }), /outbound\.routes.*HOST:PORT/);
  rejects(() => loadConfig({ dataDir: dir, env: { POSTHORN_OUTBOUND_ROUTES: 'not a domain=127.0.0.1:25' } }), /outbound\.routes.*domain name/);
  rejects(() => loadConfig({ dataDir: dir, env: { POSTHORN_HOSTNAME: 'mail server' } }), /hostname \(env POSTHORN_HOSTNAME\): expected a domain name/);
  rejects(() => loadConfig({ dataDir: dir, env: { POSTHORN_STORE_URL: 'mysql://x' } }), /store\.url.*sqlite:PATH or postgres/);
  rejects(() => loadConfig({ dataDir: dir, env: {}, overrides: [{ key: 'smtp.port', value: '1', source: 'flag --set' }] }), /unknown key 'smtp\.port' \(flag --set\)/);
});

test('an unknown POSTHORN_ variable is an error, not ignored', (t) => {
  const dir = tempDir(t);
  rejects(() => loadConfig({ dataDir: dir, env: { POSTHORN_SMTP_LISTN: '127.0.0.1:25' } }), /unknown environment variable POSTHORN_SMTP_LISTN.*POSTHORN_SMTP_LISTEN/);
});

test('a missing explicit file and broken TOML are clear errors', (t) => {
  const dir = tempDir(t);
  rejects(() => loadConfig({ dataDir: dir, configFile: join(dir, 'nope.toml'), env: {} }), /cannot read .*nope\.toml: ENOENT/);
  writeFileSync(join(dir, 'posthorn.toml'), 'hostname = \n');
  rejects(() => loadConfig({ dataDir: dir, env: {} }), /posthorn\.toml is not valid TOML/);
});

test('the effective configuration printed as TOML loads back to the same', (t) => {
  const dir = tempDir(t);
  const first = loadConfig({ dataDir: dir, env: { POSTHORN_OUTBOUND_ROUTES: 'a.test=127.0.0.1:1025' } }).config;
  const file = join(dir, 'shown.toml');
  writeFileSync(file, configToToml(first));
  assert.ok(parseToml(configToToml(first)));
  const second = loadConfig({ dataDir: dir, configFile: file, env: {} }).config;
  assert.deepEqual(second, first);
});
