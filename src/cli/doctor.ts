/**
 * `posthorn doctor DOMAIN`: the DNS records a domain served by this host should publish —
 * MX (RFC 5321 §5.1), SPF (RFC 7208), DKIM (RFC 6376, from the keys under DATA/dkim/),
 * DMARC (RFC 7489), client autoconfiguration (autoconfig name, RFC 6186 SRV) — and, for
 * each, what DNS answers now (using `dns.servers`). Exit code 1 when a required record
 * (MX, SPF, DKIM, DMARC) is missing or differs.
 */
import type { Command } from 'commander';
import { loadDkimKeys, dkimRecord, zoneFileText } from '../auth/dkim.js';
import { durationMs } from '../config/values.js';
import { canonicalDomain } from '../lib/address.js';
import { UserError } from '../lib/errors.js';
import { createResolver, dnsErrorKind, type DnsResolver } from '../mta/transport/resolver.js';
import { configFor, emit, type Cli } from './context.js';

export interface DoctorCheck {
  what: 'MX' | 'SPF' | 'DKIM' | 'DMARC' | 'autoconfig' | 'SRV';
  required: boolean;
  name: string;
  type: 'MX' | 'TXT' | 'CNAME' | 'SRV';
  /** The zone-file line to publish. */
  publish: string;
  /** What DNS answers now (one string per record). */
  found: string[];
  status: 'ok' | 'missing' | 'differs' | 'error';
  note?: string;
}

async function look<T>(fn: () => Promise<T[]>): Promise<{ list: T[]; error: string | null }> {
  try {
    return { list: await fn(), error: null };
  } catch (e) {
    return dnsErrorKind(e) === 'temporary' ? { list: [], error: (e as { code?: string }).code ?? 'error' } : { list: [], error: null };
  }
}

const norm = (s: string) => s.toLowerCase().replace(/\.$/, '');

export async function doctorReport(opts: { domain: string; hostname: string; dataDir: string; resolver: DnsResolver }): Promise<DoctorCheck[]> {
  const d = canonicalDomain(opts.domain);
  if (!d) throw new UserError(`invalid domain name '${opts.domain}'`, 'invalid');
  const host = norm(opts.hostname);
  const r = opts.resolver;
  const checks: DoctorCheck[] = [];
  const txt = (name: string) => look(async () => (await r.resolveTxt(name)).map((parts) => parts.join('')));
  const status = (found: string[], error: string | null, ok: boolean): DoctorCheck['status'] => (error ? 'error' : found.length === 0 ? 'missing' : ok ? 'ok' : 'differs');

  const mx = await look(() => r.resolveMx(d));
  const mxFound = mx.list.map((m) => `${m.priority} ${m.exchange || '.'}`);
  checks.push({ what: 'MX', required: true, name: d, type: 'MX', publish: `${d}. IN MX 10 ${host}.`, found: mxFound, status: status(mxFound, mx.error, mx.list.some((m) => norm(m.exchange) === host)), note: mx.error ?? undefined });

  const spf = await txt(d);
  const spfFound = spf.list.filter((t) => /^v=spf1(\s|$)/i.test(t));
  // RFC 7208 §3.2: more than one SPF record is a permerror.
  checks.push({ what: 'SPF', required: true, name: d, type: 'TXT', publish: `${d}. IN TXT "v=spf1 mx -all"`, found: spfFound, status: status(spfFound, spf.error, spfFound.length === 1), note: spfFound.length > 1 ? 'more than one SPF record (RFC 7208 §3.2: permerror)' : undefined });

  const keys = (await loadDkimKeys(opts.dataDir)).get(d) ?? [];
  if (keys.length === 0) {
    checks.push({ what: 'DKIM', required: true, name: `SELECTOR._domainkey.${d}`, type: 'TXT', publish: `(no key yet: run posthorn dkim keygen ${d})`, found: [], status: 'missing' });
  }
  for (const k of keys) {
    const rec = dkimRecord(k);
    const got = await txt(rec.name);
    const want = /p=([A-Za-z0-9+/=]+)/.exec(rec.text)?.[1];
    const ok = got.list.some((t) => t.replace(/\s+/g, '').includes(`p=${want}`));
    checks.push({ what: 'DKIM', required: true, name: rec.name, type: 'TXT', publish: `${rec.name}. IN TXT ${zoneFileText(rec.text)}`, found: got.list, status: status(got.list, got.error, ok) });
  }

  const dmarc = await txt(`_dmarc.${d}`);
  const dmarcFound = dmarc.list.filter((t) => /^v=DMARC1/i.test(t));
  checks.push({ what: 'DMARC', required: true, name: `_dmarc.${d}`, type: 'TXT', publish: `_dmarc.${d}. IN TXT "v=DMARC1; p=quarantine; rua=mailto:postmaster@${d}"`, found: dmarcFound, status: status(dmarcFound, dmarc.error, dmarcFound.length === 1) });

  const cname = await look(async () => (await r.resolve(`autoconfig.${d}`, 'CNAME')) as string[]);
  checks.push({ what: 'autoconfig', required: false, name: `autoconfig.${d}`, type: 'CNAME', publish: `autoconfig.${d}. IN CNAME ${host}.`, found: cname.list, status: status(cname.list, cname.error, cname.list.some((c) => norm(c) === host)) });
  // RFC 6186 §3: SRV records let clients find the submission and access servers.
  for (const [svc, port] of [['_submission._tcp', 587], ['_imaps._tcp', 993], ['_pop3s._tcp', 995]] as const) {
    const srv = await look(async () => (await r.resolve(`${svc}.${d}`, 'SRV')) as Array<{ name: string; port: number; priority: number; weight: number }>);
    const found = srv.list.map((s) => `${s.priority} ${s.weight} ${s.port} ${s.name}`);
    checks.push({ what: 'SRV', required: false, name: `${svc}.${d}`, type: 'SRV', publish: `${svc}.${d}. IN SRV 0 1 ${port} ${host}.`, found, status: status(found, srv.error, srv.list.some((s) => norm(s.name) === host && s.port === port)) });
  }
  return checks;
}

export function doctorCommands(program: Command, cli: Cli): void {
  program.command('doctor').argument('<domain>', 'a domain this server receives mail for')
    .description('the DNS records to publish for DOMAIN, and what DNS says now')
    .action(async (domain: string, _o: unknown, cmd: Command) => {
      const c = configFor(cli, cmd);
      const resolver = createResolver({ servers: c.config.dns.servers, timeoutMs: durationMs(c.config.dns.timeout) });
      const checks = await doctorReport({ domain, hostname: c.config.hostname, dataDir: c.dataDir, resolver });
      emit(cli, c, checks, () => checks.flatMap((k) => [
        `[${k.status === 'ok' ? ' ok ' : k.status}] ${k.what}${k.required ? '' : ' (optional)'}: ${k.name}`,
        `    publish: ${k.publish}`,
        `    DNS now: ${k.found.length ? k.found.join(' | ') : '(nothing)'}${k.note ? `  — ${k.note}` : ''}`,
      ]));
      if (checks.some((k) => k.required && k.status !== 'ok')) cli.exitCode = 1;
    });
}
