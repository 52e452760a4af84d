/** `posthorn account add|list|remove|autoconfig` and where passwords come from. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { posthorn } from './cli.js';
import { freshHome } from './anchors.js';
import { fakeDns } from './fake-dns.js';
import { loadAccounts } from '../../src/client/accounts.js';
import { passwordSource } from '../../src/client/password.js';
import { parseAutoconfig } from '../../src/client/autoconfig.js';

const home = freshHome();
test.after(home.cleanup);
const file = () => join(process.env.XDG_CONFIG_HOME as string, 'posthorn', 'accounts.toml');

test('add, list (--json), default, remove; the file is 0600 and list never shows a password', async () => {
  let r = await posthorn(['account', 'add', 'work', '--address', 'me@example.com', '--smtp', 'smtp.example.com:587', '--imap', 'imap.example.com:993', '--tls', '--password-stdin'], { stdin: 'hunter2\n' });
  assert.equal(r.code, 0, r.stderr);
  r = await posthorn(['account', 'add', 'home', '--address', 'me@home.test', '--pop3', 'pop.home.test:995', '--password-command', 'echo pw', '--default']);
  assert.equal(r.code, 0, r.stderr);
  assert.equal(statSync(file()).mode & 0o777, 0o600);
  const toml = readFileSync(file(), 'utf8');
  assert.match(toml, /\[accounts\.work\]/);
  assert.match(toml, /imap_security = "tls"/);
  r = await posthorn(['account', 'list']);
  assert.match(r.stdout, /^ {2}work {2}me@example\.com {2}smtp smtp\.example\.com:587 {2}imap imap\.example\.com:993 {2}password: stored$/m);
  assert.match(r.stdout, /^\* home .*pop3 pop\.home\.test:995 {2}password: command$/m);
  assert.doesNotMatch(r.stdout, /hunter2/);
  const json = JSON.parse((await posthorn(['--json', 'account', 'list'])).stdout) as Array<{ name: string; password: string }>;
  assert.deepEqual(json.map((a) => [a.name, a.password]), [['work', 'stored'], ['home', 'command']]);
  assert.doesNotMatch(JSON.stringify(json), /hunter2/);

  r = await posthorn(['account', 'add', 'bad', '--address', 'x@y', '--imap', 'a:1', '--pop3', 'b:2']);
  assert.equal(r.code, 2);
  r = await posthorn(['account', 'add', 'x', '--address', 'x@y', '--password', 'nope']);
  assert.equal(r.code, 2, 'there is no --password flag');
  r = await posthorn(['account', 'remove', 'work']);
  assert.equal(r.code, 0);
  assert.deepEqual([...loadAccounts().keys()], ['home']);
  r = await posthorn(['account', 'remove', 'work']);
  assert.equal(r.code, 2);
});

test('password sources in order: stdin, POSTHORN_PASSWORD, password_env, password_command, stored', async () => {
  const acct = { address: 'a@b', password_env: 'PH_PW', password_command: 'printf "from-cmd\\nignored"', password: 'stored' };
  assert.equal(await passwordSource({ stdin: async () => 'from-stdin\n', env: { POSTHORN_PASSWORD: 'x' } }, acct)(), 'from-stdin');
  assert.equal(await passwordSource({ stdin: null, env: { POSTHORN_PASSWORD: 'from-env' } }, acct)(), 'from-env');
  assert.equal(await passwordSource({ stdin: null, env: { PH_PW: 'from-var' } }, acct)(), 'from-var');
  assert.equal(await passwordSource({ stdin: null, env: {} }, acct)(), 'from-cmd');
  assert.equal(await passwordSource({ stdin: null, env: {} }, { address: 'a@b', password: 'stored' })(), 'stored');
  await assert.rejects(passwordSource({ stdin: null, env: {} }, { address: 'a@b' })(), /--password-stdin/);
});

const XML = `<?xml version="1.0"?>
<clientConfig version="1.1"><emailProvider id="example.com">
  <incomingServer type="imap"><hostname>imap.example.com</hostname><port>993</port><socketType>SSL</socketType><username>%EMAILADDRESS%</username></incomingServer>
  <incomingServer type="pop3"><hostname>pop.example.com</hostname><port>110</port><socketType>STARTTLS</socketType></incomingServer>
  <outgoingServer type="smtp"><hostname>smtp.example.com</hostname><port>587</port><socketType>STARTTLS</socketType></outgoingServer>
</emailProvider></clientConfig>`;

test('autoconfig: Thunderbird config file, saved as a profile', async (t) => {
  assert.deepEqual(parseAutoconfig(XML, 'me@example.com'), {
    imap: { host: 'imap.example.com', port: 993, security: 'tls' },
    pop3: { host: 'pop.example.com', port: 110, security: 'starttls' },
    smtp: { host: 'smtp.example.com', port: 587, security: 'starttls' },
    user: 'me@example.com',
  });
  let asked = '';
  const srv = http.createServer((req, res) => {
    asked = req.url ?? '';
    res.setHeader('content-type', 'text/xml');
    res.setHeader('connection', 'close');
    res.end(XML);
  });
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  t.after(() => {
    srv.closeAllConnections();
    srv.close();
  });
  const base = `http://127.0.0.1:${(srv.address() as AddressInfo).port}`;
  // a DNS server that does not answer: the SRV look-ups fail fast and the file is used
  const r = await posthorn(['account', 'autoconfig', 'me@example.invalid', '--autoconfig-url', base, '--dns', '127.0.0.1:9', '--save', 'found']);
  assert.equal(r.code, 0, r.stderr);
  assert.equal(asked, '/mail/config-v1.1.xml?emailaddress=me%40example.invalid');
  assert.match(r.stdout, /imap {2}imap\.example\.com:993 \(tls\)/);
  assert.match(r.stdout, /smtp {2}smtp\.example\.com:587 \(starttls\)/);
  const a = loadAccounts().get('found');
  assert.equal(a?.imap, 'imap.example.com:993');
  assert.equal(a?.imap_security, 'tls');
  assert.equal(a?.smtp_security, 'starttls');
  assert.equal(a?.user, 'me@example.invalid');
});

test('autoconfig: RFC 6186 SRV records, lowest priority first, "." meaning not offered', async (t) => {
  const dns = await fakeDns({
    '_submissions._tcp.example.net': [{ priority: 0, weight: 0, port: 0, target: '.' }],
    '_submission._tcp.example.net': [{ priority: 10, weight: 0, port: 587, target: 'smtp2.example.net' }, { priority: 5, weight: 0, port: 587, target: 'smtp.example.net' }],
    '_imaps._tcp.example.net': [{ priority: 0, weight: 1, port: 993, target: 'imap.example.net' }],
  });
  t.after(dns.close);
  const r = await posthorn(['--json', 'account', 'autoconfig', 'me@example.net', '--dns', dns.address, '--autoconfig-url', 'http://127.0.0.1:9']);
  assert.equal(r.code, 0, r.stderr);
  const d = JSON.parse(r.stdout) as Record<string, unknown>;
  assert.deepEqual(d.smtp, { host: 'smtp.example.net', port: 587, security: 'starttls' });
  assert.deepEqual(d.imap, { host: 'imap.example.net', port: 993, security: 'tls' });
  assert.deepEqual(d.source, ['SRV _submission._tcp.example.net', 'SRV _imaps._tcp.example.net']);
});
