/**
 * SRS as `posthorn serve` runs it, from the `srs` section: the secrets (the configured one
 * or DATA/srs.secret, then `srs.old_secrets`) and the domain rewritten senders get. The
 * same options go to the queue runner (rewrites the reverse-path of forwarded mail) and to
 * ingest (reverses SRS0/SRS1 recipients arriving on port 25), so what one signs the other
 * accepts.
 */
import type { Config } from '../config/schema.js';
import type { Directory } from '../store/types.js';
import type { SrsOptions } from '../auth/srs.js';
import { loadOrCreateSrsSecret } from '../auth/srs-secret.js';

/** `srs.domain`, else the parent of the host name when it is one of our domains, else the
 *  first local domain, else the host name itself. */
export async function srsDomain(config: Config, dir: Directory): Promise<string> {
  if (config.srs.domain) return config.srs.domain.toLowerCase();
  const parent = config.hostname.split('.').slice(1).join('.');
  if (parent && (await dir.isLocalDomain(parent))) return parent.toLowerCase();
  const first = (await dir.listDomains())[0];
  return (first ? first.name : config.hostname).toLowerCase();
}

/** null when `srs.enabled` is false. */
export async function srsFromConfig(config: Config, dataDir: string, dir: Directory): Promise<SrsOptions | null> {
  if (!config.srs.enabled) return null;
  const secret = config.srs.secret || (await loadOrCreateSrsSecret(dataDir));
  return { secrets: [secret, ...config.srs.old_secrets], domain: await srsDomain(config, dir) };
}
