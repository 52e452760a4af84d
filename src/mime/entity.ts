/**
 * The parser's bookkeeping for one entity (a message or a body part) while it is open, and
 * small helpers on it. Internal to mime/parse.
 */
import type { HeaderBlock } from './header.js';
import type { TextCollector } from './text.js';
import type { Envelope, MimePart } from './types.js';
import type { UuScanner } from './uuencode.js';

export interface Entity {
  part: MimePart;
  /** Non-null while the header block is being read. */
  header: HeaderBlock | null;
  /** This entity's header block is a message header (top level or message/rfc822 body). */
  isMessage: boolean;
  /** For a message entity: the section path of the message/rfc822 part ('' at top level). */
  prefix: string;
  inDigest: boolean;
  depth: number;
  /** Body of an encoded or too deeply nested message/rfc822: read as one opaque leaf. */
  opaque: boolean;
  kind: 'leaf' | 'multipart' | 'message';
  lfAtBodyStart: number;
  boundary: Buffer | null;
  mpState: 'preamble' | 'parts' | 'epilogue';
  envelope: Envelope | null;
  child: Entity | null;
  text: TextCollector | null;
  uu: UuScanner | null;
  /** base64 leaves: characters and trailing '=' seen, to estimate the decoded size. */
  b64: number;
  b64Pad: number;
}

/** Where bodies end, and the line feeds seen before that point. */
export type End = { bodyEnd: number; lfEnd: number };

/** Makes an empty part (and the empty messages inside it) start and end at `at`. */
export function collapse(part: MimePart, at: number): void {
  part.headerStart = part.bodyStart = part.bodyEnd = at;
  part.size = part.lines = 0;
  if (part.message) {
    part.message.headerStart = part.message.bodyStart = at;
    collapse(part.message.body, at);
  }
}

/** How defects name an entity: its section path, or the message it is the header of. */
export function labelOf(ent: Entity): string {
  if (ent.isMessage) return ent.prefix ? `${ent.prefix} (embedded message)` : 'message';
  return ent.part.path;
}
