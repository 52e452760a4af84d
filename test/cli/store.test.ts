// The administration commands in process against the real stores (no stand-ins), SQLite
// and PostgreSQL: what the operator sees after each step, and that the store keeps it
// between commands.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { pgAvailable, pgBaseUrl } from '../support/pg.js';
import { posthorn, tempDataDir } from './support.js';

test('a domain with users, an alias, a forward and a list, on SQLite', async (t) => {
  await adminFlow(tempDataDir(t));
});

test('the same on PostgreSQL (POSTHORN_STORE_URL=postgres://…)', async (t) => {
  if (!(await pgAvailable())) return t.skip('PostgreSQL not reachable');
  const schema = `posthorn_cli_${randomBytes(4).toString('hex')}`;
  t.after(async () => {
    const c = new pg.Client({ connectionString: pgBaseUrl() });
    await c.connect();
    await c.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
    await c.end();
  });
  await adminFlow(tempDataDir(t), `${pgBaseUrl()}?schema=${schema}`);
});

async function adminFlow(dir: string, storeUrl?: string): Promise<void> {
  const env: Record<string, string> = storeUrl ? { POSTHORN_STORE_URL: storeUrl } : {};
  const run = (args: string[], stdin?: string) => posthorn(['--data', dir, ...args], { stdin, env });
  const ok = async (args: string[], stdin?: string) => {
    const r = await run(args, stdin);
    assert.equal(r.code, 0, `${args.join(' ')}: ${r.stderr}`);
    return r.stdout;
  };
  const fails = async (args: string[], pattern: RegExp) => {
    const r = await run(args);
    assert.equal(r.code, 1, args.join(' '));
    assert.match(r.stderr, pattern);
  };

  await ok(['domain', 'add', 'example.test']);
  await fails(['domain', 'add', 'EXAMPLE.test'], /example\.test/);
  await ok(['user', 'add', 'alice@example.test', '--password-stdin', '--quota', '1G'], 'a long secret phrase\n');
  await fails(['user', 'add', 'alice@EXAMPLE.test', '--password', 'a long secret phrase'], /already exists/i);
  await fails(['user', 'add', 'bob@nowhere.test', '--password', 'a long secret phrase'], /nowhere\.test/);
  const shown = JSON.parse(await ok(['user', 'show', 'Alice@example.test', '--json']));
  assert.equal(shown.quota, 1024 ** 3);
  assert.ok(shown.mailboxes.includes('INBOX'));
  await ok(['user', 'passwd', 'alice@example.test', '--password', 'another long phrase']);

  await ok(['alias', 'add', 'postmaster@example.test', 'alice@example.test']);
  await fails(['alias', 'add', 'alice@example.test', 'bob@example.test'], /already exists/i);
  await ok(['forward', 'add', 'old@example.test', 'new@elsewhere.test']);
  await ok(['list', 'create', 'team@example.test', '--owner', 'alice@example.test', '--posting', 'moderated']);
  await ok(['list', 'add', 'team@example.test', 'alice@example.test', 'carol@elsewhere.test']);
  const list = JSON.parse(await ok(['list', 'show', 'team@example.test', '--json']));
  assert.equal(list.posting, 'moderated');
  assert.deepEqual([...list.members].sort(), ['alice@example.test', 'carol@elsewhere.test']);

  await fails(['domain', 'remove', 'example.test'], /example\.test/);
  assert.equal(await ok(['alias', 'list']), 'postmaster@example.test → alice@example.test\n');
  assert.equal(await ok(['forward', 'list']), 'old@example.test → new@elsewhere.test\n');

  await ok(['list', 'delete', 'team@example.test']);
  await ok(['forward', 'remove', 'old@example.test']);
  await ok(['alias', 'remove', 'postmaster@example.test']);
  await ok(['user', 'remove', 'alice@example.test']);
  assert.equal(await ok(['user', 'list']), '');
  await ok(['domain', 'remove', 'example.test']);
  assert.equal(await ok(['domain', 'list', '--json']), '[]\n');
}
