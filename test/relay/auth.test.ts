import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, stat, utimes } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startDnsServer, type TestDnsServer } from '../support/dns-server.js';
import { createResolver, type DnsResolver } from '../../src/mta/transport/resolver.js';
import { dkimRecord, generateDkimKey, loadDkimKeys, saveDkimKey, signMessage, publicKeyData } from '../../src/auth/dkim.js';
import { verifyMessage } from '../../src/auth/verify.js';

let dns: TestDnsServer;
let resolver: DnsResolver;
const ed = generateDkimKey('localisp.test', 'ed1', 'ed25519');
const rsa = generateDkimKey('localisp.test', 'rsa1', 'rsa');

before(async () => {
  dns = await startDnsServer({
    'localisp.test': { TXT: ['v=spf1 ip4:127.0.0.1 -all'], A: ['127.0.0.1'] },
    '_dmarc.localisp.test': { TXT: ['v=DMARC1; p=reject'] },
    'strict.test': { TXT: ['v=spf1 ip4:127.0.0.5 -all'] },
    '_dmarc.strict.test': { TXT: ['v=DMARC1; p=reject; pct=100'] },
    'lax.test': { TXT: ['v=spf1 ip4:127.0.0.5 -all'] },
    '_dmarc.lax.test': { TXT: ['v=DMARC1; p=quarantine'] },
  });
  for (const k of [ed, rsa]) {
    const r = dkimRecord(k);
    dns.set(r.name, { TXT: [r.text] });
  }
  resolver = createResolver({ servers: [dns.server], timeoutMs: 500, tries: 1 });
});
after(() => dns.close());

const lookup = (n: string, t: string) => resolver.resolve(n, t);
const message = (from: string) => Buffer.from(`From: <${from}>\r\nTo: <bob@corporate.test>\r\nSubject: hello\r\nDate: Sun, 22 Nov 2026 07:00:00 +0000\r\nMessage-ID: <x@y>\r\n\r\nHi Bob.\r\n`);

test('the DNS record: RSA as SPKI, ed25519 as the raw 32-octet key', () => {
  const e = dkimRecord(ed);
  assert.equal(e.name, 'ed1._domainkey.localisp.test');
  assert.match(e.text, /^v=DKIM1; k=ed25519; p=[A-Za-z0-9+/]{43}=$/);
  assert.equal(Buffer.from(publicKeyData(ed.privateKey), 'base64').length, 32);
  const r = dkimRecord(rsa);
  assert.match(r.text, /^v=DKIM1; k=rsa; p=MIIBIjAN/);
});

test('signed mail from an SPF-allowed host passes SPF, DKIM (both keys) and DMARC', async () => {
  const signed = await signMessage(message('alice@localisp.test'), [ed, rsa]);
  assert.match(signed.toString(), /^DKIM-Signature: v=1; a=ed25519-sha256;[\s\S]*\r\nDKIM-Signature: v=1; a=rsa-sha256;/);
  const v = await verifyMessage({ message: signed, ip: '127.0.0.1', helo: 'mail.localisp.test', sender: 'alice@localisp.test', hostname: 'mx.corporate.test', resolver: lookup });
  assert.equal(v.spf, 'pass');
  assert.deepEqual(v.dkim, ['pass', 'pass']);
  assert.equal(v.dmarc.result, 'pass');
  assert.equal(v.verdict, 'accept');
  assert.match(v.authenticationResults, /^mx\.corporate\.test;\r\n /);
  assert.match(v.authenticationResults, /dkim=pass header\.i=@localisp\.test header\.s=ed1 /);
  assert.match(v.authenticationResults, /spf=pass [^;]*smtp\.mailfrom=alice@localisp\.test/);
  assert.match(v.authenticationResults, /dmarc=pass [^;]*header\.from=localisp\.test/);
  assert.match(v.receivedSpf, /^Received-SPF: pass /);
});

test('a modified body fails DKIM; SPF still carries DMARC', async () => {
  const signed = await signMessage(message('alice@localisp.test'), [ed]);
  const broken = Buffer.from(signed.toString().replace('Hi Bob.', 'Hi Bob!'));
  const v = await verifyMessage({ message: broken, ip: '127.0.0.1', helo: 'h', sender: 'alice@localisp.test', hostname: 'mx', resolver: lookup });
  assert.notEqual(v.dkim[0], 'pass', 'body hash mismatch (mailauth says neutral)');
  assert.equal(v.dmarc.result, 'pass');
});

test('forged From of a p=reject domain: DMARC fails, verdict reject (or quarantine when configured)', async () => {
  const input = { message: message('ceo@strict.test'), ip: '127.0.0.9', helo: 'evil', sender: 'ceo@strict.test', hostname: 'mx', resolver: lookup };
  const v = await verifyMessage(input);
  assert.equal(v.spf, 'fail');
  assert.equal(v.dmarc.result, 'fail');
  assert.equal(v.dmarc.policy, 'reject');
  assert.equal(v.verdict, 'reject');
  assert.match(v.authenticationResults, /dmarc=fail/);
  assert.equal((await verifyMessage({ ...input, onReject: 'quarantine' })).verdict, 'quarantine');
  const lax = await verifyMessage({ ...input, message: message('x@lax.test'), sender: 'x@lax.test' });
  assert.equal(lax.verdict, 'quarantine');
});

test('keys saved under DATA/dkim/ load back, newest per domain, private and not overwritten', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'posthorn-dkim-'));
  try {
    const f1 = await saveDkimKey(dir, ed);
    assert.equal(f1, join(dir, 'dkim', 'localisp.test', 'ed1.key'));
    assert.equal((await stat(f1)).mode & 0o777, 0o600);
    assert.match(await readFile(join(dir, 'dkim', 'localisp.test', 'ed1.txt'), 'utf8'), /^ed1\._domainkey\.localisp\.test\. IN TXT "v=DKIM1; k=ed25519; p=/);
    await assert.rejects(saveDkimKey(dir, ed), { code: 'EEXIST' });
    await saveDkimKey(dir, rsa);
    const ed2 = { ...generateDkimKey('localisp.test', 'ed2', 'ed25519') };
    const f3 = await saveDkimKey(dir, ed2);
    await utimes(f1, new Date(1000), new Date(1000));
    const sel = async () => (await loadDkimKeys(dir)).get('localisp.test')?.map((k) => `${k.algorithm}:${k.selector}`);
    assert.deepEqual(await sel(), ['ed25519:ed2', 'rsa:rsa1'], 'newest key of each algorithm');
    await utimes(f3, new Date(500), new Date(500));
    assert.deepEqual(await sel(), ['ed25519:ed1', 'rsa:rsa1']);
    assert.equal((await loadDkimKeys(join(dir, 'nothing'))).size, 0);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
