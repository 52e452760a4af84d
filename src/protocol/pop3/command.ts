/**
 * POP3 command lines (RFC 1939 §3): a keyword of 3–4 characters, case-insensitive, then
 * arguments separated by single spaces. `rest` keeps everything after the keyword's space
 * verbatim, because PASS may contain spaces (RFC 1939 §7). Also the argument checks every
 * command shares: message numbers and line counts.
 */

export interface Pop3Command {
  /** Upper-cased keyword, e.g. 'RETR'. */
  verb: string;
  args: string[];
  /** The text after "VERB ", verbatim ('' when there is none). */
  rest: string;
}

export type ParseResult<T> = { ok: true; value: T } | { ok: false; error: string };

export function parseCommand(line: string): ParseResult<Pop3Command> {
  // keywords are 3-4 letters; longer words parse too, so the reply can name the unknown command
  const m = /^([A-Za-z]{1,20})(?: (.*))?$/s.exec(line);
  if (!m) return { ok: false, error: line.trim() === '' ? 'empty command' : 'malformed command' };
  const rest = m[2] ?? '';
  const args = rest === '' ? [] : rest.split(' ').filter((a) => a !== '');
  return { ok: true, value: { verb: m[1].toUpperCase(), args, rest } };
}

/** A message number: a positive decimal integer (RFC 1939 §5 "msg"); leading zeros allowed. */
export function parseMessageNumber(arg: string | undefined): ParseResult<number> {
  if (arg === undefined) return { ok: false, error: 'message number required' };
  if (!/^\d{1,10}$/.test(arg)) return { ok: false, error: `invalid message number: ${arg.slice(0, 20)}` };
  const n = Number(arg);
  if (n === 0) return { ok: false, error: 'message numbers start at 1' };
  return { ok: true, value: n };
}

/** TOP's line count: a non-negative decimal integer (RFC 1939 §7). */
export function parseLineCount(arg: string | undefined): ParseResult<number> {
  if (arg === undefined) return { ok: false, error: 'number of lines required' };
  if (!/^\d{1,10}$/.test(arg)) return { ok: false, error: `invalid number of lines: ${arg.slice(0, 20)}` };
  return { ok: true, value: Number(arg) };
}
