/**
 * Mail addresses: parsing the `local@domain` form and the canonical key used to compare
 * them (ARCHITECTURE.md "Identities": domain case-insensitive in its IDNA form, local part
 * case-insensitive, kept as written for display).
 */
import { domainToASCII } from 'node:url';

export interface ParsedAddress {
  local: string;
  domain: string;
}

/** Splits at the last '@'. Returns null for anything that is not local@domain with a
 *  plausible domain (letters, digits, hyphens, dots, or a UTF-8 label convertible to IDNA). */
export function parseAddress(address: string): ParsedAddress | null {
  const at = address.lastIndexOf('@');
  if (at <= 0 || at === address.length - 1) return null;
  const local = address.slice(0, at);
  const domain = address.slice(at + 1);
  if (local.length > 64 || /[\s<>()\[\],;:\\\x00-\x1f\x7f]/.test(local.replace(/^".*"$/s, 'q'))) return null;
  if (canonicalDomain(domain) === null) return null;
  return { local, domain };
}

/** The IDNA (A-label), lower-case form of a domain, or null if it is not a valid domain. */
export function canonicalDomain(domain: string): string | null {
  const d = domain.replace(/\.$/, '');
  if (d.length === 0 || d.length > 253) return null;
  const ascii = domainToASCII(d.toLowerCase());
  if (!ascii) return null;
  const labels = ascii.split('.');
  if (labels.length < 2 && ascii !== 'localhost') return null;
  for (const l of labels) {
    if (l.length === 0 || l.length > 63 || !/^[a-z0-9](?:[a-z0-9-]*[a-z0-9])?$/.test(l)) return null;
  }
  return ascii;
}

/** The comparison key: lower-case local part @ canonical domain; null if invalid. */
export function canonicalAddress(address: string): string | null {
  const p = parseAddress(address);
  if (!p) return null;
  const domain = canonicalDomain(p.domain);
  return domain === null ? null : `${p.local.toLowerCase()}@${domain}`;
}

export function domainOf(address: string): string {
  return address.slice(address.lastIndexOf('@') + 1);
}
