/**
 * Turns what the streaming parser gathered into the ParsedMessage: decoded header fields,
 * the search text (text parts in order; in multipart/alternative only the plain branch,
 * RFC 2046 §5.1.4), the preview and the attachment list.
 */
import { decodedFields } from './envelope.js';
import type { HeaderBlock } from './header.js';
import { filenameOf } from './part.js';
import type { AttachmentInfo, Envelope, MimePart, ParsedMessage } from './types.js';

/** What the parser hands to finish.ts. */
export interface ParseState {
  root: MimePart;
  size: number;
  headers: HeaderBlock;
  envelope: Envelope;
  texts: Map<MimePart, string>;
  decodedSizes: Map<MimePart, number>;
  uu: Map<MimePart, AttachmentInfo[]>;
  defects: string[];
}

export const TEXT_CAP = 1024 * 1024;
const PREVIEW = 200;
const MAX_DEFECTS = 100;

function hasPlain(p: MimePart, texts: Map<MimePart, string>): boolean {
  if (p.children) return p.children.some((c) => hasPlain(c, texts));
  if (p.message) return hasPlain(p.message.body, texts);
  return p.subtype === 'plain' && texts.has(p);
}

function hasText(p: MimePart, texts: Map<MimePart, string>): boolean {
  if (p.children) return p.children.some((c) => hasText(c, texts));
  if (p.message) return hasText(p.message.body, texts);
  return texts.has(p);
}

function collectText(p: MimePart, texts: Map<MimePart, string>, out: string[]): void {
  if (p.children) {
    if (p.subtype === 'alternative') {
      const pick = p.children.find((c) => hasPlain(c, texts)) ?? [...p.children].reverse().find((c) => hasText(c, texts));
      if (pick) collectText(pick, texts, out);
    } else for (const c of p.children) collectText(c, texts, out);
  } else if (p.message) collectText(p.message.body, texts, out);
  else {
    const t = texts.get(p);
    if (t !== undefined && t.trim() !== '') out.push(t.trim());
  }
}

/** Shortens the texts to `cap` characters in all, fairly: short parts stay whole, the long
 *  ones share what is left (so one huge part cannot push the others out of the index). */
function fitTexts(texts: string[], cap: number): string[] {
  if (texts.reduce((n, t) => n + t.length, 0) <= cap) return texts;
  const out = [...texts];
  const order = texts.map((t, i) => i).sort((a, b) => texts[a].length - texts[b].length);
  let room = Math.max(0, cap);
  order.forEach((i, k) => {
    const take = Math.min(texts[i].length, Math.floor(room / (order.length - k)));
    out[i] = texts[i].slice(0, take);
    room -= take;
  });
  return out;
}

function collectAttachments(p: MimePart, st: ParseState, out: AttachmentInfo[], inRelated = false): void {
  if (p.children) {
    for (const c of p.children) collectAttachments(c, st, out, p.subtype === 'related');
    return;
  }
  const filename = filenameOf(p);
  const bodyText = p.type === 'text' && (p.subtype === 'plain' || p.subtype === 'html') &&
    filename === null && p.disposition?.type !== 'attachment' && !p.message;
  if (!bodyText) {
    out.push({
      path: p.path,
      filename,
      contentType: `${p.type}/${p.subtype}`,
      size: st.decodedSizes.get(p) ?? p.size,
      // RFC 2183 §2; without the header, a part referenced by Content-ID inside
      // multipart/related (RFC 2387) is shown inline.
      disposition: p.disposition ? (p.disposition.type === 'inline' ? 'inline' : 'attachment') : inRelated && p.id ? 'inline' : 'attachment',
      contentId: p.id,
      encoding: p.encoding,
    });
  }
  const uu = st.uu.get(p);
  if (uu) out.push(...uu);
}

export function finishMessage(st: ParseState): ParsedMessage {
  const parts: string[] = [];
  collectText(st.root, st.texts, parts);
  const text = fitTexts(parts, TEXT_CAP - 2 * parts.length).join('\n\n');
  const attachments: AttachmentInfo[] = [];
  collectAttachments(st.root, st, attachments);
  const defects = [...new Set(st.defects)].slice(0, MAX_DEFECTS);
  return {
    size: st.size,
    bodyStart: st.root.bodyStart,
    headers: st.headers.fields,
    envelope: st.envelope,
    body: st.root,
    ...decodedFields(st.envelope),
    text,
    preview: text.slice(0, PREVIEW * 4).replace(/\s+/g, ' ').trim().slice(0, PREVIEW),
    attachments,
    defects,
  };
}
