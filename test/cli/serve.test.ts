// `posthorn serve` in process: flags reach the listeners, one line per listener, clean stop.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FakeData, fakeStore } from './fake-store.js';
import { posthorn, tempDataDir } from './support.js';
import { netStarter, occupiedPort } from '../app/support.js';

const off = ['--smtp', 'off', '--submission', 'off', '--submissions', 'off', '--pop3', 'off', '--pop3s', 'off', '--imaps', 'off', '--http', 'off'];

test('serve starts the listeners given by flags, prints them and stops cleanly', async (t) => {
  const dir = tempDataDir(t);
  const data = new FakeData();
  const r = await posthorn(['--data', dir, 'serve', ...off, '--imap', '127.0.0.1:0', '--hostname', 'mail.example.test'], {
    env: { POSTHORN_LOG_LEVEL: 'silent' },
    deps: { openStore: async () => fakeStore(data), starters: { imap: netStarter('imap') }, onServing: (stop) => void stop() },
  });
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /^imap listening on 127\.0\.0\.1:\d+\n$/);
  assert.equal(data.closed, 1);
});

test('serve with a port taken exits 1 with the reason', async (t) => {
  const dir = tempDataDir(t);
  const busy = await occupiedPort();
  t.after(() => busy.release());
  const r = await posthorn(['--data', dir, 'serve', ...off, '--imap', `127.0.0.1:${busy.port}`], {
    env: { POSTHORN_LOG_LEVEL: 'silent' },
    deps: { openStore: async () => fakeStore(new FakeData()), starters: { imap: netStarter('imap') }, onServing: () => assert.fail('must not serve') },
  });
  assert.equal(r.code, 1);
  assert.equal(r.stderr, `posthorn: imap: cannot listen on 127.0.0.1:${busy.port}: the address is already in use (set imap.listen to another ADDR:PORT or off)\n`);
});
