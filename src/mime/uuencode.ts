/**
 * Legacy uuencoded files inside a text body: a `begin <mode> <name>` line, data lines whose
 * first character encodes their length ((c - 32) & 63 octets), and an `end` line. Finds
 * them line by line while the parser streams past, with their byte offsets in the raw
 * message, so they can be listed and served as attachments and kept out of search text.
 */
import type { AttachmentInfo } from './types.js';

const BEGIN = /^begin [0-7]{3,4} (.+?)\s*$/;

/** Blocks listed per message at most (shared by the scanners of one message). */
export interface UuLimit {
  left: number;
}

export class UuScanner {
  readonly found: AttachmentInfo[] = [];
  private open: AttachmentInfo | null = null;

  constructor(
    private readonly path: string,
    private readonly limit: UuLimit,
  ) {}

  /** One line: content is buf[start, contentEnd), the line occupies [abs, abs + lineLen).
   *  Returns true when the line is part of a uuencoded block. */
  line(buf: Buffer, start: number, contentEnd: number, abs: number, lineLen: number): boolean {
    const len = contentEnd - start;
    if (this.open === null) {
      if (len < 11 || buf[start] !== 0x62 || buf[start + 5] !== 0x20 || this.limit.left <= 0) return false;
      const m = BEGIN.exec(buf.toString('latin1', start, Math.min(contentEnd, start + 1024)));
      if (!m) return false;
      this.open = {
        path: this.path,
        filename: m[1],
        contentType: 'application/octet-stream',
        size: 0,
        disposition: 'attachment',
        contentId: null,
        encoding: 'uuencode',
        start: abs,
        end: abs + lineLen,
      };
      this.limit.left--;
      return true;
    }
    const block = this.open;
    block.end = abs + lineLen;
    if (len >= 3 && buf[start] === 0x65 && buf[start + 1] === 0x6e && buf[start + 2] === 0x64 &&
        buf.toString('latin1', start, contentEnd).trim() === 'end') {
      block.end = abs + len;
      this.found.push(block);
      this.open = null;
    } else if (len > 0) {
      block.size += (buf[start] - 32) & 63;
    }
    return true;
  }

  /** The body ended at `end`: a block without its `end` line ends there. */
  finish(end: number, defects: string[]): void {
    if (this.open) {
      this.open.end = Math.min(this.open.end ?? end, end);
      this.found.push(this.open);
      defects.push(`${this.path}: uuencoded block "${this.open.filename}" has no end line`);
      this.open = null;
    }
  }
}
