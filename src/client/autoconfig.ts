/**
 * Finds the servers for an address (issue 7 `account autoconfig`): DNS SRV records
 * (RFC 6186 §3, with RFC 8314 §5.1's _submissions and implicit-TLS ones first), then the
 * Thunderbird autoconfig file (https://autoconfig.DOMAIN/mail/config-v1.1.xml, then
 * https://DOMAIN/.well-known/autoconfig/mail/config-v1.1.xml). `base` replaces the https
 * locations and `dnsServer` the resolver (tests, private set-ups).
 */
import { Resolver } from 'node:dns/promises';
import type { Security } from './endpoint.js';

export interface Found {
  host: string;
  port: number;
  security: Security;
}

export interface Discovery {
  smtp?: Found;
  imap?: Found;
  pop3?: Found;
  /** Login name pattern resolved for the address, when the config file says. */
  user?: string;
  source: string[];
}

const SRV: Array<[keyof Omit<Discovery, 'user' | 'source'>, string, Security]> = [
  ['smtp', '_submissions._tcp', 'tls'],
  ['smtp', '_submission._tcp', 'starttls'],
  ['imap', '_imaps._tcp', 'tls'],
  ['imap', '_imap._tcp', 'starttls'],
  ['pop3', '_pop3s._tcp', 'tls'],
  ['pop3', '_pop3._tcp', 'starttls'],
];

export async function discover(address: string, opts: { base?: string; dnsServer?: string } = {}): Promise<Discovery> {
  const domain = address.slice(address.lastIndexOf('@') + 1).toLowerCase();
  const out: Discovery = { source: [] };
  const resolver = new Resolver({ timeout: 3000, tries: 1 });
  if (opts.dnsServer) resolver.setServers([opts.dnsServer]);
  for (const [kind, label, security] of SRV) {
    if (out[kind]) continue;
    try {
      const recs = (await resolver.resolveSrv(`${label}.${domain}`)).sort((a, b) => a.priority - b.priority || b.weight - a.weight);
      const r = recs[0];
      // RFC 6186 §3: a target of "." means the service is not offered
      if (r && r.name !== '' && r.name !== '.') {
        out[kind] = { host: r.name, port: r.port, security };
        out.source.push(`SRV ${label}.${domain}`);
      }
    } catch {
      // no such record
    }
  }
  if (out.smtp && (out.imap || out.pop3)) return out;
  const urls = opts.base
    ? [`${opts.base.replace(/\/$/, '')}/mail/config-v1.1.xml?emailaddress=${encodeURIComponent(address)}`]
    : [
        `https://autoconfig.${domain}/mail/config-v1.1.xml?emailaddress=${encodeURIComponent(address)}`,
        `https://${domain}/.well-known/autoconfig/mail/config-v1.1.xml?emailaddress=${encodeURIComponent(address)}`,
      ];
  for (const url of urls) {
    try {
      const res = await fetch(url, { signal: AbortSignal.timeout(5000) });
      if (!res.ok) continue;
      const cfg = parseAutoconfig(await res.text(), address);
      out.smtp ??= cfg.smtp;
      out.imap ??= cfg.imap;
      out.pop3 ??= cfg.pop3;
      out.user ??= cfg.user;
      out.source.push(url);
      break;
    } catch {
      // not reachable: try the next place
    }
  }
  return out;
}

/** The first server of each kind in a Thunderbird clientConfig document. */
export function parseAutoconfig(xml: string, address: string): Omit<Discovery, 'source'> {
  const out: Omit<Discovery, 'source'> = {};
  const re = /<(incomingServer|outgoingServer)\s+type="(\w+)"\s*>([\s\S]*?)<\/\1>/g;
  for (let m = re.exec(xml); m; m = re.exec(xml)) {
    const kind = m[2].toLowerCase();
    if (kind !== 'imap' && kind !== 'pop3' && kind !== 'smtp') continue;
    if (out[kind]) continue;
    const tag = (t: string) => new RegExp(`<${t}>\\s*([^<]*?)\\s*</${t}>`).exec(m?.[3] ?? '')?.[1] ?? '';
    const socket = tag('socketType').toUpperCase();
    const host = tag('hostname');
    if (!host) continue;
    out[kind] = { host, port: Number(tag('port')), security: socket === 'SSL' ? 'tls' : socket === 'STARTTLS' ? 'starttls' : 'auto' };
    const user = tag('username');
    if (user && !out.user) out.user = user.replace('%EMAILADDRESS%', address).replace('%EMAILLOCALPART%', address.slice(0, address.lastIndexOf('@')));
  }
  return out;
}
