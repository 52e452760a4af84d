/**
 * The streaming MIME parser: raw message bytes in (any chunking), ParsedMessage out
 * (types.ts). One pass, linear, bounded memory: it keeps offsets and counters, the header
 * blocks (capped, header.ts), and the text of text parts up to a budget (text.ts); never
 * the body itself. CRLF is the norm (RFC 5322 §2.1) but a bare LF ends a line too.
 *
 * Byte offsets follow RFC 2046 §5.1.1: the line break before a boundary delimiter belongs
 * to the delimiter, so a part's body ends before it. Section paths follow RFC 3501 §6.4.5
 * (see types.ts MimePart.path). Nesting is capped at MAX_DEPTH containers; deeper
 * multiparts become opaque leaves. Malformed input never throws: it becomes a defect and a
 * best-effort structure.
 *
 * Checked against Dovecot (test/mime/dovecot/compare.py): for well-formed mail, sizes, line
 * counts, ENVELOPE and every BODY[section] agree byte for byte. On malformed mail we differ
 * on purpose: a boundary line must be the delimiter plus only whitespace (RFC 2046 §5.1.1;
 * Dovecot accepts any text after it); a line that is no header field ends a part's header
 * block (Dovecot keeps it in the header); a multipart whose boundary never appears, or that
 * has no boundary parameter, is read as text/plain (Dovecot shows an empty child); an
 * address without domain gets host "" (Dovecot: "MISSING_DOMAIN"); a repeated address
 * field is joined (as Dovecot does), another repeated field counts by its first occurrence
 * (Dovecot takes the last Subject).
 * message/global is read as an embedded message, as RFC 9051 §7.5.2 says (older Dovecot
 * treats it as a basic part).
 */
import { matchDelimiter } from './boundary.js';
import { buildEnvelope } from './envelope.js';
import { finishMessage } from './finish.js';
import { collapse, labelOf, type End, type Entity } from './entity.js';
import { HeaderBlock } from './header.js';
import { LineSplitter } from './lines.js';
import { describePart, newPart } from './part.js';
import { RAW_BUDGET, TextCollector, type Budget } from './text.js';
import type { AttachmentInfo, Envelope, MimePart, ParsedMessage } from './types.js';
import { UuScanner, type UuLimit } from './uuencode.js';

export const MAX_DEPTH = 50;
/** Parts kept per message; later boundaries are read as content (bounded memory). */
export const MAX_PARTS = 10_000;

export class MimeParser {
  private readonly splitter = new LineSplitter((b, s, e, lf) => this.segment(b, s, e, lf));
  private readonly stack: Entity[] = [];
  private readonly root: Entity;
  private readonly defects: string[] = [];
  private readonly budget: Budget = { raw: RAW_BUDGET };
  private readonly uuLimit: UuLimit = { left: 1000 };
  private readonly texts = new Map<MimePart, string>();
  private readonly decodedSizes = new Map<MimePart, number>();
  private readonly uu = new Map<MimePart, AttachmentInfo[]>();
  private rootHeaders: HeaderBlock | null = null;
  private offset = 0;
  private lf = 0;
  private atLineStart = true;
  private curLineStart = 0;
  private prevLineStart = -1;
  private prevContentEnd = -1;
  private multiparts = 0;
  /** The previous line was a boundary delimiter line. */
  private prevBoundary = false;
  private ended = false;
  private parts = 0;

  constructor() {
    this.root = this.entity(newPart('', 0), true, '', false, 0);
    this.stack.push(this.root);
  }

  /** Feeds the next bytes of the message. */
  write(chunk: Buffer): this {
    if (!this.ended && chunk.length > 0) this.splitter.push(chunk);
    return this;
  }

  /** Ends the input and returns the parsed message. */
  end(): ParsedMessage {
    this.ended = true;
    this.splitter.end();
    this.closeAbove(0, { bodyEnd: this.offset, lfEnd: this.lf });
    const headers = this.rootHeaders ?? new HeaderBlock();
    return finishMessage({
      root: this.root.part,
      size: this.offset,
      headers,
      envelope: this.root.envelope ?? buildEnvelope(headers),
      texts: this.texts,
      decodedSizes: this.decodedSizes,
      uu: this.uu,
      defects: this.defects,
    });
  }

  private entity(part: MimePart, isMessage: boolean, prefix: string, inDigest: boolean, depth: number): Entity {
    return {
      part, header: new HeaderBlock(), isMessage, prefix, inDigest, depth, opaque: false, kind: 'leaf',
      lfAtBodyStart: this.lf, boundary: null, mpState: 'preamble', envelope: null, child: null,
      text: null, uu: null, b64: 0, b64Pad: 0,
    };
  }

  private segment(buf: Buffer, s: number, e: number, hasLF: boolean): void {
    const abs = this.offset;
    this.offset += e - s;
    let contentEnd = e;
    if (hasLF) {
      contentEnd = e - 1;
      if (contentEnd > s && buf[contentEnd - 1] === 13) contentEnd--;
    }
    const lineStart = this.atLineStart;
    if (lineStart) this.curLineStart = abs;
    const wasBoundary = this.prevBoundary;
    this.prevBoundary = false;
    this.line(buf, s, e, contentEnd, abs, lineStart, hasLF, wasBoundary);
    if (hasLF) {
      this.lf++;
      this.prevLineStart = this.curLineStart;
      this.prevContentEnd = abs + (contentEnd - s);
      this.atLineStart = true;
    } else this.atLineStart = false;
  }

  private line(buf: Buffer, s: number, e: number, ce: number, abs: number, lineStart: boolean, hasLF: boolean, afterBoundary: boolean): void {
    // RFC 2046 §5.1.1 delimiter lines (boundary.ts). A fragment of an over-long line is no boundary (only the input's last line may lack LF).
    if (lineStart && this.multiparts > 0 && (hasLF || this.ended) && ce - s >= 3 && buf[s] === 45 && buf[s + 1] === 45) {
      if (this.boundary(buf, s, e, ce, abs, hasLF, afterBoundary)) {
        this.prevBoundary = true;
        return;
      }
    }
    const top = this.stack[this.stack.length - 1];
    if (top.header) {
      if (this.headerLine(top, buf, s, e, ce, abs, lineStart, hasLF)) this.line(buf, s, e, ce, abs, lineStart, hasLF, afterBoundary);
    } else if (top.kind === 'leaf') {
      this.bodyLine(top, buf, s, e, ce, abs, lineStart);
    } else if (top.text && top.mpState === 'preamble') {
      // Kept in case no boundary ever comes and the multipart is read as text.
      top.text.add(buf, s, e);
    }
  }

  private boundary(buf: Buffer, s: number, e: number, ce: number, abs: number, hasLF: boolean, afterBoundary: boolean): boolean {
    for (let i = this.stack.length - 1; i >= 0; i--) {
      const m = this.stack[i];
      const b = m.boundary;
      if (m.kind !== 'multipart' || m.header || !b || m.mpState === 'epilogue') continue;
      const match = matchDelimiter(buf, s, ce, b);
      if (match === null) continue;
      const close = match === 'close';
      if (!close && hasLF && this.parts >= MAX_PARTS) {
        if (this.parts++ === MAX_PARTS) this.defects.push(`message: more than ${MAX_PARTS} parts: later boundaries read as content`);
        return false;
      }
      const end: End = this.lineBreakEnd(afterBoundary);
      if (i + 1 < this.stack.length) this.closeAbove(i + 1, end);
      if (close || !hasLF) {
        if (!close) this.defects.push(`${labelOf(m)}: boundary line at end of input`);
        m.mpState = 'epilogue';
        return true;
      }
      m.mpState = 'parts';
      m.text?.discard();
      m.text = null;
      const children = m.part.children ?? (m.part.children = []);
      const path = m.part.path ? `${m.part.path}.${children.length + 1}` : `${children.length + 1}`;
      const part = newPart(path, abs + (e - s));
      children.push(part);
      this.parts++;
      const child = this.entity(part, false, '', m.part.subtype === 'digest', m.depth + 1);
      child.lfAtBodyStart = this.lf + 1;
      this.stack.push(child);
      return true;
    }
    return false;
  }

  /** Where a body ends when the current line is a boundary: before the previous line break
   *  (RFC 2046 §5.1.1), except when the previous line was itself a delimiter line, which
   *  keeps its own line break (as Dovecot does: "--inner--" CRLF "--outer"). */
  private lineBreakEnd(afterBoundary: boolean): End {
    if (this.prevLineStart < 0) return { bodyEnd: 0, lfEnd: 0 };
    if (afterBoundary) return { bodyEnd: this.curLineStart, lfEnd: this.lf };
    return { bodyEnd: this.prevContentEnd, lfEnd: this.lf - 1 };
  }

  /** Returns true when the line turned out to be body, not header, and must be re-read. */
  private headerLine(top: Entity, buf: Buffer, s: number, e: number, ce: number, abs: number, lineStart: boolean, hasLF: boolean): boolean {
    const h = top.header as HeaderBlock;
    if (!lineStart) {
      h.add(buf, s, ce, false);
      return false;
    }
    if (ce === s) {
      // RFC 5322 §2.1: an empty line ends the header block.
      if (hasLF) this.finishHeader(top, abs + (e - s), this.lf + 1);
      return false;
    }
    const kind = HeaderBlock.classify(buf, s, ce);
    if (kind === 'field') h.add(buf, s, ce, true);
    else if (kind === 'continuation') h.add(buf, s, ce, false);
    else if (top === this.root && abs === 0 && buf.toString('latin1', s, Math.min(ce, s + 5)) === 'From ') {
      this.defects.push('message: mbox "From " line before the header ignored');
    } else {
      this.defects.push(`${labelOf(top)}: header block not ended by an empty line`);
      this.finishHeader(top, abs, this.lf);
      return true;
    }
    return false;
  }

  private finishHeader(ent: Entity, bodyStart: number, lfAt: number): void {
    const h = ent.header as HeaderBlock;
    h.finish();
    ent.header = null;
    const part = ent.part;
    part.bodyStart = Math.max(bodyStart, part.headerStart);
    part.bodyEnd = part.bodyStart;
    ent.lfAtBodyStart = lfAt;
    const label = (): string => labelOf(ent);
    this.defects.push(...h.defects.map((d) => `${label()}: ${d}`));
    describePart(part, h, ent.inDigest, this.defects);
    if (ent.isMessage) {
      ent.envelope = buildEnvelope(h);
      if (ent === this.root) this.rootHeaders = h;
    }
    if (ent.opaque) {
      if (part.type === 'multipart' || part.type === 'message') {
        part.type = 'application';
        part.subtype = 'octet-stream';
      }
    } else if (part.type === 'multipart') {
      const b = part.params['boundary'];
      if (!b) {
        this.defects.push(`${label()}: multipart without boundary: read as text/plain`);
        part.type = 'text';
        part.subtype = 'plain';
      } else if (ent.depth >= MAX_DEPTH) {
        this.defects.push(`${label()}: nesting deeper than ${MAX_DEPTH}: rest kept opaque`);
        part.type = 'application';
        part.subtype = 'octet-stream';
      } else {
        ent.kind = 'multipart';
        ent.boundary = Buffer.from(`--${b}`, 'utf8');
        part.children = [];
        ent.text = new TextCollector(this.budget);
        this.multiparts++;
      }
    } else if (part.type === 'message' && (part.subtype === 'rfc822' || part.subtype === 'global')) {
      // Always read as a message, so IMAP can describe it (RFC 3501 §7.4.2 needs envelope and
      // body). RFC 2046 §5.2.1 allows only 7bit, 8bit or binary; with another encoding, or
      // too deep, its body is kept as one opaque leaf (Dovecot parses those raw too).
      ent.kind = 'message';
      if (!['7bit', '8bit', 'binary'].includes(part.encoding)) {
        this.defects.push(`${label()}: message/${part.subtype} with ${part.encoding} encoding: body kept opaque`);
        ent.opaque = true;
      } else if (ent.depth >= MAX_DEPTH) {
        this.defects.push(`${label()}: nesting deeper than ${MAX_DEPTH}: rest kept opaque`);
        ent.opaque = true;
      }
    }
    if (ent.isMessage) {
      part.path = ent.kind === 'multipart' ? ent.prefix : ent.prefix ? `${ent.prefix}.1` : '1';
    }
    if (ent.kind === 'message') {
      const child = this.entity(newPart('', part.bodyStart), true, part.path, false, ent.depth + 1);
      child.lfAtBodyStart = lfAt;
      child.opaque = ent.opaque;
      ent.child = child;
      this.stack.push(child);
    } else if (ent.kind === 'leaf') this.setupLeaf(ent);
  }

  private setupLeaf(ent: Entity): void {
    if (ent.opaque) return;
    const p = ent.part;
    const textual = p.type === 'text' && ['plain', 'html', 'enriched', 'richtext'].includes(p.subtype);
    if (textual && p.disposition?.type !== 'attachment') ent.text = new TextCollector(this.budget);
    if (p.type === 'text' && p.subtype === 'plain' && ['7bit', '8bit', 'binary'].includes(p.encoding)) {
      ent.uu = new UuScanner(p.path, this.uuLimit);
    }
  }

  private bodyLine(ent: Entity, buf: Buffer, s: number, e: number, ce: number, abs: number, lineStart: boolean): void {
    if (ent.uu && lineStart && ent.uu.line(buf, s, ce, abs, e - s)) return;
    if (ent.text) ent.text.add(buf, s, e);
    if (ent.part.encoding === 'base64') {
      let c = ce;
      while (c > s && (buf[c - 1] === 32 || buf[c - 1] === 9 || buf[c - 1] === 13)) c--;
      if (c > s) {
        ent.b64 += c - s;
        ent.b64Pad = buf[c - 1] !== 61 ? 0 : c - 1 > s && buf[c - 2] === 61 ? 2 : 1;
      }
    }
  }

  /** Closes every entity at stack index >= level, innermost first. */
  private closeAbove(level: number, end: End): void {
    while (this.stack.length > level) {
      const top = this.stack[this.stack.length - 1];
      if (top.header) {
        // Cut off inside its header block: the body is empty.
        this.finishHeader(top, end.bodyEnd, end.lfEnd);
        continue;
      }
      this.stack.pop();
      this.finalize(top, end);
    }
  }

  private finalize(ent: Entity, end: End): void {
    const p = ent.part;
    // An empty body whose blank line's CRLF is the one before the next delimiter: the header
    // block ends before that CRLF (RFC 2046 §5.1.1; Dovecot agrees).
    if (end.bodyEnd < p.bodyStart) p.bodyStart = Math.max(p.headerStart, end.bodyEnd);
    p.bodyEnd = Math.max(p.bodyStart, end.bodyEnd);
    p.size = p.bodyEnd - p.bodyStart;
    // RFC 3501 §7.4.2 body lines: the line feeds in the body (a last line without one is
    // not counted, as Dovecot counts).
    p.lines = p.size === 0 ? 0 : Math.max(0, end.lfEnd - ent.lfAtBodyStart);
    const label = labelOf(ent);
    if (ent.kind === 'multipart') {
      this.multiparts--;
      if ((p.children ?? []).length === 0) {
        // RFC 3501 §7.4.2 needs at least one child; none was found, so read it as text.
        this.defects.push(`${label}: no boundary found: read as text/plain`);
        delete p.children;
        p.type = 'text';
        p.subtype = 'plain';
        if (ent.isMessage) p.path = ent.prefix ? `${ent.prefix}.1` : '1';
        ent.kind = 'leaf';
      } else if (ent.mpState !== 'epilogue') this.defects.push(`${label}: missing closing boundary`);
    }
    if (ent.kind === 'message' && ent.child) {
      const c = ent.child;
      // The part's empty body moved back before the delimiter's CRLF: so does its message.
      if (c.part.headerStart > p.bodyStart) collapse(c.part, p.bodyStart);
      p.message = {
        envelope: c.envelope ?? buildEnvelope(new HeaderBlock()),
        body: c.part,
        headerStart: c.part.headerStart,
        bodyStart: c.part.bodyStart,
      };
    } else if (ent.kind === 'leaf') {
      if (ent.text) {
        try {
          this.texts.set(p, ent.text.finish(p, p.size, this.defects));
        } catch {
          this.defects.push(`${label}: text could not be decoded`);
        }
      }
      if (ent.uu) {
        ent.uu.finish(p.bodyEnd, this.defects);
        if (ent.uu.found.length > 0) this.uu.set(p, ent.uu.found);
      }
      if (p.encoding === 'base64') this.decodedSizes.set(p, Math.max(0, Math.floor((ent.b64 * 3) / 4) - ent.b64Pad));
    }
  }
}

/** Parses a whole message held in memory. */
export function parseMessage(raw: Buffer): ParsedMessage {
  return new MimeParser().write(raw).end();
}

/** Parses a message from a stream (a socket, a file stream) without holding it whole. */
export async function parseStream(source: AsyncIterable<Buffer | Uint8Array>): Promise<ParsedMessage> {
  const parser = new MimeParser();
  for await (const chunk of source) parser.write(Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk));
  return parser.end();
}
