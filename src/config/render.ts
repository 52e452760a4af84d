/**
 * Printing configuration: the effective settings as TOML (`posthorn config show`) and the
 * reference page generated from the schema (`posthorn config docs`, docs/config.md).
 */
import { stringify } from 'smol-toml';
import { allKeys, type KeyInfo } from './keys.js';
import type { Config } from './schema.js';

/** The configuration as a TOML document: top-level keys first, then one table per section. */
export function configToToml(config: Config): string {
  return stringify(config) + '\n';
}

/** A value as it is written in TOML (for the reference table). */
function tomlValue(value: unknown): string {
  const doc = stringify({ v: value }).trim();
  if (doc.startsWith('v = ')) return doc.slice(4);
  // a table: [v] followed by lines
  const entries = doc.split('\n').slice(1).filter((l) => l.trim() !== '');
  return entries.length === 0 ? '{}' : `{ ${entries.join(', ')} }`;
}

function cell(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/\n/g, ' ');
}

/** The Markdown reference page. Deterministic: the same schema always gives the same page. */
export function configReference(): string {
  const keys = allKeys();
  const sections = new Map<string, KeyInfo[]>();
  for (const k of keys) {
    const section = k.key.includes('.') ? k.key.slice(0, k.key.indexOf('.')) : '';
    sections.set(section, [...(sections.get(section) ?? []), k]);
  }
  const out: string[] = [
    '# Posthorn configuration reference',
    '',
    '<!-- Generated from src/config/schema.ts by `npm run docs`; do not edit by hand. -->',
    '',
    'Settings come from three layers, each overriding the one before:',
    '',
    '1. the TOML file: `--config FILE` (or `POSTHORN_CONFIG`), else `DATA/posthorn.toml` when it exists',
    '   (`DATA` is the data folder: `--data DIR`, `POSTHORN_DATA`, default `./data`);',
    '2. environment variables: `POSTHORN_` followed by the key in capitals with `.` replaced by `_`,',
    '   e.g. `smtp.listen` → `POSTHORN_SMTP_LISTEN`. Lists are comma-separated (`a,b`), tables are',
    '   `name=value` pairs separated by commas, booleans are `true`/`false`;',
    '3. command-line flags of `posthorn serve` (`--smtp ADDR:PORT`, …; see `posthorn serve --help`),',
    '   and `--set KEY=VALUE` for any key.',
    '',
    'An unknown key, an unknown `POSTHORN_*` variable or a bad value stops Posthorn with an error',
    'naming the key; nothing falls back to a default silently. `posthorn config show` prints the',
    'effective configuration.',
    '',
    'A listener set to `off` is not started. Durations are written `30s`, `5m`, `4h`, `5d`.',
    '',
    '## Example',
    '',
    '```toml',
    'hostname = "mail.example.org"',
    '',
    '[smtp]',
    'listen = "0.0.0.0:25"',
    'max_message_size = "50M"',
    '',
    '[imaps]',
    'listen = "0.0.0.0:993"',
    '',
    '[tls]',
    'cert = "/etc/posthorn/fullchain.pem"',
    'key = "/etc/posthorn/privkey.pem"',
    '',
    '[outbound.routes]',
    '"example.test" = "127.0.0.1:2526"',
    '```',
  ];
  for (const [section, list] of sections) {
    out.push('', section ? `## [${section}]` : '## Top level', '', '| key | type | default | environment | meaning |', '| --- | --- | --- | --- | --- |');
    for (const k of list) {
      out.push(`| \`${k.key}\` | ${cell(k.format)} | \`${cell(tomlValue(k.default))}\` | \`${k.env}\` | ${cell(k.description)} |`);
    }
  }
  return out.join('\n') + '\n';
}
