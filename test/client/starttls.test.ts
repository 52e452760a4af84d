/** STARTTLS (RFC 3501 §6.2.1) and STLS (RFC 2595 §4) in front of Dovecot: an untrusted
 *  certificate is refused with its subject and issuer; with --insecure the session works,
 *  and `--starttls` is refused by a server that does not offer it. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { posthorn } from './cli.js';
import { anchorsUp, DOVECOT_IMAP, freshHome } from './anchors.js';
import { starttlsFront } from './tls-front.js';

test('IMAP STARTTLS and POP3 STLS, certificate checks, --starttls against a server without it', async (t) => {
  if (!(await anchorsUp())) return t.skip('Dovecot not running');
  const home = freshHome();
  t.after(home.cleanup);
  process.env.POSTHORN_PASSWORD = 'pass';
  t.after(() => delete process.env.POSTHORN_PASSWORD);
  const imap = await starttlsFront('imap', 10143);
  const pop3 = await starttlsFront('pop3', 10110);
  t.after(() => Promise.all([imap.close(), pop3.close()]));

  let r = await posthorn(['mail', 'folders', '--imap', `127.0.0.1:${imap.port}`, '--user', 'user85']);
  assert.equal(r.code, 4);
  assert.match(r.stderr, /certificate of 127\.0\.0\.1:\d+ is not trusted[\s\S]*issued to: CN=mail\.test[\s\S]*--insecure/);

  r = await posthorn(['mail', 'folders', '--imap', `127.0.0.1:${imap.port}`, '--user', 'user85', '--insecure', '--verbose']);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /^INBOX$/m);
  assert.match(r.stderr, /^C: A\d+ STARTTLS$/m);
  assert.match(r.stderr, /^C: A\d+ AUTHENTICATE PLAIN \*\*\*\*\*\*\*\*$/m);
  assert.doesNotMatch(r.stderr, /dXNlcjg1|pass\b/);

  r = await posthorn(['mail', 'list', '--pop3', `127.0.0.1:${pop3.port}`, '--user', 'user85', '--insecure', '--verbose']);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stderr, /^C: STLS$/m);
  assert.match(r.stderr, /^C: (PASS|AUTH PLAIN) \*\*\*\*\*\*\*\*$/m);

  r = await posthorn(['mail', 'folders', '--imap', DOVECOT_IMAP, '--user', 'user85', '--starttls']);
  assert.equal(r.code, 4);
  assert.match(r.stderr, /127\.0\.0\.1:10143 does not offer STARTTLS/);
});
