/**
 * Collects one header block (RFC 5322 §2.2) line by line as the parser meets it: unfolds
 * (§2.2.3: drop the CRLF before WSP), splits name and value, decodes 8-bit bytes
 * (charset.ts). Bounded: a field keeps at most FIELD_CAP characters and a block BLOCK_CAP;
 * the rest is dropped with a defect, so a 1 MB header line costs no more than that.
 */
import { decodeHeaderBytes } from './charset.js';

const FIELD_CAP = 128 * 1024;
const BLOCK_CAP = 1024 * 1024;

export type LineKind = 'field' | 'continuation' | 'not-header';

export class HeaderBlock {
  readonly fields: Array<[name: string, value: string]> = [];
  readonly defects: string[] = [];
  private readonly byName = new Map<string, string[]>();
  private cur: Buffer[] = [];
  private curLen = 0;
  private total = 0;
  private truncated = false;
  private fieldCut = false;

  /** Classifies a line that starts a header line (content without its line break). */
  static classify(buf: Buffer, start: number, end: number): LineKind {
    if (start >= end) return 'not-header';
    const c = buf[start];
    if (c === 0x20 || c === 0x09) return 'continuation';
    // RFC 5322 §2.2: field-name = 1*ftext (printable US-ASCII except ':'); obs-optional
    // (§4.5.8) allows WSP before the colon.
    let i = start;
    while (i < end && buf[i] > 0x20 && buf[i] < 0x7f && buf[i] !== 0x3a) i++;
    if (i === start) return 'not-header';
    while (i < end && (buf[i] === 0x20 || buf[i] === 0x09)) i++;
    return i < end && buf[i] === 0x3a ? 'field' : 'not-header';
  }

  /** Adds bytes of the current field: a new field, a continuation line or a fragment of an
   *  over-long line. `newField` starts a new field. */
  add(buf: Buffer, start: number, end: number, newField: boolean): void {
    if (newField) this.flush();
    if (this.total >= BLOCK_CAP) {
      if (!this.truncated) this.defects.push('header block over 1 MB: rest ignored');
      this.truncated = true;
      return;
    }
    const room = Math.min(FIELD_CAP - this.curLen, BLOCK_CAP - this.total);
    if (end - start > room) {
      end = start + Math.max(0, room);
      if (!this.fieldCut) this.defects.push('header field over 128 KB: truncated');
      this.fieldCut = true;
      if (end <= start) return;
    }
    this.cur.push(buf.subarray(start, end));
    this.curLen += end - start;
    this.total += end - start;
  }

  /** Ends the block; afterwards `fields` and `get` are complete. */
  finish(): void {
    this.flush();
  }

  /** First value of a field, by lower-case name, or undefined. */
  get(name: string): string | undefined {
    return this.byName.get(name)?.[0];
  }

  /** Every value of a field, in order, by lower-case name. */
  all(name: string): string[] {
    return this.byName.get(name) ?? [];
  }

  private flush(): void {
    this.fieldCut = false;
    if (this.cur.length === 0) return;
    const raw = this.cur.length === 1 ? this.cur[0] : Buffer.concat(this.cur, this.curLen);
    this.cur = [];
    this.curLen = 0;
    const colon = raw.indexOf(0x3a);
    if (colon < 0) return;
    const name = raw.toString('latin1', 0, colon).trimEnd();
    const value = decodeHeaderBytes(raw, colon + 1, raw.length).trim();
    this.fields.push([name, value]);
    const key = name.toLowerCase();
    const list = this.byName.get(key);
    if (list) list.push(value);
    else this.byName.set(key, [value]);
  }
}
