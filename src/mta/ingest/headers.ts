/**
 * Header work on raw message bytes (CRLF line ends, as stored): finding the header block,
 * asking whether a field is present, and prepending fields. Trace and added fields go on
 * top (RFC 5321 §4.4: Received and Return-Path are prepended; RFC 5322 §3.6 order is free).
 * Invariant: the body is never rewritten; existing header fields are only ever removed
 * whole (forged Authentication-Results, RFC 8601 §5), never edited.
 */

/** Offset just after the header block's blank line (or the whole length when none). */
export function headerEnd(raw: Buffer): number {
  if (raw.length >= 2 && raw[0] === 0x0d && raw[1] === 0x0a) return 2;
  const i = raw.indexOf('\r\n\r\n');
  return i < 0 ? raw.length : i + 4;
}

/** Lower-case names of the header fields, in order. */
export function fieldNames(raw: Buffer): string[] {
  const head = raw.subarray(0, headerEnd(raw)).toString('latin1');
  const names: string[] = [];
  for (const line of head.split('\r\n')) {
    const m = /^([!-9;-~]+)[ \t]*:/.exec(line);
    if (m) names.push(m[1].toLowerCase());
  }
  return names;
}

/** The raw (unfolded) value of the first field named `name`, or null. */
export function fieldValue(raw: Buffer, name: string): string | null {
  const head = raw.subarray(0, headerEnd(raw)).toString('utf8').replace(/\r\n[ \t]/g, ' ');
  const re = new RegExp(`^${name.replace(/[-]/g, '\\-')}[ \\t]*:[ \\t]*(.*)$`, 'im');
  const m = re.exec(head);
  return m ? m[1].trim() : null;
}

/** The message without the header fields (folded lines included) for which `drop(name,
 *  value)` is true; the same Buffer when nothing is dropped. */
export function removeFields(raw: Buffer, drop: (name: string, value: string) => boolean): Buffer {
  const end = headerEnd(raw);
  const head = raw.subarray(0, end).toString('latin1');
  const fields = head.split(/\r\n(?![ \t])/);
  let dropped = false;
  const kept = fields.filter((f) => {
    const m = /^([!-9;-~]+)[ \t]*:([\s\S]*)$/.exec(f);
    if (m && drop(m[1].toLowerCase(), m[2].replace(/\r\n[ \t]/g, ' ').trim())) {
      dropped = true;
      return false;
    }
    return true;
  });
  if (!dropped) return raw;
  return Buffer.concat([Buffer.from(kept.join('\r\n'), 'latin1'), raw.subarray(end)]);
}

/** `Name: value` fields (already folded as wanted) followed by the message. */
export function prepend(raw: Buffer, fields: string[]): Buffer {
  if (fields.length === 0) return raw;
  return Buffer.concat([Buffer.from(fields.map((f) => `${f}\r\n`).join(''), 'utf8'), raw]);
}

const DAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** RFC 5322 §3.3 date-time in UTC: 'Sun, 22 Nov 2026 07:10:00 +0000'. */
export function rfc5322Date(d: Date): string {
  const p = (n: number) => String(n).padStart(2, '0');
  return `${DAYS[d.getUTCDay()]}, ${d.getUTCDate()} ${MONTHS[d.getUTCMonth()]} ${d.getUTCFullYear()} ${p(d.getUTCHours())}:${p(d.getUTCMinutes())}:${p(d.getUTCSeconds())} +0000`;
}
