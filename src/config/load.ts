/**
 * Loading the effective configuration, in three layers, later ones winning:
 *   1. the TOML file: `--config FILE` / POSTHORN_CONFIG, else DATA/posthorn.toml if it exists;
 *   2. POSTHORN_* environment variables (keys.ts has the mapping);
 *   3. overrides from command-line flags (`serve --smtp …`, `--set key=value`).
 * Then the schema checks the whole and fills defaults. Any unknown key or bad value throws a
 * ConfigError naming the key and where it came from — nothing is silently defaulted.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parse as parseToml } from 'smol-toml';
import type { z } from 'zod';
import { UserError } from '../lib/errors.js';
import { allKeys, envName, keyInfo, NON_KEY_ENV, NON_KEY_ENV_PREFIXES, suggestKey, type KeyInfo } from './keys.js';
import { configSchema, type Config } from './schema.js';

/** A configuration problem a user can fix; the message names the key and its source. */
export class ConfigError extends UserError {
  constructor(message: string) {
    super(`configuration: ${message}`, 'invalid');
    this.name = 'ConfigError';
  }
}

export interface LoadOptions {
  /** The data folder (already resolved from --data / POSTHORN_DATA). */
  dataDir: string;
  /** Explicit file; it must exist. Default: POSTHORN_CONFIG, else DATA/posthorn.toml if present. */
  configFile?: string;
  /** Default process.env. */
  env?: Record<string, string | undefined>;
  /** Flag values by key, as strings (as on the command line); `source` names the flag. */
  overrides?: Array<{ key: string; value: string; source: string }>;
}

export interface LoadedConfig {
  config: Config;
  /** The file read, or null when there was none. */
  file: string | null;
  /** Where each key not at its default came from: 'file …', 'env POSTHORN_…', 'flag --…'. */
  sources: Map<string, string>;
}

type Tree = Record<string, unknown>;

export function loadConfig(opts: LoadOptions): LoadedConfig {
  const env = opts.env ?? process.env;
  const dataDir = resolve(opts.dataDir);
  const sources = new Map<string, string>();
  const explicit = opts.configFile ?? env.POSTHORN_CONFIG;
  const file = explicit ? resolve(explicit) : existsSync(join(dataDir, 'posthorn.toml')) ? join(dataDir, 'posthorn.toml') : null;

  const tree: Tree = file ? readTomlFile(file, sources) : {};
  for (const [name, value] of Object.entries(env)) {
    if (!name.startsWith('POSTHORN_') || value === undefined) continue;
    if (NON_KEY_ENV.includes(name) || NON_KEY_ENV_PREFIXES.some((p) => name.startsWith(p))) continue;
    const info = allKeys().find((k) => k.env === name);
    if (!info) {
      const hint = suggestKey(name.slice('POSTHORN_'.length).toLowerCase().replace(/_/g, '.'));
      throw new ConfigError(`unknown environment variable ${name}${hint ? ` (did you mean ${envName(hint)}?)` : ''}`);
    }
    setValue(tree, info, value, `env ${name}`, sources);
  }
  for (const o of opts.overrides ?? []) {
    const info = keyInfo(o.key);
    if (!info) throw new ConfigError(`unknown key '${o.key}' (${o.source})${hintFor(o.key)}`);
    setValue(tree, info, o.value, o.source, sources);
  }

  const result = configSchema.safeParse(tree);
  if (!result.success) throw new ConfigError(describeIssues(result.error.issues, sources, file));
  const config = result.data;
  config.store.url = config.store.url.replace(/^sqlite:DATA(?=\/|$)/, `sqlite:${dataDir}`);
  return { config, file, sources };
}

function readTomlFile(file: string, sources: Map<string, string>): Tree {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    throw new ConfigError(`cannot read ${file}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
  let tree: Tree;
  try {
    tree = parseToml(text) as Tree;
  } catch (e) {
    throw new ConfigError(`${file} is not valid TOML: ${(e as Error).message.split('\n')[0]}`);
  }
  markSources(tree, [], `file ${file}`, sources);
  return tree;
}

function markSources(tree: Tree, prefix: string[], source: string, sources: Map<string, string>): void {
  for (const [k, v] of Object.entries(tree)) {
    const path = [...prefix, k];
    const isSection = prefix.length === 0 && v !== null && typeof v === 'object' && !Array.isArray(v);
    if (isSection) markSources(v as Tree, path, source, sources);
    else sources.set(path.join('.'), source);
  }
}

/** Converts a string from the environment or a flag by the key's kind and sets it. */
function setValue(tree: Tree, info: KeyInfo, raw: string, source: string, sources: Map<string, string>): void {
  const value = fromString(info, raw.trim(), source);
  const path = info.key.split('.');
  let node = tree;
  for (const part of path.slice(0, -1)) {
    const next = node[part];
    if (next === null || typeof next !== 'object' || Array.isArray(next)) node[part] = {};
    node = node[part] as Tree;
  }
  node[path[path.length - 1]] = value;
  sources.set(info.key, source);
}

function fromString(info: KeyInfo, raw: string, source: string): unknown {
  const bad = (what: string) => new ConfigError(`${info.key} (${source}): expected ${what}, got '${raw}'`);
  const list = () => raw.split(',').map((s) => s.trim()).filter((s) => s.length > 0);
  switch (info.kind) {
    case 'string':
      return raw;
    case 'int':
      if (!/^-?\d+$/.test(raw)) throw bad('an integer');
      return Number(raw);
    case 'size':
      return /^\d+$/.test(raw) ? Number(raw) : raw;
    case 'bool':
      if (/^(true|yes|on|1)$/i.test(raw)) return true;
      if (/^(false|no|off|0)$/i.test(raw)) return false;
      throw bad('true or false');
    case 'list':
      return list();
    case 'table': {
      const table: Record<string, string> = {};
      for (const item of list()) {
        const eq = item.indexOf('=');
        if (eq <= 0) throw bad('entries NAME=VALUE separated by commas');
        table[item.slice(0, eq).trim()] = item.slice(eq + 1).trim();
      }
      return table;
    }
  }
}

function hintFor(key: string): string {
  const s = suggestKey(key);
  return s ? ` — did you mean '${s}'?` : '';
}

function describeIssues(issues: z.core.$ZodIssue[], sources: Map<string, string>, file: string | null): string {
  const lines = issues.map((issue) => {
    const key = issue.path.map(String).join('.');
    if (issue.code === 'unrecognized_keys') {
      return issue.keys
        .map((k) => {
          const full = key ? `${key}.${k}` : k;
          return `unknown key '${full}' (${file ? `file ${file}` : 'input'})${hintFor(full)}`;
        })
        .join('\n');
    }
    const where = sources.get(key) ?? sourceOfSection(key, sources) ?? 'default';
    const message = issue.code === 'invalid_key' ? issue.issues.map((i) => i.message).join('; ') : issue.message;
    return `${key || '(top level)'} (${where}): ${message}`;
  });
  return lines.join('\n');
}

/** For an issue inside a table or list value (e.g. outbound.routes.example), the key's source. */
function sourceOfSection(key: string, sources: Map<string, string>): string | undefined {
  for (const [k, v] of sources) if (key.startsWith(k + '.')) return v;
  return undefined;
}
