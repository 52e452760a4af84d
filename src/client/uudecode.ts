/**
 * Decodes one legacy uuencoded block (`begin MODE NAME` … `end`, POSIX uuencode): each data
 * line starts with a length character ((c - 32) & 63 octets), then groups of four characters
 * carrying three octets, each character (c - 32) & 63.
 */
export function uudecode(block: Buffer): Buffer {
  const out: number[] = [];
  const lines = block.toString('latin1').split(/\r?\n/);
  for (const line of lines.slice(1)) {
    if (/^end\s*$/.test(line)) break;
    if (line.length === 0) continue;
    const n = (line.charCodeAt(0) - 32) & 63;
    if (n === 0) continue;
    const c = (i: number) => ((line.charCodeAt(i) || 32) - 32) & 63;
    const start = out.length;
    for (let i = 1; out.length - start < n; i += 4) {
      const [a, b, d, e] = [c(i), c(i + 1), c(i + 2), c(i + 3)];
      const bytes = [(a << 2) | (b >> 4), ((b & 15) << 4) | (d >> 2), ((d & 3) << 6) | e];
      for (const x of bytes) if (out.length - start < n) out.push(x & 255);
    }
  }
  return Buffer.from(out);
}
