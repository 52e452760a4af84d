/**
 * The parsed structure of one message: computed once at delivery (mime/parse) and stored
 * as JSON with the message, so IMAP FETCH, SEARCH, POP3 TOP and the webmail never re-parse.
 * Offsets are byte offsets into the raw message exactly as stored (CRLF line endings).
 */

/** An address as IMAP's ENVELOPE wants it (RFC 3501 §7.4.2); strings are raw header text. */
export interface EnvelopeAddress {
  name: string | null;
  /** Source route (obsolete); almost always null. */
  adl: string | null;
  /** Local part; for a group start it is the group name and host is null. */
  mailbox: string | null;
  host: string | null;
}

/** RFC 3501 §7.4.2 ENVELOPE. Raw (undecoded, unfolded) header values, null when absent. */
export interface Envelope {
  date: string | null;
  subject: string | null;
  from: EnvelopeAddress[] | null;
  sender: EnvelopeAddress[] | null;
  replyTo: EnvelopeAddress[] | null;
  to: EnvelopeAddress[] | null;
  cc: EnvelopeAddress[] | null;
  bcc: EnvelopeAddress[] | null;
  inReplyTo: string | null;
  messageId: string | null;
}

/** One node of the part tree. */
export interface MimePart {
  /** The IMAP section number of this part (RFC 3501 §6.4.5), so BODY[n], BODY[n.MIME] etc.
   *  are served from offsets alone (mime/sections.ts): a non-multipart message body is '1'
   *  (or 'P.1' inside the message/rfc822 part P); children of a multipart with path X are
   *  'X.1', 'X.2'… ('1', '2'… when X is ''). A multipart that is a message body has no number
   *  of its own; its path is its message's path ('' at top level, 'P' inside part P). */
  path: string;
  /** Lower-case media type and subtype, e.g. 'text', 'plain'. Defaults per RFC 2045 §5.2. */
  type: string;
  subtype: string;
  /** Content-Type parameters, names lower-case, values decoded per RFC 2231 (charset kept as given). */
  params: Record<string, string>;
  id: string | null;
  description: string | null;
  /** Content-Transfer-Encoding as given, lower-case; '7bit' when absent. */
  encoding: string;
  md5: string | null;
  disposition: { type: string; params: Record<string, string> } | null;
  language: string[] | null;
  location: string | null;
  /** Byte offsets in the raw message: the part's header block starts at headerStart, its body
   *  at bodyStart (just after the blank line) and ends at bodyEnd (exclusive). */
  headerStart: number;
  bodyStart: number;
  bodyEnd: number;
  /** Body size in octets (bodyEnd - bodyStart) and in lines (the line feeds in the body; a
   *  last line without one is not counted, as in Dovecot). Lines are counted for every part;
   *  IMAP sends them for text/* and message/rfc822 only. A body ends before the line break
   *  that precedes a boundary delimiter (RFC 2046 §5.1.1). Offsets, sizes and lines agree
   *  with Dovecot's BODYSTRUCTURE and BODY[section] for well-formed mail. */
  size: number;
  lines: number;
  /** multipart/*: the sub-parts, in order. */
  children?: MimePart[];
  /** message/rfc822 (and message/global): the embedded message's envelope and body. Always
   *  present for those types. When the part is encoded (base64 / quoted-printable, against
   *  RFC 2046 §5.2.1) or nested deeper than the parser's cap, the embedded message is read
   *  from the raw bytes and its body is one opaque leaf (a defect says so). */
  message?: { envelope: Envelope; body: MimePart; headerStart: number; bodyStart: number };
}

/** An attachment a person would see: named parts, non-text leaves, and uuencoded blocks. */
export interface AttachmentInfo {
  /** Section path of the part holding it; for uuencode, the text part that contains it. */
  path: string;
  filename: string | null;
  contentType: string;
  /** Decoded size in octets (estimated for base64 from its length). */
  size: number;
  disposition: 'attachment' | 'inline';
  contentId: string | null;
  /** 'uuencode' for a legacy `begin 644 name` block inside a text body. */
  encoding: string;
  /** For uuencode: byte offsets of the block in the raw message. */
  start?: number;
  end?: number;
}

/** Everything mime/parse derives from a raw message. */
export interface ParsedMessage {
  /** Total size in octets. */
  size: number;
  /** Offset where the top-level body starts (after the header block and its blank line). */
  bodyStart: number;
  /** Header fields in order: name as written, raw value (unfolded, not decoded). */
  headers: Array<[name: string, value: string]>;
  envelope: Envelope;
  body: MimePart;
  /** Decoded header values a person reads (RFC 2047 words and charsets decoded). */
  subject: string;
  from: string;
  to: string;
  cc: string;
  /** Date: header parsed, epoch ms, or null when missing or unparsable. */
  sentDate: number | null;
  messageId: string | null;
  /** Plain text of the text/* parts (HTML reduced to text), for full-text search; capped. */
  text: string;
  /** First ~200 characters of the text, whitespace collapsed. */
  preview: string;
  attachments: AttachmentInfo[];
  /** Problems met while parsing (missing boundary, bad charset, ...): best effort was taken. */
  defects: string[];
}
