/** The IMAP response parser of the client, fed whole and in chunks through protocol/imap's receiver. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ImapReceiver } from '../../src/protocol/imap/receiver.js';
import { envelope, fetchAttributes, hasAttachment, parseResponse, type ImapResponse } from '../../src/client/imap-response.js';
import { astring, Literal } from '../../src/client/imap.js';
import { expandSet } from '../../src/client/imap-mailbox.js';

const frame = (wire: string, chunk: number): ImapResponse[] => {
  const rx = new ImapReceiver({ maxLine: 1 << 20, maxLiteral: 1 << 20, maxCommand: 1 << 20 });
  const buf = Buffer.from(wire, 'utf8');
  const out: ImapResponse[] = [];
  for (let i = 0; i < buf.length; i += chunk) for (const ev of rx.push(buf.subarray(i, i + chunk))) if (ev.type === 'command') out.push(parseResponse(ev.data));
  return out;
};

const WIRE =
  '* OK [CAPABILITY IMAP4rev1 LITERAL+ AUTH=PLAIN] ready\r\n' +
  '* 3 FETCH (UID 17 FLAGS (\\Seen $Work) RFC822.SIZE 44 BODY[HEADER.FIELDS (FROM SUBJECT)] {9}\r\nFrom: a\r\n BODY[] {11}\r\nline1\r\n)x\r\n)\r\n' +
  '* LIST (\\HasNoChildren \\Sent) "/" "Gesendete &AMQ-bjekte"\r\n' +
  '* VANISHED (EARLIER) 3:5,9\r\n' +
  'A7 NO [TRYCREATE] no such mailbox\r\n' +
  '+ c29tZQ==\r\n';

test('responses parse the same in any chunking', () => {
  const whole = frame(WIRE, WIRE.length);
  for (const n of [1, 2, 7, 64]) assert.deepEqual(frame(WIRE, n), whole);
  const [ok, fetch, list, vanished, no, cont] = whole;
  assert.deepEqual(ok, { kind: 'status', tag: '*', status: 'OK', code: { name: 'CAPABILITY', args: 'IMAP4rev1 LITERAL+ AUTH=PLAIN' }, text: 'ready' });
  assert.equal(fetch.kind === 'data' && fetch.num, 3);
  const a = fetchAttributes(fetch.kind === 'data' ? fetch.values : []);
  assert.equal(a.get('UID'), '17');
  assert.deepEqual(a.get('FLAGS'), ['\\Seen', '$Work']);
  assert.deepEqual(a.get('BODY[HEADER.FIELDS (FROM SUBJECT)]'), Buffer.from('From: a\r\n'));
  assert.deepEqual(a.get('BODY[]'), Buffer.from('line1\r\n)x\r\n'), 'a literal may hold ")" and CRLF');
  assert.deepEqual(list.kind === 'data' && list.values, [['\\HasNoChildren', '\\Sent'], '/', 'Gesendete &AMQ-bjekte']);
  assert.deepEqual(vanished.kind === 'data' && expandSet(String(vanished.values[1])), [3, 4, 5, 9]);
  assert.deepEqual(no, { kind: 'status', tag: 'A7', status: 'NO', code: { name: 'TRYCREATE', args: '' }, text: 'no such mailbox' });
  assert.deepEqual(cont, { kind: 'continue', text: 'c29tZQ==' });
});

test('ENVELOPE and BODYSTRUCTURE (RFC 3501 §7.4.2)', () => {
  const [r] = frame(
    '* 1 FETCH (ENVELOPE ("Mon, 1 Jan 2024 10:00:00 +0000" "=?UTF-8?Q?Gr=C3=BC=C3=9Fe?=" (("Ann" NIL "ann" "example.com")) NIL NIL ((NIL NIL "bob" "example.org")) NIL NIL NIL "<id@x>") ' +
      'BODYSTRUCTURE (("text" "plain" ("charset" "utf-8") NIL NIL "7bit" 5 1 NIL NIL NIL NIL)("application" "pdf" NIL NIL NIL "base64" 100 NIL ("attachment" ("filename" "a.pdf")) NIL NIL) "mixed" ("boundary" "b") NIL NIL NIL))\r\n',
    1000,
  );
  const a = fetchAttributes(r.kind === 'data' ? r.values : []);
  const e = envelope(a.get('ENVELOPE'));
  assert.equal(e.subject, '=?UTF-8?Q?Gr=C3=BC=C3=9Fe?=');
  assert.deepEqual(e.from, [{ name: 'Ann', adl: null, mailbox: 'ann', host: 'example.com' }]);
  assert.equal(e.sender, null);
  assert.equal(e.messageId, '<id@x>');
  assert.equal(hasAttachment(a.get('BODYSTRUCTURE')), true);
  const [plain] = frame('* 2 FETCH (BODYSTRUCTURE ("text" "plain" ("charset" "utf-8") NIL NIL "7bit" 5 1 NIL NIL NIL NIL))\r\n', 1000);
  assert.equal(hasAttachment(fetchAttributes(plain.kind === 'data' ? plain.values : []).get('BODYSTRUCTURE')), false);
  const [named] = frame('* 2 FETCH (BODYSTRUCTURE ("image" "png" ("name" "x.png") NIL NIL "base64" 50 NIL NIL NIL NIL))\r\n', 1000);
  assert.equal(hasAttachment(fetchAttributes(named.kind === 'data' ? named.values : []).get('BODYSTRUCTURE')), true);
});

test('astring: atom, quoted, or literal (RFC 3501 §9)', () => {
  assert.equal(astring('INBOX'), 'INBOX');
  assert.equal(astring('two words'), '"two words"');
  assert.equal(astring('say "hi" \\'), '"say \\"hi\\" \\\\"');
  assert.ok(astring('Grüße') instanceof Literal);
  assert.ok(astring('a\r\nb') instanceof Literal);
});
