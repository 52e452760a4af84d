/**
 * The flat view of the schema: one entry per dotted key ('smtp.listen') with its
 * environment variable, default, doc string and how to read it from a string. The
 * environment mapping, flag overrides, `config docs` and unknown-key suggestions use it.
 *
 * Environment mapping: POSTHORN_ + the key upper-cased with '.' → '_'
 * (smtp.listen → POSTHORN_SMTP_LISTEN, outbound.relay_host → POSTHORN_OUTBOUND_RELAY_HOST).
 */
import type { z } from 'zod';
import { configSchema, type ValueKind } from './schema.js';

export interface KeyInfo {
  key: string;
  env: string;
  description: string;
  format: string;
  kind: ValueKind;
  default: unknown;
}

/** Environment variables with the POSTHORN_ prefix that are not configuration keys. */
export const NON_KEY_ENV = ['POSTHORN_DATA', 'POSTHORN_CONFIG'];
/** Prefixes of environment variables reserved for tests and tools (never configuration). */
export const NON_KEY_ENV_PREFIXES = ['POSTHORN_TEST_'];

export function envName(key: string): string {
  return 'POSTHORN_' + key.toUpperCase().replace(/\./g, '_');
}

interface Meta {
  description?: string;
  format?: string;
  kind?: ValueKind;
}

let cache: KeyInfo[] | null = null;

/** Every key, in schema order. */
export function allKeys(): KeyInfo[] {
  if (cache) return cache;
  const defaults = configSchema.parse({}) as Record<string, unknown>;
  const out: KeyInfo[] = [];
  walk(configSchema.shape, [], defaults, out);
  cache = out;
  return out;
}

function walk(shape: Record<string, z.ZodType>, prefix: string[], defaults: Record<string, unknown>, out: KeyInfo[]): void {
  for (const [name, schema] of Object.entries(shape)) {
    const path = [...prefix, name];
    const inner = sectionShape(schema);
    if (inner) {
      walk(inner, path, defaults[name] as Record<string, unknown>, out);
      continue;
    }
    const m = (schema.meta() ?? {}) as Meta;
    if (!m.description || !m.format || !m.kind) throw new Error(`config schema: key ${path.join('.')} lacks its doc/format/kind`);
    const key = path.join('.');
    out.push({ key, env: envName(key), description: m.description, format: m.format, kind: m.kind, default: defaults[name] });
  }
}

/** The shape of a section (a prefaulted strict object), or null for a leaf. */
function sectionShape(schema: z.ZodType): Record<string, z.ZodType> | null {
  const def = schema._zod.def as { type: string; innerType?: z.ZodType };
  if (def.type !== 'prefault' || !def.innerType) return null;
  const inner = def.innerType._zod.def as { type: string; shape?: Record<string, z.ZodType> };
  return inner.type === 'object' && inner.shape ? inner.shape : null;
}

export function keyInfo(key: string): KeyInfo | undefined {
  return allKeys().find((k) => k.key === key);
}

/** The closest known key to a misspelt one, if it is close enough to be a likely typo. */
export function suggestKey(wrong: string): string | null {
  let best: string | null = null;
  let bestDistance = Math.max(2, Math.floor(wrong.length / 4)) + 1;
  for (const { key } of allKeys()) {
    const d = distance(wrong.toLowerCase(), key);
    if (d < bestDistance) [best, bestDistance] = [key, d];
  }
  return best;
}

function distance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    for (let j = 1; j <= b.length; j++) {
      cur[j] = Math.min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    prev = cur;
  }
  return prev[b.length];
}
