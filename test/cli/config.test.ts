// `posthorn config show|docs`: the effective configuration and the reference page.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse as parseToml } from 'smol-toml';
import { configReference } from '../../src/config/render.js';
import { posthorn, tempDataDir } from './support.js';

test('config show prints the effective configuration as TOML, layers applied', async (t) => {
  const dir = tempDataDir(t);
  writeFileSync(join(dir, 'posthorn.toml'), 'hostname = "mail.example.test"\n[imap]\nlisten = "0.0.0.0:143"\n');
  const r = await posthorn(['--data', dir, 'config', 'show', '--pop3', 'off', '--set', 'smtp.max_recipients=500'], {
    env: { POSTHORN_SMTP_LISTEN: '127.0.0.1:2526' },
  });
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /^# effective configuration; file: .*posthorn\.toml/);
  assert.match(r.stdout, /^# smtp\.listen from env POSTHORN_SMTP_LISTEN$/m);
  assert.match(r.stdout, /^# pop3\.listen from flag --pop3$/m);
  const shown = parseToml(r.stdout) as Record<string, Record<string, unknown>>;
  assert.equal(shown.hostname, 'mail.example.test');
  assert.equal(shown.imap.listen, '0.0.0.0:143');
  assert.equal(shown.smtp.listen, '127.0.0.1:2526');
  assert.equal(shown.smtp.max_recipients, 500);
  assert.equal(shown.pop3.listen, 'off');
  assert.equal(shown.store.url, `sqlite:${dir}/posthorn.db`);
});

test('config show --json', async (t) => {
  const dir = tempDataDir(t);
  const r = await posthorn(['config', 'show', '--json'], { env: { POSTHORN_DATA: dir } });
  assert.equal(r.code, 0, r.stderr);
  const c = JSON.parse(r.stdout);
  assert.equal(c.imaps.listen, '127.0.0.1:2993');
  assert.equal(c.outbound.port, 25);
});

test('config errors name the key and exit 1 without a stack trace', async (t) => {
  const dir = tempDataDir(t);
  writeFileSync(join(dir, 'posthorn.toml'), '[imap]\nlisen = "0.0.0.0:143"\n');
  const r = await posthorn(['--data', dir, 'config', 'show']);
  assert.equal(r.code, 1);
  assert.match(r.stderr, /^posthorn: configuration: unknown key 'imap\.lisen' .*did you mean 'imap\.listen'/);
  const bad = await posthorn(['--data', dir, '--config', join(dir, 'none.toml'), 'config', 'show', '--set', 'x']);
  assert.equal(bad.code, 2);
  const env = await posthorn(['--data', dir, '--config', '/dev/null', 'config', 'show'], { env: { POSTHORN_IMAP_IDLE_TIMEOUT: 'forever' } });
  assert.equal(env.code, 1);
  assert.match(env.stderr, /imap\.idle_timeout \(env POSTHORN_IMAP_IDLE_TIMEOUT\): expected a duration/);
});

test('config docs prints the reference page', async () => {
  const r = await posthorn(['config', 'docs']);
  assert.equal(r.code, 0);
  assert.equal(r.stdout, configReference());
  assert.match(r.stdout, /POSTHORN_SMTP_LISTEN/);
});
