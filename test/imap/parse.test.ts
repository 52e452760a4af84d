/**
 * Command argument grammars, table-driven: each command is fed through the receiver in chunks
 * of 1, 2, 7 and 512 bytes, then parsed; the result must be the same for every chunking.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ImapReceiver } from '../../src/protocol/imap/receiver.js';
import { parseCommandHead } from '../../src/protocol/imap/command.js';
import { readFetchArgs } from '../../src/protocol/imap/parse/fetch.js';
import { readSearchArgs } from '../../src/protocol/imap/parse/search.js';
import { readAppendArgs, readListArgs, readSelectParams, readStoreArgs, readMailbox } from '../../src/protocol/imap/parse/args.js';
import { readSeqSet } from '../../src/protocol/imap/seqset.js';
import { ImapError } from '../../src/protocol/imap/errors.js';

function receive(input: string, chunk: number): Buffer {
  const r = new ImapReceiver();
  const buf = Buffer.from(input, 'utf8');
  const cmds: Buffer[] = [];
  for (let i = 0; i < buf.length; i += chunk) {
    for (const e of r.push(buf.subarray(i, i + chunk))) if (e.type === 'command') cmds.push(e.data);
  }
  assert.equal(cmds.length, 1);
  return cmds[0];
}

function parse(input: string, chunk: number): unknown {
  const h = parseCommandHead(receive(input, chunk));
  const r = h.reader;
  switch (h.name) {
    case 'FETCH': { r.sp(); const set = readSeqSet(r); return { set, ...readFetchArgs(r) }; }
    case 'SEARCH': return readSearchArgs(r);
    case 'STORE': return readStoreArgs(r);
    case 'APPEND': { const a = readAppendArgs(r, false); return { ...a, messages: a.messages.map((m) => ({ ...m, data: m.data.toString() })) }; }
    case 'LIST': return readListArgs(r, false);
    case 'SELECT': { r.sp(); const m = readMailbox(r, false); return { m, ...readSelectParams(r) }; }
    default: throw new Error(h.name);
  }
}

const OK: Array<[string, unknown]> = [
  ['a FETCH 1:* (UID FLAGS)\r\n', { set: { kind: 'ranges', ranges: [[1, '*']] }, items: [{ kind: 'uid' }, { kind: 'flags' }], changedSince: null, vanished: false }],
  ['a FETCH 2 FAST\r\n', { set: { kind: 'ranges', ranges: [[2, 2]] }, items: [{ kind: 'flags' }, { kind: 'internaldate' }, { kind: 'size' }], changedSince: null, vanished: false }],
  ['a FETCH 1 (BODY.PEEK[1.2.HEADER.FIELDS.NOT ("X-A" b)]<10.20>)\r\n', {
    set: { kind: 'ranges', ranges: [[1, 1]] }, changedSince: null, vanished: false,
    items: [{ kind: 'section', binary: false, peek: true, part: [1, 2], text: 'HEADER.FIELDS.NOT', fields: ['X-A', 'b'], partial: { start: 10, length: 20 }, responseName: 'BODY[1.2.HEADER.FIELDS.NOT (X-A b)]<10>' }],
  }],
  ['a FETCH 1 (FLAGS) (CHANGEDSINCE 12345 VANISHED)\r\n', { set: { kind: 'ranges', ranges: [[1, 1]] }, items: [{ kind: 'flags' }], changedSince: 12345, vanished: true }],
  ['a SEARCH RETURN (MIN COUNT) CHARSET UTF-8 OR (SEEN FROM {3}\r\nbob) NOT 1:3\r\n', {
    returns: ['MIN', 'COUNT'], partial: null, charset: 'UTF-8',
    key: { kind: 'or', a: { kind: 'and', keys: [{ kind: 'flag', flag: '\\Seen', set: true }, { kind: 'header', field: 'from', value: 'bob' }] }, b: { kind: 'not', key: { kind: 'seq', set: { kind: 'ranges', ranges: [[1, 3]] } } } },
  }],
  ['a STORE $ (UNCHANGEDSINCE 7) -FLAGS.SILENT \\Seen $Junk\r\n', { set: { kind: 'saved' }, unchangedSince: 7, mode: 'remove', silent: true, flags: ['\\Seen', '$Junk'] }],
  ['a APPEND "Sent" (\\Seen) "01-Feb-2024 10:00:00 +0000" {5+}\r\nhello ~{2+}\r\nhi\r\n', {
    mailbox: 'Sent', messages: [
      { flags: ['\\Seen'], internalDate: Date.UTC(2024, 1, 1, 10), data: 'hello', binary: false },
      { flags: [], internalDate: null, data: 'hi', binary: true },
    ],
  }],
  ['a LIST (SUBSCRIBED) "" ("INBOX" "Wo%") RETURN (CHILDREN STATUS (MESSAGES))\r\n', {
    reference: '', patterns: ['INBOX', 'Wo%'], extended: true,
    select: { subscribed: true, recursiveMatch: false, specialUse: false },
    returns: { subscribed: false, children: true, specialUse: false, status: ['MESSAGES'] },
  }],
  ['a SELECT inbox (QRESYNC (67890007 715194045000 41,43:211))\r\n', {
    m: 'INBOX', condstore: false, qresync: { uidValidity: 67890007, modseq: 715194045000, knownUids: { kind: 'ranges', ranges: [[41, 41], [43, 211]] } },
  }],
];

for (const [input, want] of OK) {
  test(`parse: ${input.split('\r\n')[0]}`, () => {
    for (const size of [1, 2, 7, 512]) assert.deepEqual(parse(input, size), want, `chunk size ${size}`);
  });
}

const BAD = [
  'a FETCH 1 (BODY[1.])\r\n', 'a FETCH 1 (BINARY[HEADER])\r\n', 'a FETCH 1 (FLAGS) (VANISHED)\r\n', 'a FETCH 0 FLAGS\r\n',
  'a SEARCH\r\n', 'a SEARCH OR SEEN\r\n', 'a SEARCH SINCE 30-Feb-2024\r\n', 'a STORE 1 FLAGS (\\Recent)\r\n',
  'a STORE 1 XFLAGS (\\Seen)\r\n', 'a APPEND INBOX\r\n', 'a LIST (RECURSIVEMATCH) "" *\r\n', 'a SELECT INBOX (FOO)\r\n',
];
test('parse: malformed arguments are BAD', () => {
  for (const input of BAD) {
    assert.throws(() => parse(input, 512), (e: unknown) => e instanceof ImapError && e.status === 'BAD', input);
  }
});
