/**
 * One mail transaction on an open outbound session (RFC 5321 §3.3): MAIL, RCPT for each
 * recipient, then DATA (dot-stuffed) or BDAT LAST (RFC 3030) — pipelined when the hop
 * offers PIPELINING (RFC 2920) — and the outcome for every recipient.
 *
 * Rules applied before a byte is sent: SIZE (RFC 1870 §6: too big → 5.3.4), SMTPUTF8
 * (RFC 6531 §3.2: needed but not offered → 5.6.7), 8BITMIME / BINARYMIME (RFC 6152 §3:
 * 8-bit content to a 7-bit hop is downgraded when it can be, else 5.6.3). DSN parameters
 * (RFC 3461 §4) are passed on only when the hop offers DSN.
 *
 * Invariants: every recipient gets exactly one outcome; a recipient is 'accepted' only
 * after the hop's 2xx to the end of the data; a transaction cut short leaves the rest
 * 'temporary'; the session is left ready for RSET (or dead).
 */
import { dotStuff, mailCommand, rcptCommand } from '../../protocol/smtp/client.js';
import type { BodyType, NotifyValue } from '../../protocol/smtp/params.js';
import { needsSmtpUtf8 } from '../../protocol/smtp/path.js';
import { replyToString, type Reply } from '../../protocol/smtp/reply.js';
import { downgradeTo7bit } from './downgrade.js';
import type { OpenSession } from './session.js';

export interface OutboundRecipient {
  id: number;
  address: string;
  notify: string[] | null;
  /** 'rfc822;address' (decoded), or null. */
  orcpt: string | null;
}

export interface OutboundMessage {
  sender: string;
  recipients: OutboundRecipient[];
  data: Buffer;
  envid: string | null;
  ret: 'FULL' | 'HDRS' | null;
  body: '7BIT' | '8BITMIME' | 'BINARYMIME';
  smtputf8: boolean;
}

export interface RecipientOutcome {
  id: number;
  kind: 'accepted' | 'temporary' | 'permanent';
  reply: string;
  /** The next hop's name (Remote-MTA). */
  remoteMta: string;
  /** The hop offered DSN, so NOTIFY travelled on with the message. */
  hopHasDsn: boolean;
}

const kindOf = (code: number): RecipientOutcome['kind'] => (code < 400 ? 'accepted' : code < 500 ? 'temporary' : 'permanent');
const has8bit = (b: Buffer): boolean => b.some((c) => c > 127);

function headerOf(data: Buffer): Buffer {
  const i = data.indexOf('\r\n\r\n');
  return i < 0 ? data : data.subarray(0, i);
}

/** Every recipient with the same outcome. */
function all(msg: OutboundMessage, s: OpenSession, kind: RecipientOutcome['kind'], reply: string): RecipientOutcome[] {
  return msg.recipients.map((r) => ({ id: r.id, kind, reply, remoteMta: s.target.host, hopHasDsn: s.caps.dsn }));
}

/** What must change (or fail) before this message may go to this hop. */
function prepare(msg: OutboundMessage, s: OpenSession): { data: Buffer; body: BodyType | null; utf8: boolean } | { fail: string } {
  const { caps } = s;
  const utf8Needed = needsSmtpUtf8(msg.sender) || msg.recipients.some((r) => needsSmtpUtf8(r.address)) || (msg.smtputf8 && has8bit(headerOf(msg.data)));
  if (utf8Needed && !caps.smtputf8) return { fail: '553 5.6.7 next hop does not support SMTPUTF8, which this message needs' };
  // RFC 1870 §6: do not send what the server has said it will refuse.
  if (caps.size && msg.data.length > caps.size) return { fail: `552 5.3.4 message size ${msg.data.length} exceeds the next hop's limit of ${caps.size}` };
  let data = msg.data;
  let body: BodyType | null = null;
  if (msg.body === 'BINARYMIME') {
    if (!(caps.binarymime && caps.chunking)) return { fail: '554 5.6.3 binary message and the next hop lacks BINARYMIME' };
    body = 'BINARYMIME';
  } else if (has8bit(data)) {
    if (caps.eightbitmime) body = '8BITMIME';
    else {
      // RFC 6152 §3: convert to 7 bit, or return the message.
      const down = downgradeTo7bit(data);
      if (!down) return { fail: '554 5.6.3 8-bit message cannot be converted for a next hop without 8BITMIME' };
      data = down;
    }
  } else if (msg.body !== '7BIT' && caps.eightbitmime) body = msg.body;
  return { data, body, utf8: utf8Needed || (msg.smtputf8 && caps.smtputf8) };
}

function mailLine(msg: OutboundMessage, s: OpenSession, size: number, body: BodyType | null, utf8: boolean): string {
  const dsn = s.caps.dsn;
  return mailCommand(msg.sender, {
    size: s.caps.size !== null ? size : undefined, // RFC 1870 §3
    body: body ?? undefined, // RFC 6152 §2
    smtputf8: utf8, // RFC 6531 §3.4
    ret: dsn ? msg.ret ?? undefined : undefined, // RFC 3461 §4.3, only to a DSN hop
    envid: dsn ? msg.envid ?? undefined : undefined, // RFC 3461 §4.4
  });
}

function rcptLine(r: OutboundRecipient, s: OpenSession): string {
  if (!s.caps.dsn) return rcptCommand(r.address);
  // RFC 3461 §4.1, §4.2: NOTIFY and ORCPT travel on only to a hop that offers DSN.
  return rcptCommand(r.address, { notify: (r.notify as NotifyValue[] | null) ?? undefined, orcpt: r.orcpt ?? undefined });
}

/** Runs one transaction. `reset` sends RSET first (every transaction after the first). */
export async function sendMessage(s: OpenSession, msg: OutboundMessage, reset: boolean): Promise<RecipientOutcome[]> {
  const prep = prepare(msg, s);
  if ('fail' in prep) return all(msg, s, 'permanent', prep.fail);
  const { conn, caps } = s;
  const outcome = new Map<number, RecipientOutcome>();
  const set = (id: number, r: Reply | string) => {
    const reply = typeof r === 'string' ? r : replyToString(r);
    const kind = typeof r === 'string' ? 'temporary' : kindOf(r.code);
    // RFC 5321 §3.8: 421 means the server is closing the channel.
    if (typeof r !== 'string' && r.code === 421) conn.close();
    outcome.set(id, { id, kind, reply, remoteMta: s.target.host, hopHasDsn: caps.dsn });
  };
  try {
    const useBdat = caps.chunking;
    // RFC 3030 §4.2 with RFC 2920: BDAT may be pipelined too, so with both extensions the
    // whole transaction is one write and one round trip.
    const bdatPipelined = useBdat && caps.pipelining;
    const commands = [mailLine(msg, s, prep.data.length, prep.body, prep.utf8), ...msg.recipients.map((r) => rcptLine(r, s))];
    if (!useBdat) commands.push('DATA\r\n');
    if (reset) commands.unshift('RSET\r\n');
    let dataReply: Reply | null = null;
    if (caps.pipelining) {
      // RFC 2920 §3.1: RSET, MAIL, RCPTs and DATA may go in one group; replies come in order.
      const group: Buffer[] = commands.map((c) => Buffer.from(c, 'utf8'));
      if (bdatPipelined) group.push(Buffer.from(`BDAT ${prep.data.length} LAST\r\n`), prep.data);
      conn.write(group);
    }
    const next = async (i: number): Promise<Reply> => {
      if (!caps.pipelining) conn.write(commands[i]);
      return conn.reply();
    };
    let i = 0;
    if (reset) {
      const r = await next(i++);
      if (r.code !== 250) {
        conn.close(); // the rest of a pipelined group would be out of step
        return all(msg, s, 'temporary', replyToString(r));
      }
    }
    const mail = await next(i++);
    const accepted: number[] = [];
    for (const r of msg.recipients) {
      if (mail.code !== 250 && !caps.pipelining) { set(r.id, mail); continue; }
      const rr = await next(i++);
      if (mail.code !== 250) set(r.id, mail);
      else if (rr.code === 250 || rr.code === 251) accepted.push(r.id);
      else set(r.id, rr);
    }
    if (!useBdat && (caps.pipelining || (mail.code === 250 && accepted.length > 0))) dataReply = await next(i++);
    // A pipelined BDAT is answered whatever happened before it (an error if no recipient).
    const bdatReply = bdatPipelined ? await conn.reply() : null;
    if (accepted.length === 0) {
      // RFC 2920 §3.1: DATA accepted with no valid recipient: end the empty message.
      if (dataReply?.code === 354) { conn.write('.\r\n'); await conn.reply(); }
      return msg.recipients.map((r) => outcome.get(r.id)!);
    }
    let final: Reply;
    if (bdatReply) final = bdatReply;
    else if (useBdat) {
      // RFC 3030 §2: BDAT <size> LAST, the octets exactly, no dot-stuffing.
      conn.write([Buffer.from(`BDAT ${prep.data.length} LAST\r\n`), prep.data]);
      final = await conn.reply();
    } else {
      if (!dataReply || dataReply.code !== 354) {
        for (const id of accepted) set(id, dataReply ?? '451 4.4.2 no reply to DATA');
        return msg.recipients.map((r) => outcome.get(r.id)!);
      }
      conn.write(dotStuff(prep.data)); // RFC 5321 §4.5.2, ends with CRLF.CRLF
      final = await conn.reply();
    }
    for (const id of accepted) set(id, final);
  } catch (e) {
    for (const r of msg.recipients) if (!outcome.has(r.id)) set(r.id, `421 4.4.2 ${s.target.host}: ${(e as Error).message}`);
  }
  return msg.recipients.map((r) => outcome.get(r.id)!);
}
