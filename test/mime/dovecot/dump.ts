/**
 * Dev tool (not a test): dumps what mime/parse makes of every .eml in a folder, as JSON for
 * compare.py, which checks it against Dovecot's BODYSTRUCTURE, ENVELOPE and BODY[section].
 *   npx tsx test/mime/dovecot/dump.ts [FOLDER] > /tmp/mime.json
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseMessage } from '../../../src/mime/parse.js';
import { sectionRange } from '../../../src/mime/sections.js';
import type { MimePart } from '../../../src/mime/types.js';

const dir = process.argv[2] ?? new URL('../../fixtures/mime/', import.meta.url).pathname;
const out: unknown[] = [];
for (const name of readdirSync(dir).filter((f) => f.endsWith('.eml')).sort()) {
  const raw = readFileSync(join(dir, name));
  const p = parseMessage(raw);
  const parts: Array<{ path: string; type: string; subtype: string; size: number; lines: number }> = [];
  const secs: Record<string, string> = {};
  const add = (s: string): void => {
    const r = sectionRange(p, s);
    if (r) secs[s] = raw.subarray(r.start, r.end).toString('base64');
  };
  add('HEADER');
  add('TEXT');
  const walk = (x: MimePart, numbered: boolean): void => {
    if (numbered) {
      parts.push({ path: x.path, type: x.type, subtype: x.subtype, size: x.size, lines: x.lines });
      for (const s of ['', '.MIME', '.HEADER', '.TEXT']) add(x.path + s);
    }
    for (const c of x.children ?? []) walk(c, true);
    if (x.message) walk(x.message.body, !x.message.body.children);
  };
  walk(p.body, !p.body.children);
  out.push({ name, raw: raw.toString('base64'), parts, secs, envelope: p.envelope });
}
process.stdout.write(JSON.stringify(out));
