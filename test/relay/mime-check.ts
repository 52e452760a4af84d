/** A deliberately small MIME reader for checking DSNs in tests (headers, multipart split). */
export interface Part {
  headers: Map<string, string[]>;
  body: Buffer;
}

export function header(p: Part, name: string): string | undefined {
  return p.headers.get(name.toLowerCase())?.[0];
}

export function parseHeaders(text: string): Map<string, string[]> {
  const map = new Map<string, string[]>();
  const unfolded = text.replace(/\r\n[ \t]/g, ' ');
  for (const line of unfolded.split('\r\n')) {
    const i = line.indexOf(':');
    if (i <= 0) continue;
    const k = line.slice(0, i).trim().toLowerCase();
    map.set(k, [...(map.get(k) ?? []), line.slice(i + 1).trim()]);
  }
  return map;
}

export function parsePart(buf: Buffer): Part {
  const i = buf.indexOf('\r\n\r\n');
  if (i < 0) return { headers: parseHeaders(buf.toString('utf8')), body: Buffer.alloc(0) };
  return { headers: parseHeaders(buf.subarray(0, i).toString('utf8')), body: buf.subarray(i + 4) };
}

export function param(value: string, name: string): string | undefined {
  const m = new RegExp(`;\\s*${name}="?([^";]+)"?`, 'i').exec(value);
  return m?.[1];
}

/** The parts of a multipart body, by its boundary (RFC 2046 §5.1.1). */
export function splitMultipart(p: Part): Part[] {
  const boundary = param(header(p, 'content-type') ?? '', 'boundary');
  if (!boundary) throw new Error('no boundary');
  const text = p.body.toString('latin1');
  const delim = `\r\n--${boundary}`;
  const start = text.startsWith(`--${boundary}`) ? 0 : text.indexOf(delim);
  const chunks = `\r\n${text.slice(start)}`.split(delim).slice(1);
  const parts: Part[] = [];
  for (const c of chunks) {
    if (c.startsWith('--')) break;
    parts.push(parsePart(Buffer.from(c.replace(/^\r\n/, ''), 'latin1')));
  }
  return parts;
}

/** The field groups of a message/delivery-status body: [per-message, ...per-recipient]. */
export function statusGroups(body: Buffer): Array<Map<string, string[]>> {
  return body.toString('utf8').trim().split(/\r\n\r\n/).map(parseHeaders);
}
