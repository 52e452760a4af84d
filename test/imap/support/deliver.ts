/**
 * Test delivery: stores one message the way mail/deliver will (blob + metadata + search text,
 * then a change event). Until mime/parse lands on main this uses a small stand-in parser that
 * handles single-part messages only (header fields, a text body, a crude ENVELOPE).
 */
import type { AppendFn } from '../../../src/server/imap/index.js';
import type { EnvelopeAddress, ParsedMessage } from '../../../src/mime/types.js';

function addresses(v: string | undefined): EnvelopeAddress[] | null {
  if (!v) return null;
  return v.split(',').map((s) => {
    const a = /^\s*"?([^"<]*?)"?\s*<([^@>]+)@([^>]+)>\s*$/.exec(s);
    if (a) return { name: a[1] || null, adl: null, mailbox: a[2], host: a[3] };
    const b = /^\s*([^@\s]+)@(\S+?)\s*$/.exec(s);
    return b ? { name: null, adl: null, mailbox: b[1], host: b[2] } : { name: null, adl: null, mailbox: s.trim(), host: 'missing-domain' };
  });
}

export function miniParse(raw: Buffer): ParsedMessage {
  const text = raw.toString('latin1');
  const sep = text.indexOf('\r\n\r\n');
  const bodyStart = sep === -1 ? raw.length : sep + 4;
  const headers: Array<[string, string]> = [];
  for (const line of text.slice(0, sep === -1 ? raw.length : sep).split('\r\n')) {
    if (/^[ \t]/.test(line) && headers.length > 0) headers[headers.length - 1][1] += line;
    else if (line.includes(':')) headers.push([line.slice(0, line.indexOf(':')), line.slice(line.indexOf(':') + 1).trim()]);
  }
  const h = (n: string) => headers.find(([k]) => k.toLowerCase() === n)?.[1];
  const body = text.slice(bodyStart);
  const from = addresses(h('from'));
  return {
    size: raw.length, bodyStart, headers,
    envelope: {
      date: h('date') ?? null, subject: h('subject') ?? null, from, sender: from, replyTo: from,
      to: addresses(h('to')), cc: addresses(h('cc')), bcc: addresses(h('bcc')),
      inReplyTo: h('in-reply-to') ?? null, messageId: h('message-id') ?? null,
    },
    body: {
      path: '', type: 'text', subtype: 'plain', params: { charset: 'us-ascii' }, id: null, description: null, encoding: '7bit',
      md5: null, disposition: null, language: null, location: null, headerStart: 0, bodyStart, bodyEnd: raw.length,
      size: raw.length - bodyStart, lines: body.split('\r\n').length - (body.endsWith('\r\n') ? 1 : 0),
    },
    subject: h('subject') ?? '', from: h('from') ?? '', to: h('to') ?? '', cc: h('cc') ?? '',
    sentDate: h('date') ? Date.parse(h('date') as string) || null : null, messageId: h('message-id') ?? null,
    text: body, preview: body.slice(0, 200), attachments: [], defects: [],
  };
}

export const testAppend: AppendFn = async ({ store, bus }, mailboxId, raw, opts) => {
  const parsed = miniParse(raw);
  const blobId = await store.blobs.put(raw);
  const [res] = await store.mail.append([{
    mailboxId,
    message: {
      blobId, size: raw.length, internalDate: opts?.internalDate ?? Date.now(), flags: opts?.flags ?? [],
      metadata: JSON.stringify(parsed), searchText: `${parsed.subject}\n${parsed.from}\n${parsed.to}\n${parsed.text}`,
    },
  }]);
  const box = await store.mail.getMailboxById(mailboxId);
  await bus.publish({ type: 'append', accountId: box?.accountId ?? 0, mailboxId, uid: res.uid, modseq: res.modseq });
  return { uid: res.uid, modseq: res.modseq };
};
