import { test } from 'node:test';
import assert from 'node:assert/strict';
import iconv from 'iconv-lite';
import { decodeCharset, decodeHeaderBytes } from '../../src/mime/charset.js';
import { parseAddressList, displayAddresses } from '../../src/mime/address.js';
import { parseDate } from '../../src/mime/envelope.js';
import { decodeText } from '../../src/mime/words.js';
import { htmlToText } from '../../src/mime/html.js';
import { decodeQP } from '../../src/mime/text.js';
import { parseMessage } from '../../src/mime/parse.js';

const crlf = (s: string): Buffer => Buffer.from(s.replace(/\n/g, '\r\n'));

test('charsets decode through iconv-lite, ISO-2022-JP included; unknown ones fall back to UTF-8', () => {
  assert.deepEqual(decodeCharset(iconv.encode('Grüße €', 'windows-1252'), 'windows-1252'), { text: 'Grüße €', known: true });
  assert.deepEqual(decodeCharset(iconv.encode('Grüße', 'latin1'), 'ISO_8859-1'), { text: 'Grüße', known: true });
  assert.equal(decodeCharset(iconv.encode('Привет', 'koi8-r'), 'KOI8-R').text, 'Привет');
  assert.equal(decodeCharset(iconv.encode('你好', 'gbk'), 'gb2312').text, '你好');
  // "日本" in ISO-2022-JP: ESC $ B, JIS X 0208 bytes, ESC ( B.
  const jis = Buffer.from([0x1b, 0x24, 0x42, 0x46, 0x7c, 0x4b, 0x5c, 0x1b, 0x28, 0x42, 0x61]);
  assert.deepEqual(decodeCharset(jis, 'iso-2022-jp'), { text: '日本a', known: true });
  assert.deepEqual(decodeCharset(Buffer.from('plain ü'), 'x-no-such-charset'), { text: 'plain ü', known: false });
  assert.equal(decodeCharset(Buffer.from('ascii'), undefined).text, 'ascii');
});

test('8-bit header bytes: UTF-8 when valid, else windows-1252', () => {
  const utf8 = Buffer.from('Subject: Grüße');
  assert.equal(decodeHeaderBytes(utf8, 0, utf8.length), 'Subject: Grüße');
  const latin = iconv.encode('Subject: Grüße €', 'windows-1252');
  assert.equal(decodeHeaderBytes(latin, 0, latin.length), 'Subject: Grüße €');
});

test('quoted-printable: octets, soft line breaks, malformed escapes kept', () => {
  assert.equal(decodeQP(Buffer.from('Gr=C3=BC=C3=9Fe=\r\n aus=20K=C3=B6ln')).toString(), 'Grüße aus Köln');
  assert.equal(decodeQP(Buffer.from('a=\nb')).toString(), 'ab');
  assert.equal(decodeQP(Buffer.from('a=  \r\nb')).toString(), 'ab');
  assert.equal(decodeQP(Buffer.from('100=ZZ% =')).toString(), '100=ZZ% ');
  assert.equal(decodeQP(Buffer.from('=4')).toString(), '=4');
});

test('RFC 2047 encoded words: B and Q, many charsets, adjacent words joined', () => {
  assert.equal(decodeText('=?UTF-8?B?SGVsbG8gV8O2cmxk?='), 'Hello Wörld');
  assert.equal(decodeText('=?iso-8859-1?q?Caf=E9?= =?iso-8859-1?q?_cr=E8me?='), 'Café crème');
  assert.equal(decodeText('=?ISO-2022-JP?B?GyRCJEskWyRzGyhC?='), 'にほん');
  assert.equal(decodeText('plain =?utf-8?q?and_encoded?= text'), 'plain and encoded text');
  assert.equal(decodeText('=?bogus'), '=?bogus');
});

test('RFC 2231 parameters: continuations, charset and language', () => {
  const p = parseMessage(crlf(
    "Content-Type: application/octet-stream; name*0*=utf-8''%E2%82%AC; name*1=\" rates\"; name*2*=%2Etxt\n" +
      "Content-Disposition: attachment; filename*=iso-8859-1'de'Gr%FC%DFe.txt\n\nx\n",
  ));
  assert.equal(p.body.params['name'], '€ rates.txt');
  assert.equal(p.body.disposition?.params['filename'], 'Grüße.txt');
  assert.equal(p.attachments[0].filename, 'Grüße.txt');
});

test('address lists as IMAP ENVELOPE wants them', () => {
  assert.deepEqual(parseAddressList('"Doe, John" <john@example.test>'), [
    { name: 'Doe, John', adl: null, mailbox: 'john', host: 'example.test' },
  ]);
  assert.deepEqual(parseAddressList('team: a@x.test, B <b@y.test>;'), [
    { name: null, adl: null, mailbox: 'team', host: null },
    { name: null, adl: null, mailbox: 'a', host: 'x.test' },
    { name: 'B', adl: null, mailbox: 'b', host: 'y.test' },
    { name: null, adl: null, mailbox: null, host: null },
  ]);
  assert.deepEqual(parseAddressList('undisclosed-recipients:;'), [
    { name: null, adl: null, mailbox: 'undisclosed-recipients', host: null },
    { name: null, adl: null, mailbox: null, host: null },
  ]);
  assert.deepEqual(parseAddressList('x@y.test (X Y (nested))'), [{ name: 'X Y (nested)', adl: null, mailbox: 'x', host: 'y.test' }]);
  assert.deepEqual(parseAddressList('<@a.test,@b.test:z@c.test>'), [{ name: null, adl: '@a.test,@b.test', mailbox: 'z', host: 'c.test' }]);
  assert.equal(parseAddressList(''), null);
  assert.equal(parseAddressList(undefined), null);
  assert.equal(displayAddresses(parseAddressList('=?utf-8?q?J=C3=BCrgen?= <j@x.test>, g:;')), 'Jürgen <j@x.test>, g:;');
});

test('dates: RFC 5322, obsolete zones and comments, garbage', () => {
  assert.equal(parseDate('Tue, 14 May 2024 09:30:00 +0200'), Date.UTC(2024, 4, 14, 7, 30));
  assert.equal(parseDate('14 May 2024 09:30:00 GMT (comment)'), Date.UTC(2024, 4, 14, 9, 30));
  assert.equal(parseDate('Tue, 14 May 2024 09:30:00 EST'), Date.UTC(2024, 4, 14, 14, 30));
  assert.equal(parseDate('not a date'), null);
  assert.equal(parseDate(null), null);
});

test('HTML reduced to text', () => {
  assert.equal(htmlToText('<style>x{}</style><p>A&amp;B&nbsp;&#169; &#x20AC;</p><br><b>bold</b>'), 'A&B © €\nbold');
  assert.equal(htmlToText('<script>alert(1)</script>ok <!-- hidden -->'), 'ok');
  assert.equal(htmlToText('a &lt;b&gt; &bogus; &#xD800;'), 'a <b> &bogus; &#xD800;');
  assert.equal(htmlToText('1 < 2 and <b>3</b> > 2'), '1 < 2 and 3 > 2');
  assert.equal(htmlToText('<p>kept<script>never closed'), 'kept never closed');
  assert.equal(htmlToText('x <!-- never closed'), 'x');
  // Hostile input stays linear (each failed search is remembered).
  assert.equal(htmlToText('<script>'.repeat(20000)), '');
  assert.equal(htmlToText('<a '.repeat(20000)).length, 60000 - 1);
});
