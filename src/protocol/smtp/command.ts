/**
 * Command lines (RFC 5321 §4.1.1): bytes of one line → verb and argument, and the
 * argument grammars of MAIL, RCPT and BDAT. Sans-IO. Errors are CommandError carrying the
 * reply code the server sends (500/501 with RFC 3463 codes), so the server does not guess.
 */
import { parsePath, PathError } from './path.js';
import { parseMailParams, parseRcptParams, ParamError, type MailParams, type RcptParams, type ParamSupport } from './params.js';

export class CommandError extends Error {
  constructor(
    readonly code: number,
    readonly enhanced: string,
    message: string,
  ) {
    super(message);
    this.name = 'CommandError';
  }
}

export interface Command {
  /** Upper-cased verb, e.g. 'MAIL'. */
  verb: string;
  /** Everything after the verb and one space; '' when absent. */
  arg: string;
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

/** Decodes one command line (without its CRLF). RFC 5321 §4.1.1: verb, SP, argument. */
export function parseCommandLine(line: Uint8Array): Command {
  if (line.includes(0)) throw new CommandError(500, '5.5.2', 'NUL byte in command');
  let text: string;
  try {
    text = utf8.decode(line);
  } catch {
    throw new CommandError(500, '5.5.2', 'command is not valid UTF-8');
  }
  if (/[\x00-\x08\x0a-\x1f\x7f]/.test(text)) throw new CommandError(500, '5.5.2', 'control character in command');
  const m = /^([A-Za-z]+)(?:[ \t]+(.*))?$/s.exec(text.replace(/[ \t]+$/, ''));
  if (!m) throw new CommandError(500, '5.5.2', 'syntax error, command unrecognized');
  return { verb: m[1].toUpperCase(), arg: m[2] ?? '' };
}

function pathError(e: unknown): never {
  if (e instanceof PathError) throw new CommandError(501, '5.1.3', `bad address syntax: ${e.message}`);
  if (e instanceof ParamError) throw new CommandError(e.code, e.enhanced, e.message);
  throw e;
}

/** `FROM:<reverse-path> [params]` (RFC 5321 §4.1.1.2). UTF-8 addresses are allowed only
 *  with the SMTPUTF8 parameter on this command (RFC 6531 §3.4). */
export function parseMail(arg: string, on: ParamSupport): { sender: string; params: MailParams } {
  const m = /^FROM:[ ]*(.*)$/is.exec(arg);
  if (!m) throw new CommandError(501, '5.5.4', 'syntax: MAIL FROM:<address>');
  try {
    const probe = parsePath(m[1], { allowNull: true, utf8: true });
    const params = parseMailParams(probe.rest, on);
    const path = parsePath(m[1], { allowNull: true, utf8: params.smtputf8 });
    return { sender: path.address, params };
  } catch (e) {
    return pathError(e);
  }
}

/** `TO:<forward-path> [params]` (RFC 5321 §4.1.1.3); `<postmaster>` without a domain is
 *  accepted (RFC 5321 §4.5.1) and returned as 'postmaster'. */
export function parseRcpt(arg: string, on: ParamSupport, smtputf8: boolean): { recipient: string; params: RcptParams } {
  const m = /^TO:[ ]*(.*)$/is.exec(arg);
  if (!m) throw new CommandError(501, '5.5.4', 'syntax: RCPT TO:<address>');
  const pm = /^<postmaster>(.*)$/i.exec(m[1]);
  try {
    if (pm) return { recipient: 'postmaster', params: parseRcptParams(pm[1].trimStart(), on) };
    const path = parsePath(m[1], { allowNull: false, utf8: smtputf8 });
    return { recipient: path.address, params: parseRcptParams(path.rest, on) };
  } catch (e) {
    return pathError(e);
  }
}

/** RFC 3030 §2: `BDAT <chunk-size> [LAST]`. */
export function parseBdat(arg: string): { size: number; last: boolean } {
  const m = /^(\d{1,15})(?: +(LAST))?$/i.exec(arg.trim());
  if (!m) throw new CommandError(501, '5.5.4', 'syntax: BDAT <size> [LAST]');
  return { size: Number(m[1]), last: m[2] !== undefined };
}

/** RFC 5321 §4.1.1.1: EHLO/HELO take a domain or an address literal. */
export function parseHeloArg(arg: string): string {
  const name = arg.trim();
  if (name === '' || /\s/.test(name) || name.length > 255) throw new CommandError(501, '5.5.4', 'syntax: EHLO <domain>');
  return name;
}
