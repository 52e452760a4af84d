import { test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import { startDnsServer, type TestDnsServer } from '../support/dns-server.js';
import { createResolver, type DnsResolver } from '../../src/mta/transport/resolver.js';
import { resolveDestination, parseHostPort, sortMx, type RoutingConfig } from '../../src/mta/transport/routes.js';
import { ProtocolError } from '../../src/lib/errors.js';

let dns: TestDnsServer;
let resolver: DnsResolver;
const cfg: RoutingConfig = { port: 25 };

before(async () => {
  dns = await startDnsServer({
    'corporate.test': { MX: [{ preference: 20, exchange: 'mx2.corporate.test' }, { preference: 10, exchange: 'mx1.corporate.test' }] },
    'mx1.corporate.test': { A: ['127.0.0.2'] },
    'mx2.corporate.test': { A: ['127.0.0.3'], AAAA: ['::1'] },
    'island.test': { A: ['127.0.0.4'], TXT: ['v=spf1 -all'] },
    'nomail.test': { MX: [{ preference: 0, exchange: '.' }] },
    'dangling.test': { MX: [{ preference: 10, exchange: 'gone.dangling.test' }] },
    'hostonly.test': { TXT: ['x'] },
    'equal.test': { MX: [{ preference: 5, exchange: 'a.equal.test' }, { preference: 5, exchange: 'b.equal.test' }] },
    'a.equal.test': { A: ['127.0.1.1'] },
    'b.equal.test': { A: ['127.0.1.2'] },
    'self.test': { MX: [{ preference: 10, exchange: 'me.test' }, { preference: 20, exchange: 'mx1.corporate.test' }] },
    'backup.test': { MX: [{ preference: 5, exchange: 'mx1.corporate.test' }, { preference: 10, exchange: 'me.test' }] },
    'smarthost.test': { A: ['127.0.0.9'] },
  });
  dns.servfail.add('broken.test');
  resolver = createResolver({ servers: [dns.server], timeoutMs: 500, tries: 1 });
});
after(() => dns.close());

async function rejects(p: Promise<unknown>, code: number, enhanced: string): Promise<void> {
  await assert.rejects(p, (err: unknown) => {
    assert.ok(err instanceof ProtocolError, String(err));
    assert.equal(err.code, code);
    assert.equal(err.enhanced, enhanced);
    return true;
  });
}

test('the test DNS server answers TXT and IPv6 through a port-aware resolver', async () => {
  assert.deepEqual(await resolver.resolveTxt('island.test'), [['v=spf1 -all']]);
  assert.deepEqual(await resolver.resolve6('mx2.corporate.test'), ['::1']);
  await assert.rejects(resolver.resolve4('nowhere.test'), { code: 'ENOTFOUND' });
  await assert.rejects(resolver.resolve4('hostonly.test'), { code: 'ENODATA' });
});

test('MX records are tried by preference, every address of a host in turn', async () => {
  const d = await resolveDestination('Corporate.TEST', cfg, resolver);
  assert.equal(d.via, 'mx');
  assert.deepEqual(d.targets, [
    { host: 'mx1.corporate.test', address: '127.0.0.2', port: 25 },
    { host: 'mx2.corporate.test', address: '127.0.0.3', port: 25 },
    { host: 'mx2.corporate.test', address: '::1', port: 25 },
  ]);
});

test('equal preferences are shuffled', () => {
  const recs = [{ priority: 5, exchange: 'a' }, { priority: 5, exchange: 'b' }, { priority: 1, exchange: 'c' }];
  let n = 0;
  const seq = [0.9, 0.1, 0.5];
  const first = sortMx(recs, () => seq[n++ % 3]).map((r) => r.exchange);
  n = 0;
  const seq2 = [0.1, 0.9, 0.5];
  const second = sortMx(recs, () => seq2[n++ % 3]).map((r) => r.exchange);
  assert.deepEqual(first, ['c', 'b', 'a']);
  assert.deepEqual(second, ['c', 'a', 'b']);
});

test('equal MX preferences come out in both orders over DNS', async () => {
  const low = await resolveDestination('equal.test', { port: 25, random: (() => { let k = 0; return () => [0.1, 0.9][k++ % 2]; })() }, resolver);
  const high = await resolveDestination('equal.test', { port: 25, random: (() => { let k = 0; return () => [0.9, 0.1][k++ % 2]; })() }, resolver);
  assert.notDeepEqual(low.targets.map((t) => t.host), high.targets.map((t) => t.host));
  assert.equal(low.key, high.key, 'the grouping key does not depend on the shuffle');
});

test('no MX: the implicit MX is the domain itself', async () => {
  const d = await resolveDestination('island.test', { port: 2525 }, resolver);
  assert.equal(d.via, 'implicit-mx');
  assert.deepEqual(d.targets, [{ host: 'island.test', address: '127.0.0.4', port: 2525 }]);
});

test('null MX fails at once with 5.1.10 (RFC 7505)', async () => {
  await rejects(resolveDestination('nomail.test', cfg, resolver), 556, '5.1.10');
});

test('a domain that does not exist fails permanently, a SERVFAIL is retried', async () => {
  await rejects(resolveDestination('nowhere.test', cfg, resolver), 550, '5.1.2');
  await rejects(resolveDestination('broken.test', cfg, resolver), 451, '4.4.3');
  await rejects(resolveDestination('hostonly.test', cfg, resolver), 550, '5.1.2');
  await rejects(resolveDestination('dangling.test', cfg, resolver), 550, '5.4.4');
});

test('an MX naming ourselves cuts the list at its preference', async () => {
  const d = await resolveDestination('backup.test', { port: 25, localNames: ['ME.test'] }, resolver);
  assert.deepEqual(d.targets.map((t) => t.host), ['mx1.corporate.test']);
  await rejects(resolveDestination('self.test', { port: 25, localNames: ['me.test'] }, resolver), 554, '5.4.6');
});

test('static routes win over relay_host, relay_host over MX', async () => {
  const conf: RoutingConfig = {
    port: 25,
    routes: { 'corporate.test': '127.0.0.1:2526', '.sub.test': { host: '[::1]:2527', tls: 'required' } },
    relayHost: 'smarthost.test:587',
  };
  const r = await resolveDestination('corporate.test', conf, resolver);
  assert.equal(r.via, 'route');
  assert.deepEqual(r.targets, [{ host: '127.0.0.1', address: '127.0.0.1', port: 2526 }]);
  assert.equal(r.tls, 'opportunistic');
  const sub = await resolveDestination('a.b.sub.test', conf, resolver);
  assert.deepEqual(sub.targets, [{ host: '::1', address: '::1', port: 2527 }]);
  assert.equal(sub.tls, 'required');
  const relay = await resolveDestination('island.test', conf, resolver);
  assert.equal(relay.via, 'relay');
  assert.deepEqual(relay.targets, [{ host: 'smarthost.test', address: '127.0.0.9', port: 587 }]);
});

test('parseHostPort', () => {
  assert.deepEqual(parseHostPort('mx.example:2525', 25), { host: 'mx.example', port: 2525 });
  assert.deepEqual(parseHostPort('[mx.example]', 25), { host: 'mx.example', port: 25 });
  assert.deepEqual(parseHostPort('::1', 25), { host: '::1', port: 25 });
  assert.deepEqual(parseHostPort('[::1]:26', 25), { host: '::1', port: 26 });
});
