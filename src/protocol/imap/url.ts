/**
 * IMAP URLs naming one message or part (RFC 5092 §6 "imessagepart"), as CATENATE (RFC 4469
 * §3) and URLAUTH (RFC 4467) use them: absolute `imap://user@host[:port]/…` or relative
 * `/mailbox[;UIDVALIDITY=n]/;UID=n[/;SECTION=s][/;PARTIAL=o[.l]]`, then for URLAUTH
 * `[;EXPIRE=datetime];URLAUTH=access[:mechanism:token]`. Parsing only: what the URL names
 * is resolved by the server. Anything else is null (the caller answers [BADURL]).
 */

export interface ImapUrl {
  /** iuserinfo of an absolute URL (percent-decoded), null for a relative URL. */
  user: string | null;
  host: string | null;
  port: number | null;
  /** Mailbox name, percent-decoded UTF-8 (RFC 5092 §3.2). */
  mailbox: string;
  uidValidity: number | null;
  uid: number;
  /** Section spec upper-cased ('' when none), e.g. 'HEADER', '1.2', '1.MIME'. */
  section: string;
  partial: { start: number; length: number | null } | null;
  /** RFC 4467 §3: ";EXPIRE=" date-time, epoch ms. */
  expire: number | null;
  /** RFC 4467 §3 access identifier: 'authuser', 'anonymous', 'user+ID', 'submit+ID'. */
  access: string | null;
  /** The URL up to and including the access identifier (the text the token signs, §3). */
  rump: string | null;
  mechanism: string | null;
  /** Hex token after the mechanism. */
  token: string | null;
}

const NUMBER = /^[1-9][0-9]{0,9}$/;

function decode(s: string): string | null {
  try {
    return decodeURIComponent(s);
  } catch {
    return null;
  }
}

function uint32(s: string): number | null {
  if (!NUMBER.test(s)) return null;
  const n = Number(s);
  return n <= 0xffffffff ? n : null;
}

/** Parses one IMAP URL naming a message or a part of it; null when it is not one. */
export function parseImapUrl(text: string): ImapUrl | null {
  let rest = text;
  let user: string | null = null;
  let host: string | null = null;
  let port: number | null = null;
  const abs = /^imap:\/\/(?:([^@/]*)@)?([^/:@]+)(?::([0-9]{1,5}))?(?=\/)/i.exec(rest);
  if (abs) {
    // RFC 5092 §3.2: iuserinfo may carry ";AUTH=mechanism"; only the user name matters here.
    user = abs[1] === undefined ? null : decode(abs[1].replace(/;AUTH=.*$/i, ''));
    if (abs[1] !== undefined && user === null) return null;
    host = abs[2].toLowerCase();
    port = abs[3] ? Number(abs[3]) : null;
    rest = rest.slice(abs[0].length);
  } else if (/^[a-z][a-z0-9+.-]*:/i.test(rest)) {
    return null;
  }
  if (!rest.startsWith('/')) return null;
  const uidAt = rest.search(/\/;UID=/i);
  if (uidAt < 1) return null;
  let mbox = rest.slice(1, uidAt);
  let uidValidity: number | null = null;
  const uv = /;UIDVALIDITY=([0-9]+)$/i.exec(mbox);
  if (uv) {
    uidValidity = uint32(uv[1]);
    if (uidValidity === null) return null;
    mbox = mbox.slice(0, uv.index);
  }
  const mailbox = decode(mbox);
  if (mailbox === null || mailbox === '') return null;
  rest = rest.slice(uidAt + 6);
  const m = /^([0-9]+)(?:\/;SECTION=([^/;]+))?(?:\/;PARTIAL=([0-9]+)(?:\.([0-9]+))?)?(?:(;EXPIRE=[^;]+)?;URLAUTH=([^:;/]+)(?::([^:]+):([^:]*))?)?$/i.exec(rest);
  if (!m) return null;
  const uid = uint32(m[1]);
  const section = m[2] === undefined ? '' : decode(m[2])?.toUpperCase();
  if (uid === null || section === undefined || !validSection(section)) return null;
  let partial: ImapUrl['partial'] = null;
  if (m[3] !== undefined) {
    const start = Number(m[3]);
    const length = m[4] === undefined ? null : Number(m[4]);
    if (start > 0xffffffff || (length !== null && (length === 0 || length > 0xffffffff))) return null;
    partial = { start, length };
  }
  let expire: number | null = null;
  if (m[5]) {
    expire = Date.parse(decode(m[5].slice(8)) ?? '');
    if (Number.isNaN(expire)) return null;
  }
  const access = m[6] === undefined ? null : decode(m[6]);
  if (m[6] !== undefined && (access === null || !/^(authuser|anonymous|(user|submit)\+.+)$/i.test(access))) return null;
  const rump = m[6] === undefined ? null : text.slice(0, text.length - (m[7] === undefined ? 0 : m[7].length + m[8].length + 2));
  return {
    user, host, port, mailbox, uidValidity, uid, section, partial, expire, access, rump,
    mechanism: m[7] === undefined ? null : m[7].toUpperCase(),
    token: m[8] === undefined ? null : m[8].toLowerCase(),
  };
}

/** RFC 5092 §6 enc-section: a section-spec of RFC 3501 (HEADER.FIELDS lists are not needed here). */
function validSection(s: string): boolean {
  return s === '' || /^(?:[1-9][0-9]*(?:\.[1-9][0-9]*)*(?:\.(?:HEADER|TEXT|MIME))?|HEADER|TEXT)$/.test(s);
}
