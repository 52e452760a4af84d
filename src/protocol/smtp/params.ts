/**
 * ESMTP parameters of MAIL and RCPT (RFC 5321 §4.1.2 esmtp-param) and the extensions that
 * define them: SIZE (RFC 1870), BODY (RFC 6152, RFC 3030), SMTPUTF8 (RFC 6531), RET, ENVID,
 * NOTIFY, ORCPT (RFC 3461), AUTH (RFC 4954 §5). Sans-IO; the server decides which
 * extensions are on and reports a ParamError with the reply RFC 5321 §4.1.1.11 / RFC 1869
 * ask for (555 5.5.4 unknown or bad parameter, 501 5.5.4 malformed).
 */

export type BodyType = '7BIT' | '8BITMIME' | 'BINARYMIME';

export interface MailParams {
  size: number | null;
  body: BodyType | null;
  smtputf8: boolean;
  ret: 'FULL' | 'HDRS' | null;
  /** RFC 3461 §4.4: decoded xtext. */
  envid: string | null;
  /** RFC 4954 §5: decoded mailbox, '' for AUTH=<>. */
  auth: string | null;
}

export type NotifyValue = 'NEVER' | 'SUCCESS' | 'FAILURE' | 'DELAY';

export interface RcptParams {
  notify: NotifyValue[] | null;
  /** RFC 3461 §4.2 'addr-type;xtext-decoded-address', e.g. 'rfc822;a@b.example'. */
  orcpt: string | null;
}

export class ParamError extends Error {
  constructor(
    readonly code: 501 | 555,
    readonly enhanced: string,
    message: string,
  ) {
    super(message);
    this.name = 'ParamError';
  }
}

/** Splits `KEY=value KEY2` (RFC 5321 §4.1.2 Mail-parameters) into upper-cased keys. */
export function splitParams(rest: string): Array<[string, string | null]> {
  const out: Array<[string, string | null]> = [];
  const seen = new Set<string>();
  for (const word of rest.split(' ').filter((w) => w !== '')) {
    const eq = word.indexOf('=');
    const key = (eq < 0 ? word : word.slice(0, eq)).toUpperCase();
    const value = eq < 0 ? null : word.slice(eq + 1);
    if (!/^[A-Z0-9][A-Z0-9-]*$/.test(key)) throw new ParamError(501, '5.5.4', `malformed parameter ${key}`);
    if (value !== null && !/^[\x21-\x3c\x3e-\x7e\u0080-\u{10ffff}]+$/u.test(value)) throw new ParamError(501, '5.5.4', `malformed value for ${key}`);
    if (seen.has(key)) throw new ParamError(501, '5.5.4', `duplicate parameter ${key}`);
    seen.add(key);
    out.push([key, value]);
  }
  return out;
}

/** Which extensions the session has on; a parameter of an extension that is off is 555. */
export interface ParamSupport {
  size: boolean;
  eightBit: boolean;
  binary: boolean;
  smtputf8: boolean;
  dsn: boolean;
  auth: boolean;
}

export function parseMailParams(rest: string, on: ParamSupport): MailParams {
  const p: MailParams = { size: null, body: null, smtputf8: false, ret: null, envid: null, auth: null };
  for (const [key, value] of splitParams(rest)) {
    if (key === 'SIZE' && on.size) {
      // RFC 1870 §3: SIZE=<decimal octets>
      if (value === null || !/^\d{1,15}$/.test(value)) throw new ParamError(501, '5.5.4', 'SIZE needs a number');
      p.size = Number(value);
    } else if (key === 'BODY' && on.eightBit) {
      const v = value?.toUpperCase();
      // RFC 6152 §2, RFC 3030 §3: BODY=7BIT / 8BITMIME / BINARYMIME
      if (v === '7BIT' || v === '8BITMIME' || (v === 'BINARYMIME' && on.binary)) p.body = v;
      else throw new ParamError(501, '5.5.4', `unsupported BODY type ${value ?? ''}`);
    } else if (key === 'SMTPUTF8' && on.smtputf8) {
      // RFC 6531 §3.4: no value
      if (value !== null) throw new ParamError(501, '5.5.4', 'SMTPUTF8 takes no value');
      p.smtputf8 = true;
    } else if (key === 'RET' && on.dsn) {
      const v = value?.toUpperCase();
      // RFC 3461 §4.3
      if (v !== 'FULL' && v !== 'HDRS') throw new ParamError(501, '5.5.4', 'RET must be FULL or HDRS');
      p.ret = v;
    } else if (key === 'ENVID' && on.dsn) {
      // RFC 3461 §4.4: xtext, at most 100 characters
      if (value === null || value.length > 100) throw new ParamError(501, '5.5.4', 'bad ENVID');
      p.envid = decodeXtext(value);
    } else if (key === 'AUTH' && on.auth) {
      // RFC 4954 §5: AUTH=<> or AUTH=xtext(mailbox)
      if (value === null) throw new ParamError(501, '5.5.4', 'AUTH needs a value');
      p.auth = value === '<>' ? '' : decodeXtext(value);
    } else {
      throw new ParamError(555, '5.5.4', `unsupported parameter ${key}`);
    }
  }
  return p;
}

export function parseRcptParams(rest: string, on: ParamSupport): RcptParams {
  const p: RcptParams = { notify: null, orcpt: null };
  for (const [key, value] of splitParams(rest)) {
    if (key === 'NOTIFY' && on.dsn) {
      // RFC 3461 §4.1: NEVER alone, or any of SUCCESS, FAILURE, DELAY
      const vs = (value ?? '').toUpperCase().split(',');
      const ok = vs.every((v) => v === 'NEVER' || v === 'SUCCESS' || v === 'FAILURE' || v === 'DELAY');
      if (!ok || (vs.includes('NEVER') && vs.length > 1) || new Set(vs).size !== vs.length) {
        throw new ParamError(501, '5.5.4', 'bad NOTIFY value');
      }
      p.notify = vs as NotifyValue[];
    } else if (key === 'ORCPT' && on.dsn) {
      // RFC 3461 §4.2: addr-type ";" xtext
      const m = value ? /^([A-Za-z0-9-]+);(.+)$/.exec(value) : null;
      if (!m || value!.length > 500) throw new ParamError(501, '5.5.4', 'bad ORCPT value');
      p.orcpt = `${m[1].toLowerCase()};${decodeXtext(m[2])}`;
    } else {
      throw new ParamError(555, '5.5.4', `unsupported parameter ${key}`);
    }
  }
  return p;
}

/** RFC 3461 §4: xtext, '+' followed by two upper-case hex digits encodes an octet. */
export function decodeXtext(s: string): string {
  if (/\+(?![0-9A-F]{2})/.test(s)) throw new ParamError(501, '5.5.4', 'malformed xtext');
  const parts = s.split(/(\+[0-9A-F]{2})/).map((x) => (/^\+[0-9A-F]{2}$/.test(x) ? Buffer.from([parseInt(x.slice(1), 16)]) : Buffer.from(x, 'utf8')));
  return Buffer.concat(parts).toString('utf8');
}

export function encodeXtext(s: string): string {
  let out = '';
  for (const b of Buffer.from(s, 'utf8')) {
    out += b >= 33 && b <= 126 && b !== 43 && b !== 61 ? String.fromCharCode(b) : `+${b.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return out;
}
