/**
 * RFC 2046 §5.1.1 delimiter lines: "--" boundary, then "--" for the close delimiter, then
 * optional transport padding (spaces, tabs) up to the line break. Nothing else may follow.
 */

/** Matches line content buf[s, ce) against `dash` ("--" + boundary). */
export function matchDelimiter(buf: Buffer, s: number, ce: number, dash: Buffer): 'open' | 'close' | null {
  if (ce - s < dash.length || buf.compare(dash, 0, dash.length, s, s + dash.length) !== 0) return null;
  let r = s + dash.length;
  const close = r + 1 < ce && buf[r] === 45 && buf[r + 1] === 45;
  if (close) r += 2;
  while (r < ce && (buf[r] === 32 || buf[r] === 9)) r++;
  if (r !== ce) return null;
  return close ? 'close' : 'open';
}
