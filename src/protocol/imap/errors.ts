/**
 * The IMAP refusal a parser or handler throws: it carries the tagged status (NO or BAD), an
 * optional response code (RFC 3501 §7.1, RFC 5530) and the text. The server's dispatcher
 * catches it once and writes `tag NO [CODE] text`; nothing else reaches the peer.
 */
export type ImapStatus = 'NO' | 'BAD';

export class ImapError extends Error {
  constructor(
    readonly status: ImapStatus,
    readonly text: string,
    /** Response code without brackets, e.g. 'TRYCREATE', 'NONEXISTENT', 'TOOBIG'. */
    readonly code: string | null = null,
  ) {
    super(text);
    this.name = 'ImapError';
  }
}

/** A syntax error: tagged BAD (RFC 3501 §7.1.5). */
export function bad(text: string, code: string | null = null): ImapError {
  return new ImapError('BAD', text, code);
}

/** A refusal of a well-formed command: tagged NO. */
export function no(text: string, code: string | null = null): ImapError {
  return new ImapError('NO', text, code);
}
