import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Command } from 'commander';
import { doctorCommands } from '../../src/cli/doctor.js';
import { queueCommands } from '../../src/cli/queue.js';
import { dkimKeygen } from '../../src/cli/dkim.js';
import { dkimRecord, loadDkimKeys } from '../../src/auth/dkim.js';
import type { Cli } from '../../src/cli/context.js';
import type { Store } from '../../src/store/types.js';
import { startDnsServer } from '../support/dns-server.js';
import { MemoryBlobs, MemoryQueue } from './memory-store.js';

async function run(register: (p: Command, cli: Cli) => void, args: string[], env: Record<string, string> = {}, store?: Store) {
  let out = '';
  let err = '';
  const cli: Cli = {
    io: { stdout: (t) => { out += t; }, stderr: (t) => { err += t; }, readStdin: async () => '', env },
    deps: store ? { openStore: async () => store } : {},
  };
  const program = new Command('posthorn').option('--data <dir>').option('--config <file>').option('--json').exitOverride();
  register(program, cli);
  await program.parseAsync(args, { from: 'user' });
  return { out, err, code: cli.exitCode ?? 0 };
}

test('posthorn doctor: what to publish, what DNS has, exit 1 while records are missing', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'posthorn-doctor-'));
  const dns = await startDnsServer({ 'corporate.test': { MX: [{ preference: 10, exchange: 'mx.corporate.test' }], TXT: ['v=spf1 mx -all'] } });
  const env = { POSTHORN_DNS_SERVERS: dns.server, POSTHORN_HOSTNAME: 'mx.corporate.test' };
  try {
    const first = await run(doctorCommands, ['--data', dir, 'doctor', 'corporate.test'], env);
    assert.equal(first.code, 1);
    assert.match(first.out, /\[ ok \] MX: corporate\.test\n {4}publish: corporate\.test\. IN MX 10 mx\.corporate\.test\.\n {4}DNS now: 10 mx\.corporate\.test/);
    assert.match(first.out, /\[ ok \] SPF/);
    assert.match(first.out, /\[missing\] DKIM: .*\n {4}publish: \(no key yet: run posthorn dkim keygen corporate\.test\)/);
    assert.match(first.out, /\[missing\] DMARC: _dmarc\.corporate\.test\n {4}publish: _dmarc\.corporate\.test\. IN TXT "v=DMARC1; p=quarantine/);
    assert.match(first.out, /\[missing\] SRV \(optional\): _submission\._tcp\.corporate\.test\n {4}publish: _submission\._tcp\.corporate\.test\. IN SRV 0 1 587 mx\.corporate\.test\./);
    await dkimKeygen({ dataDir: dir, domain: 'corporate.test', selector: 'k1' });
    const key = (await loadDkimKeys(dir)).get('corporate.test')![0];
    dns.set('k1._domainkey.corporate.test', { TXT: [dkimRecord(key).text] });
    dns.set('_dmarc.corporate.test', { TXT: ['v=DMARC1; p=reject'] });
    const second = await run(doctorCommands, ['--data', dir, '--json', 'doctor', 'corporate.test'], env);
    assert.equal(second.code, 0);
    const checks = JSON.parse(second.out) as Array<{ what: string; status: string; required: boolean }>;
    assert.ok(checks.filter((c) => c.required).every((c) => c.status === 'ok'));
  } finally {
    await dns.close();
    await rm(dir, { recursive: true, force: true });
  }
});

test('posthorn queue list/show/retry/delete/flush', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'posthorn-queue-'));
  const clock = { now: Date.UTC(2026, 10, 22, 8) };
  const queue = new MemoryQueue(() => clock.now);
  const blobs = new MemoryBlobs();
  const store = { kind: 'sqlite', queue, blobs, close: async () => undefined } as unknown as Store;
  try {
    const id = await queue.enqueue({ sender: 'alice@localisp.test', blobId: await blobs.put(Buffer.from('x')), size: 1, recipients: [{ address: 'bob@corporate.test', notify: ['FAILURE'] }, { address: 'carol@corporate.test' }] });
    const [b, c] = queue.rcpts;
    await queue.recordAttempt(b.id, { state: 'deferred', reply: '451 4.3.0 greylisted', remoteMta: 'mx.corporate.test', at: clock.now, nextAttempt: clock.now + 300_000 });
    await queue.recordAttempt(c.id, { state: 'delivered', reply: '250 2.0.0 ok', remoteMta: 'mx.corporate.test', at: clock.now });
    const list = await run(queueCommands, ['--data', dir, 'queue', 'list'], {}, store);
    assert.match(list.out, new RegExp(`^${id}  1 octets  2026-11-22T08:00:00.000Z  from <alice@localisp.test>\n {4}bob@corporate.test  deferred, 1 attempt\\(s\\), next 2026-11-22T08:05:00.000Z\n {8}mx.corporate.test: 451 4.3.0 greylisted\n {4}carol@corporate.test  delivered, 1 attempt\\(s\\)\n {8}mx.corporate.test: 250 2.0.0 ok\n-- 1 message\\(s\\), 2 recipient\\(s\\)\n$`));
    const show = await run(queueCommands, ['--data', dir, '--json', 'queue', 'show', String(id)], {}, store);
    assert.equal((JSON.parse(show.out) as { recipients: Array<{ lastReply: string }> }).recipients[0].lastReply, '451 4.3.0 greylisted');
    const retry = await run(queueCommands, ['--data', dir, 'queue', 'retry', String(id)], {}, store);
    assert.match(retry.out, /1 recipient\(s\) of message \d+ due now/);
    assert.equal(queue.rcpts[0].nextAttempt, clock.now);
    assert.match((await run(queueCommands, ['--data', dir, 'queue', 'flush'], {}, store)).out, /1 recipient\(s\) due now/);
    await assert.rejects(run(queueCommands, ['--data', dir, 'queue', 'show', '999'], {}, store), /no queued message 999/);
    assert.match((await run(queueCommands, ['--data', dir, 'queue', 'delete', String(id)], {}, store)).out, /deleted message/);
    assert.match((await run(queueCommands, ['--data', dir, 'queue', 'list'], {}, store)).out, /the queue is empty/);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
