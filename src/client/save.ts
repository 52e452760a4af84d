/**
 * Safe file names for saved attachments (issue 7): only the last path segment of the
 * name the sender chose, no control characters, no leading dots (no hidden files, no
 * "..": no path traversal), at most 200 bytes; duplicates get " (2)"; an existing file is
 * an error unless `force`.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { ClientError } from './errors.js';

export function safeName(name: string, fallback: string): string {
  let s = name.split(/[\\/]/).pop() ?? '';
  s = s.replace(/[\x00-\x1f\x7f]/g, '').replace(/^[.\s]+/, '').trim();
  while (Buffer.byteLength(s) > 200) s = s.slice(0, -1);
  return s || fallback;
}

export function safeFileNames(dir: string, names: readonly string[], force: boolean): string[] {
  const used = new Set<string>();
  const out = names.map((n, i) => {
    const base = safeName(n, `attachment-${i + 1}`);
    let name = base;
    for (let k = 2; used.has(name.toLowerCase()); k++) {
      const dot = base.lastIndexOf('.');
      name = dot > 0 ? `${base.slice(0, dot)} (${k})${base.slice(dot)}` : `${base} (${k})`;
    }
    used.add(name.toLowerCase());
    return join(dir, name);
  });
  if (!force) {
    const existing = out.filter((p) => existsSync(p));
    if (existing.length) throw new ClientError('usage', `would overwrite ${existing.join(', ')}; use --force`);
  }
  return out;
}
