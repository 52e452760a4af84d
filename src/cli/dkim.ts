/**
 * `posthorn dkim keygen DOMAIN [--selector S] [--algorithm ed25519|rsa]`: makes a DKIM key
 * under DATA/dkim/DOMAIN/S.key and prints the DNS TXT record to publish (auth/dkim).
 * Outbound mail of DOMAIN is signed with its newest key of each algorithm from then on.
 */
import { resolve } from 'node:path';
import type { Command } from 'commander';
import { dkimRecord, generateDkimKey, saveDkimKey, zoneFileText, type DkimAlgorithm } from '../auth/dkim.js';
import { canonicalDomain } from '../lib/address.js';
import { UserError } from '../lib/errors.js';

/** What the command needs from the CLI: where output goes and the environment (the
 *  shared CLI context satisfies it). */
export interface DkimCliContext {
  io: { stdout: (text: string) => void; env?: Record<string, string | undefined> };
}

export interface KeygenResult {
  domain: string;
  selector: string;
  algorithm: DkimAlgorithm;
  file: string;
  /** The record's owner name, its TXT text, and the zone-file line. */
  name: string;
  text: string;
  zone: string;
}

/** Today as the default selector ('s20261122'): a new key never collides with the last. */
export function defaultSelector(now = new Date()): string {
  return `s${now.toISOString().slice(0, 10).replace(/-/g, '')}`;
}

export async function dkimKeygen(opts: { dataDir: string; domain: string; selector?: string; algorithm?: string }): Promise<KeygenResult> {
  const domain = canonicalDomain(opts.domain);
  if (!domain) throw new UserError(`invalid domain name '${opts.domain}'`, 'invalid');
  const algorithm = (opts.algorithm ?? 'ed25519').toLowerCase();
  if (algorithm !== 'ed25519' && algorithm !== 'rsa') throw new UserError(`unknown algorithm '${opts.algorithm}': use ed25519 or rsa`, 'invalid');
  const selector = opts.selector ?? defaultSelector();
  if (!/^[A-Za-z0-9](?:[A-Za-z0-9_-]*[A-Za-z0-9])?$/.test(selector)) throw new UserError(`invalid selector '${selector}'`, 'invalid');
  const key = generateDkimKey(domain, selector, algorithm);
  let file: string;
  try {
    file = await saveDkimKey(opts.dataDir, key);
  } catch (e) {
    if ((e as { code?: string }).code === 'EEXIST') throw new UserError(`a key with selector '${selector}' exists for ${domain}; choose another --selector`, 'duplicate');
    throw e;
  }
  const rec = dkimRecord(key);
  return { domain, selector, algorithm, file, name: rec.name, text: rec.text, zone: `${rec.name}. IN TXT ${zoneFileText(rec.text)}` };
}

/** Registers `dkim keygen` (program.ts: `dkimCommands(program, cli)`). */
export function dkimCommands(program: Command, ctx: DkimCliContext): void {
  const group = program.command('dkim').description('DKIM signing keys for local domains');
  group
    .command('keygen')
    .argument('<domain>', 'the domain whose outbound mail is signed')
    .option('--selector <s>', 'selector (default: s + today\'s date)')
    .option('--algorithm <alg>', 'ed25519 (RFC 8463) or rsa (2048 bits)', 'ed25519')
    .description('make a DKIM key and print the DNS TXT record to publish')
    .action(async (domain: string, o: { selector?: string; algorithm?: string }, cmd: Command) => {
      const g = cmd.optsWithGlobals<{ data?: string; json?: boolean }>();
      const dataDir = resolve(g.data ?? ctx.io.env?.POSTHORN_DATA ?? './data');
      const r = await dkimKeygen({ dataDir, domain, selector: o.selector, algorithm: o.algorithm });
      if (g.json) {
        ctx.io.stdout(`${JSON.stringify(r, null, 2)}\n`);
        return;
      }
      const lines = [
        `DKIM ${r.algorithm} key for ${r.domain} written to ${r.file}`,
        'Publish this DNS record:',
        '',
        r.zone,
        '',
      ];
      if (r.algorithm === 'ed25519') lines.push('Some receivers verify only RSA: add an RSA key too (--algorithm rsa); mail is then signed with both.');
      ctx.io.stdout(`${lines.join('\n')}\n`);
    });
}

/** The name the relay brief asked for; same function. */
export const registerDkimCommands = dkimCommands;
