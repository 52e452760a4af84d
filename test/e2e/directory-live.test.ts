/**
 * The operator changes the directory with the CLI — another process — while `posthorn serve`
 * runs, and the server's next RCPT follows at once: the SQLite server memoizes directory
 * reads (store/sql/directory-cache.ts) and must notice another connection's commit. Over
 * port 25, with the real CLI.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mxSend, posthorn, serve, tempData } from './support.js';

async function rcpt(port: number, address: string): Promise<string> {
  return (await mxSend(port, address)).rcpt;
}

test('a user, alias and domain added or removed by the CLI while the server runs count at the next RCPT', async () => {
  const data = tempData();
  try {
    assert.equal(posthorn(data.dir, ['domain', 'add', 'example.test']).status, 0);
    const s = await serve(data.dir, ['smtp']);
    try {
      // asked twice first, so that a memo of the "no" exists
      for (let i = 0; i < 2; i++) assert.match(await rcpt(s.ports.smtp, 'carol@example.test'), /^550 5\.1\.1 /m);
      assert.equal(posthorn(data.dir, ['user', 'add', 'carol@example.test', '--password-stdin'], 'correct-horse-9\n').status, 0);
      assert.match(await rcpt(s.ports.smtp, 'carol@example.test'), /^250 /m);

      assert.match(await rcpt(s.ports.smtp, 'info@example.test'), /^550 5\.1\.1 /m);
      assert.equal(posthorn(data.dir, ['alias', 'add', 'info@example.test', 'carol@example.test']).status, 0);
      assert.match(await rcpt(s.ports.smtp, 'info@example.test'), /^250 /m);

      assert.match(await rcpt(s.ports.smtp, 'dan@new.test'), /^554 5\.7\.1 /m);
      assert.equal(posthorn(data.dir, ['domain', 'add', 'new.test']).status, 0);
      assert.equal(posthorn(data.dir, ['user', 'add', 'dan@new.test', '--password-stdin'], 'correct-horse-9\n').status, 0);
      assert.match(await rcpt(s.ports.smtp, 'dan@new.test'), /^250 /m);

      assert.equal(posthorn(data.dir, ['user', 'remove', 'carol@example.test']).status, 0);
      assert.match(await rcpt(s.ports.smtp, 'carol@example.test'), /^550 5\.1\.1 /m);
    } finally {
      await s.stop();
    }
  } finally {
    data.remove();
  }
});
