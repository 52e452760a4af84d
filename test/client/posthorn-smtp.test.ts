/**
 * `posthorn send` against Posthorn's own submission server (in process, port 0, through the
 * SMTP engineer's harness): STARTTLS, AUTH (SCRAM with the account's secret; PLAIN when the
 * password is not the SCRAM secret), SIZE, and the message as delivered.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { inbox, PASSWORD, startTestServer } from '../smtp/support/harness.js';
import { posthorn } from './cli.js';
import { freshHome } from './anchors.js';
import { viewMessage, attachmentData } from '../../src/client/message.js';

test('send through Posthorn submission: STARTTLS, SCRAM or PLAIN, Bcc hidden, SIZE', async (t) => {
  const home = freshHome();
  t.after(home.cleanup);
  const srv = await startTestServer({ mode: 'submission' });
  t.after(() => srv.close());
  const file = join(home.dir, 'Übersicht.bin');
  writeFileSync(file, randomBytes(3000));
  writeFileSync(join(home.dir, 'body.txt'), 'Hallo Bob\n');
  const a = ['--server', `127.0.0.1:${srv.port}`, '--insecure', '--from', 'alice@example.test', '--body', join(home.dir, 'body.txt'), '--verbose'];

  // the account's SCRAM secret: SCRAM-SHA-256 succeeds, the server proves itself
  let r = await posthorn(['send', ...a, '--user', 'alice@example.test', '--password-stdin', '--to', 'alice@example.test', '--subject', 'Grüße', '--attach', file], { stdin: 'alice-secret\n' });
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stderr, /^C: STARTTLS$/m);
  assert.match(r.stderr, /^C: AUTH SCRAM-SHA-256 \*+$/m);
  assert.match(r.stderr, /^S: 235 /m);
  const got = inbox(srv.store, 1).at(-1) ?? assert.fail('not delivered to alice');
  const raw = Buffer.from(got, 'utf8');
  const v = viewMessage(raw);
  assert.equal(v.parsed.subject, 'Grüße');
  assert.equal(v.attachments[0].name, 'Übersicht.bin');
  assert.equal(attachmentData(raw, v, v.attachments[0]).length, 3000);

  // the login password is not the SCRAM secret: SCRAM is refused, PLAIN over TLS works
  r = await posthorn(['send', ...a, '--user', 'alice@example.test', '--password-stdin', '--to', 'alice@example.test', '--bcc', 'bob@example.test', '--subject', 'zwei'], { stdin: `${PASSWORD}\n` });
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stderr, /^C: AUTH PLAIN \*+$/m);
  const toBob = inbox(srv.store, 2).at(-1) ?? assert.fail('Bcc not delivered to bob');
  assert.match(toBob, /^Subject: zwei\r$/m);
  assert.doesNotMatch(toBob, /^Bcc:|bob@example\.test>?\r?$/im);

  // over the server's SIZE (100,000 here)
  const big = join(home.dir, 'big.bin');
  writeFileSync(big, randomBytes(120_000));
  r = await posthorn(['send', ...a, '--user', 'alice@example.test', '--password-stdin', '--to', 'alice@example.test', '--attach', big], { stdin: `${PASSWORD}\n` });
  assert.equal(r.code, 7, r.stderr);

  // wrong password
  r = await posthorn(['send', ...a, '--user', 'alice@example.test', '--password-stdin', '--to', 'alice@example.test'], { stdin: 'nope\n' });
  assert.equal(r.code, 5, r.stderr);
});
