/**
 * ENVELOPE, BODY and BODYSTRUCTURE serialisation (RFC 3501 §7.4.2, RFC 9051 §7.5.2) from the
 * structure mime/parse computed at delivery (mime/types ParsedMessage): nothing is re-parsed.
 *
 * Rules applied here:
 *  - ENVELOPE sender and reply-to default to from when absent (RFC 3501 §7.4.2).
 *  - Group syntax: a group start is (NIL NIL "name" NIL), its end (NIL NIL NIL NIL).
 *  - Non-multipart bodies carry body-fld-lines only for text/* and message/rfc822 (and
 *    message/global, RFC 6532 §3); message/rfc822 carries the embedded envelope and body.
 *  - BODY is BODYSTRUCTURE without extension data.
 */
import type { Envelope, EnvelopeAddress, MimePart } from '../../mime/types.js';
import { Out, type WriteOptions } from './writer.js';

export function writeEnvelope(out: Out, env: Envelope, opts: WriteOptions): void {
  out.raw('(');
  out.nstring(env.date, opts).raw(' ');
  out.nstring(env.subject, opts).raw(' ');
  const from = nonEmpty(env.from);
  writeAddresses(out, from, opts);
  out.raw(' ');
  writeAddresses(out, nonEmpty(env.sender) ?? from, opts);
  out.raw(' ');
  writeAddresses(out, nonEmpty(env.replyTo) ?? from, opts);
  for (const list of [env.to, env.cc, env.bcc]) {
    out.raw(' ');
    writeAddresses(out, nonEmpty(list), opts);
  }
  out.raw(' ');
  out.nstring(env.inReplyTo, opts).raw(' ');
  out.nstring(env.messageId, opts).raw(')');
}

function nonEmpty(list: EnvelopeAddress[] | null): EnvelopeAddress[] | null {
  return list && list.length > 0 ? list : null;
}

function writeAddresses(out: Out, list: EnvelopeAddress[] | null, opts: WriteOptions): void {
  if (!list) {
    out.raw('NIL');
    return;
  }
  out.raw('(');
  for (const a of list) {
    out.raw('(');
    out.nstring(a.name, opts).raw(' ');
    out.nstring(a.adl, opts).raw(' ');
    out.nstring(a.mailbox, opts).raw(' ');
    out.nstring(a.host, opts).raw(')');
  }
  out.raw(')');
}

/** RFC 3501 §7.4.2 BODYSTRUCTURE (`extended`) or BODY (not). */
export function writeBodyStructure(out: Out, part: MimePart, extended: boolean, opts: WriteOptions): void {
  out.raw('(');
  if (part.type === 'multipart') {
    const children = part.children ?? [];
    if (children.length === 0) {
      // RFC 3501 body-type-mpart needs 1*body: an empty multipart is shown as an empty text part.
      out.raw('"text" "plain" ("charset" "us-ascii") NIL NIL "7bit" 0 0');
    }
    for (const child of children) writeBodyStructure(out, child, extended, opts);
    out.raw(' ');
    out.string(part.subtype, opts);
    if (extended) {
      out.raw(' ');
      writeParams(out, part.params, opts);
      writeExtensionTail(out, part, opts);
    }
    out.raw(')');
    return;
  }
  out.string(part.type, opts).raw(' ');
  out.string(part.subtype, opts).raw(' ');
  writeParams(out, part.params, opts);
  out.raw(' ');
  out.nstring(part.id, opts).raw(' ');
  out.nstring(part.description, opts).raw(' ');
  out.string(part.encoding, opts);
  out.raw(` ${part.size}`);
  const isMessage = part.type === 'message' && (part.subtype === 'rfc822' || part.subtype === 'global');
  if (isMessage && part.message) {
    out.raw(' ');
    writeEnvelope(out, part.message.envelope, opts);
    out.raw(' ');
    writeBodyStructure(out, part.message.body, extended, opts);
    out.raw(` ${part.lines}`);
  } else if (part.type === 'text' || isMessage) {
    out.raw(` ${part.lines}`);
  }
  if (extended) {
    out.raw(' ');
    out.nstring(part.md5, opts);
    writeExtensionTail(out, part, opts);
  }
  out.raw(')');
}

/** body-fld-dsp SP body-fld-lang SP body-fld-loc (RFC 3501 §9 body-ext-1part / body-ext-mpart). */
function writeExtensionTail(out: Out, part: MimePart, opts: WriteOptions): void {
  out.raw(' ');
  if (part.disposition) {
    out.raw('(');
    out.string(part.disposition.type, opts).raw(' ');
    writeParams(out, part.disposition.params, opts);
    out.raw(')');
  } else out.raw('NIL');
  out.raw(' ');
  const lang = part.language;
  if (!lang || lang.length === 0) out.raw('NIL');
  else if (lang.length === 1) out.string(lang[0], opts);
  else {
    out.raw('(');
    lang.forEach((l, i) => {
      if (i > 0) out.raw(' ');
      out.string(l, opts);
    });
    out.raw(')');
  }
  out.raw(' ');
  out.nstring(part.location, opts);
}

/** body-fld-param = "(" string SP string *(SP string SP string) ")" / nil */
function writeParams(out: Out, params: Record<string, string>, opts: WriteOptions): void {
  const keys = Object.keys(params);
  if (keys.length === 0) {
    out.raw('NIL');
    return;
  }
  out.raw('(');
  keys.forEach((k, i) => {
    if (i > 0) out.raw(' ');
    out.string(k, opts).raw(' ');
    out.string(params[k], opts);
  });
  out.raw(')');
}
