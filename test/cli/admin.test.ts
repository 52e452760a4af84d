// The administration commands against an in-memory directory: what an operator sees,
// exit codes, --json output. (test/cli/sqlite.test.ts runs the same commands for real.)
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { verifyPassword } from '../../src/auth/password.js';
import { FakeData, fakeStore } from './fake-store.js';
import { posthorn, tempDataDir } from './support.js';

function setup(t: { after: (fn: () => void) => void }) {
  const data = new FakeData();
  const dir = tempDataDir(t);
  const run = (args: string[], stdin?: string) =>
    posthorn(['--data', dir, ...args], { deps: { openStore: async () => fakeStore(data) }, stdin });
  return { data, run };
}

test('domain add, list, remove', async (t) => {
  const { run, data } = setup(t);
  assert.deepEqual(await run(['domain', 'add', 'example.test']), { code: 0, stdout: 'added domain example.test\n', stderr: '' });
  const dup = await run(['domain', 'add', 'Example.TEST']);
  assert.equal(dup.code, 1);
  assert.match(dup.stderr, /^posthorn: .*already exists\n$/);
  const bad = await run(['domain', 'add', 'not a domain']);
  assert.equal(bad.code, 1);
  assert.match(bad.stderr, /invalid domain name/);
  const list = await run(['domain', 'list', '--json']);
  assert.equal(list.code, 0);
  assert.deepEqual(JSON.parse(list.stdout).map((d: { name: string }) => d.name), ['example.test']);
  assert.equal((await run(['domain', 'remove', 'example.test'])).code, 0);
  assert.equal((await run(['domain', 'list'])).stdout, '');
  assert.equal(data.opened, data.closed, 'every command closes the store it opened');
});

test('user add with --password-stdin and --json; the hash verifies', async (t) => {
  const { run, data } = setup(t);
  await run(['domain', 'add', 'example.test']);
  const r = await run(['user', 'add', 'alice@example.test', '--password-stdin', '--quota', '500M', '--json'], 'correct horse battery\n');
  assert.equal(r.code, 0, r.stderr);
  const shown = JSON.parse(r.stdout);
  assert.equal(shown.address, 'alice@example.test');
  assert.equal(shown.quota, 500 * 1024 * 1024);
  assert.equal(shown.apop, false);
  assert.ok(!('passwordHash' in shown), 'the hash is never printed');
  const stored = data.accounts.get('alice@example.test')!;
  assert.match(stored.passwordHash, /^\$argon2id\$/);
  assert.equal(await verifyPassword(stored.passwordHash, 'correct horse battery'), true);
});

test('user add refuses unknown domain, duplicate, invalid address, weak or empty password', async (t) => {
  const { run } = setup(t);
  await run(['domain', 'add', 'example.test']);
  const cases: Array<[string[], string | undefined, RegExp]> = [
    [['user', 'add', 'bob@nowhere.test', '--password', 'a good long one'], undefined, /unknown domain/],
    [['user', 'add', 'no-at-sign', '--password', 'a good long one'], undefined, /invalid address 'no-at-sign'/],
    [['user', 'add', 'bob@example.test', '--password', 'short'], undefined, /too weak/],
    [['user', 'add', 'bob@example.test', '--password-stdin'], '\n', /password is empty/],
    [['user', 'add', 'bob@example.test', '--password', 'password123'], undefined, /too weak/],
    [['user', 'add', 'bob@example.test', '--password', 'a good long one', '--quota', 'lots'], undefined, /invalid quota/],
  ];
  for (const [args, stdin, pattern] of cases) {
    const r = await run(args, stdin);
    assert.equal(r.code, 1, args.join(' '));
    assert.match(r.stderr, pattern);
    assert.doesNotMatch(r.stderr, /\n\s+at /, 'no stack trace');
  }
  assert.equal((await run(['user', 'add', 'bob@example.test', '--password', 'a good long one'])).code, 0);
  const dup = await run(['user', 'add', 'BOB@example.test', '--password', 'a good long one']);
  assert.equal(dup.code, 1);
  assert.match(dup.stderr, /already exists/);
});

test('usage errors exit 2', async (t) => {
  const { run } = setup(t);
  for (const args of [['user', 'add'], ['user', 'add', 'a@example.test'], ['bogus'], ['domain', 'add', 'x.test', '--bogus'],
    ['user', 'add', 'a@example.test', '--password', 'p1234567890', '--password-stdin'], ['list', 'create', 'l@example.test', '--owner', 'o@example.test', '--posting', 'everyone']]) {
    const r = await run(args);
    assert.equal(r.code, 2, `${args.join(' ')}: ${r.stderr}`);
    assert.ok(r.stderr.length > 0);
  }
  const help = await run(['user', '--help']);
  assert.equal(help.code, 0);
  assert.match(help.stdout, /passwd/);
});

test('user passwd, show, list, remove', async (t) => {
  const { run, data } = setup(t);
  await run(['domain', 'add', 'example.test']);
  await run(['domain', 'add', 'other.test']);
  await run(['user', 'add', 'alice@example.test', '--password', 'first password', '--apop-secret', 's3cret']);
  await run(['user', 'add', 'carol@other.test', '--password', 'first password']);
  assert.equal((await run(['user', 'passwd', 'alice@example.test', '--password-stdin'], 'second password\n')).code, 0);
  assert.equal(await verifyPassword(data.accounts.get('alice@example.test')!.passwordHash, 'second password'), true);
  const show = await run(['user', 'show', 'Alice@Example.test']);
  assert.match(show.stdout, /address: +alice@example\.test/);
  assert.match(show.stdout, /apop: +on/);
  assert.match(show.stdout, /mailboxes: +INBOX/);
  const showJson = JSON.parse((await run(['user', 'show', 'alice@example.test', '--json'])).stdout);
  assert.deepEqual(showJson.usage, { bytes: 0, messages: 0 });
  assert.equal((await run(['user', 'list'])).stdout, 'alice@example.test\ncarol@other.test\n');
  assert.equal((await run(['user', 'list', 'other.test'])).stdout, 'carol@other.test\n');
  assert.equal((await run(['user', 'remove', 'alice@example.test'])).code, 0);
  const gone = await run(['user', 'show', 'alice@example.test']);
  assert.equal(gone.code, 1);
  assert.match(gone.stderr, /no such user: alice@example\.test/);
  assert.equal((await run(['user', 'passwd', 'alice@example.test', '--password', 'third password'])).code, 1);
});

test('alias, forward and list commands', async (t) => {
  const { run } = setup(t);
  await run(['domain', 'add', 'example.test']);
  assert.equal((await run(['alias', 'add', 'postmaster@example.test', 'alice@example.test', 'bob@example.test'])).code, 0);
  assert.equal((await run(['alias', 'add', '@example.test', 'alice@example.test'])).code, 0);
  assert.equal((await run(['alias', 'add', 'x@example.test', 'not-an-address'])).code, 1);
  assert.deepEqual(JSON.parse((await run(['alias', 'list', '--json'])).stdout), [
    { source: 'postmaster@example.test', targets: ['alice@example.test', 'bob@example.test'] },
    { source: '@example.test', targets: ['alice@example.test'] },
  ]);
  assert.equal((await run(['alias', 'remove', 'postmaster@example.test', 'bob@example.test'])).code, 0);
  assert.equal((await run(['alias', 'remove', '@example.test'])).code, 0);
  assert.equal((await run(['alias', 'list'])).stdout, 'postmaster@example.test → alice@example.test\n');
  assert.equal((await run(['alias', 'remove', 'nobody@example.test'])).code, 1);

  assert.equal((await run(['forward', 'add', 'old@example.test', 'new@elsewhere.test'])).code, 0);
  assert.equal((await run(['forward', 'list'])).stdout, 'old@example.test → new@elsewhere.test\n');
  const wrong = await run(['forward', 'remove', 'old@example.test', 'other@elsewhere.test']);
  assert.equal(wrong.code, 1);
  assert.match(wrong.stderr, /forwards to new@elsewhere\.test/);
  assert.equal((await run(['forward', 'remove', 'old@example.test', 'new@elsewhere.test'])).code, 0);
  assert.equal((await run(['forward', 'list', '--json'])).stdout, '[]\n');

  const created = await run(['list', 'create', 'team@example.test', '--owner', 'alice@example.test', '--posting', 'anyone', '--json']);
  assert.equal(created.code, 0, created.stderr);
  assert.deepEqual(JSON.parse(created.stdout), { address: 'team@example.test', owner: 'alice@example.test', posting: 'anyone', members: [] });
  assert.equal((await run(['list', 'add', 'team@example.test', 'a@x.test', 'b@y.test'])).code, 0);
  assert.equal((await run(['list', 'remove', 'team@example.test', 'a@x.test'])).code, 0);
  const show = await run(['list', 'show', 'team@example.test']);
  assert.match(show.stdout, /owner: +alice@example\.test/);
  assert.match(show.stdout, /members: 1\n  b@y\.test\n$/);
  assert.equal((await run(['list', 'show', 'nolist@example.test'])).code, 1);
  assert.equal((await run(['list', 'add', 'nolist@example.test', 'a@x.test'])).code, 1);
  assert.equal((await run(['list', 'delete', 'team@example.test'])).code, 0);
  assert.equal((await run(['list', 'list', '--json'])).stdout, '[]\n');
});

test('global options work after the command too', async (t) => {
  const { run } = setup(t);
  const r = await run(['domain', 'add', 'example.test', '--json']);
  assert.equal(r.code, 0);
  assert.equal(JSON.parse(r.stdout).name, 'example.test');
});
