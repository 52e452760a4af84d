/**
 * One FETCH response (RFC 3501 §7.4.2, RFC 9051 §7.5.2): the requested items in request
 * order, UID first for UID FETCH (RFC 3501 §6.4.8), FLAGS added when the fetch itself set
 * \Seen (RFC 3501 §6.4.5), MODSEQ when asked or with CHANGEDSINCE (RFC 7162 §3.1.4.1).
 * Sections come from the blob by stored offsets; partial fetches cut after decoding
 * (RFC 3516 §4.2) and HEADER.FIELDS filtering (RFC 3501 §6.4.5 note).
 */
import type { BlobStore, MessageFlags } from '../../../store/types.js';
import type { FetchItem, SectionItem } from '../../../protocol/imap/parse/fetch.js';
import { formatDateTime } from '../../../protocol/imap/dates.js';
import { writeBodyStructure, writeEnvelope } from '../../../protocol/imap/structure.js';
import { flagList, Out, type Part, type WriteOptions } from '../../../protocol/imap/writer.js';
import type { FetchMetadata } from './metadata.js';
import type { FetchRow } from './rows.js';
import { decodeTransfer, filterHeaders, findPart, sectionRange } from './sections.js';

export interface RenderInput {
  seq: number;
  flags: MessageFlags;
  /** The row when any item needs more than the flags (needsRow), with its metadata when
   *  an item needs that (needsMetadata). */
  row: FetchRow | null;
  items: FetchItem[];
  withUid: boolean;
  withModseq: boolean;
  /** The flags as shown to the client (with \Recent where it applies). */
  shownFlags: string[];
  /** FLAGS must be sent because this fetch set \Seen. */
  flagsChanged: boolean;
}

/** True when an item needs more than the flags row. */
export function needsRow(item: FetchItem): boolean {
  return !(item.kind === 'flags' || item.kind === 'uid' || item.kind === 'modseq');
}

/** True when an item needs the message's metadata (structure, offsets of sections). */
export function needsMetadata(item: FetchItem): boolean {
  return needsRow(item) && item.kind !== 'internaldate' && item.kind !== 'size';
}

export async function renderFetch(blobs: BlobStore, input: RenderInput, opts: WriteOptions): Promise<Out> {
  const { flags, row } = input;
  const out = new Out().raw(`${input.seq} FETCH (`);
  const parts: Array<(o: Out) => Promise<void> | void> = [];
  const names = new Set(input.items.map((i) => i.kind));
  if (input.withUid && !names.has('uid')) parts.push((o) => void o.raw(`UID ${flags.uid}`));
  const parsed = (): FetchMetadata => {
    if (!row?.meta) throw new Error('FETCH item rendered without the metadata it needs');
    return row.meta;
  };
  let blob: Buffer | null = null;
  const bytes = async (start: number, end: number): Promise<Buffer> => {
    if (!row) return Buffer.alloc(0);
    // A message the blob store caches is read whole (its next section then costs no I/O);
    // a large one only when the section is large.
    if (blob === null && (row.size <= (blobs.cachedUpTo ?? 0) || end - start > 65536)) blob = await blobs.get(row.blobId);
    if (blob) return blob.subarray(start, Math.min(end, blob.length));
    return blobs.getRange(row.blobId, start, end);
  };
  for (const item of input.items) {
    switch (item.kind) {
      case 'uid': parts.push((o) => void o.raw(`UID ${flags.uid}`)); break;
      case 'flags': parts.push((o) => void o.raw(`FLAGS ${flagList(input.shownFlags)}`)); break;
      case 'modseq': parts.push((o) => void o.raw(`MODSEQ (${flags.modseq})`)); break;
      case 'internaldate': parts.push((o) => void o.raw(`INTERNALDATE "${formatDateTime((row as FetchRow).internalDate)}"`)); break;
      case 'size': parts.push((o) => void o.raw(`RFC822.SIZE ${(row as FetchRow).size}`)); break;
      case 'envelope': parts.push((o) => void o.rawParts(writtenOnce(parsed(), opts, 'ENVELOPE', (w, m) => writeEnvelope(w, m.envelope, opts)))); break;
      case 'bodystructure': parts.push((o) => void o.rawParts(writtenOnce(parsed(), opts, 'BODYSTRUCTURE', (w, m) => writeBodyStructure(w, m.body, true, opts)))); break;
      case 'body': parts.push((o) => void o.rawParts(writtenOnce(parsed(), opts, 'BODY', (w, m) => writeBodyStructure(w, m.body, false, opts)))); break;
      case 'binary.size': parts.push(async (o) => {
        // RFC 3516 §4.2: BINARY.SIZE[] is the whole message, which is not decoded.
        const part = item.part.length > 0 ? findPart(parsed(), item.part) : null;
        const data = item.part.length === 0 ? await bytes(0, parsed().size)
          : part ? decodeTransfer(part, await bytes(part.bodyStart, part.bodyEnd)) : Buffer.alloc(0);
        o.raw(`BINARY.SIZE[${item.part.join('.')}] ${data.length}`);
      }); break;
      case 'section': parts.push(async (o) => {
        const data = await sectionBytes(parsed(), item, bytes);
        o.raw(`${item.responseName} `);
        if (data === null) o.raw('NIL');
        else if (item.binary && data.includes(0)) o.literal(data, true);
        else o.literal(data);
      }); break;
    }
  }
  if (input.flagsChanged && !names.has('flags')) parts.push((o) => void o.raw(`FLAGS ${flagList(input.shownFlags)}`));
  if (input.withModseq && !names.has('modseq')) parts.push((o) => void o.raw(`MODSEQ (${flags.modseq})`));
  for (let i = 0; i < parts.length; i++) {
    if (i > 0) out.raw(' ');
    await parts[i](out);
  }
  return out.raw(')');
}

/** ENVELOPE, BODY and BODYSTRUCTURE as written for a message, kept beside its cached
 *  metadata (metadata.ts; dropped with it): clients fetch them for the same messages again
 *  and again, and the text depends only on the metadata and the session's UTF-8 choice.
 *  Kept as octets (encoded once, outside the JavaScript heap), shared by every response
 *  that uses them and never changed. */
const written = new WeakMap<FetchMetadata, Map<string, Part[]>>();

function writtenOnce(meta: FetchMetadata, opts: WriteOptions, name: string, write: (o: Out, meta: FetchMetadata) => void): Part[] {
  let forMeta = written.get(meta);
  if (!forMeta) written.set(meta, (forMeta = new Map()));
  const key = opts.utf8 ? `${name} utf8` : name;
  let parts = forMeta.get(key);
  if (!parts) {
    const o = new Out().raw(`${name} `);
    write(o, meta);
    parts = o.parts.map((p) => (typeof p === 'string' ? Buffer.from(p, 'utf8') : p));
    forMeta.set(key, parts);
  }
  return parts;
}

async function sectionBytes(msg: FetchMetadata, item: SectionItem, bytes: (s: number, e: number) => Promise<Buffer>): Promise<Buffer | null> {
  let data: Buffer;
  if (item.binary) {
    const part = item.part.length === 0 ? null : findPart(msg, item.part);
    if (item.part.length === 0) data = await bytes(0, msg.size);
    else if (!part) return null;
    else data = decodeTransfer(part, await bytes(part.bodyStart, part.bodyEnd));
  } else {
    const src = sectionRange(msg, item);
    if (!src) data = Buffer.alloc(0);
    else if (!src.filter) data = await bytes(src.start, src.end);
    else data = filterHeaders(await bytes(src.start, src.end), item.fields, item.text === 'HEADER.FIELDS.NOT');
  }
  if (item.partial) {
    // RFC 3501 §6.4.5: a partial fetch beyond the end gives the empty string.
    const start = Math.min(item.partial.start, data.length);
    data = data.subarray(start, Math.min(data.length, start + item.partial.length));
  }
  return data;
}
