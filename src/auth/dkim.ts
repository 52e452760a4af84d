/**
 * DKIM for outbound mail of local domains (RFC 6376; ed25519 per RFC 8463): key
 * generation, the TXT record to publish, the key files under DATA/dkim/, and signing with
 * mailauth's dkimSign.
 *
 * Key files: DATA/dkim/<domain>/<selector>.key (PKCS#8 PEM, mode 0600) with the record text
 * beside it in <selector>.txt. A domain signs with its newest key of each algorithm, so an
 * ed25519 and an RSA key give the two signatures RFC 8463 §3 recommends, and a newer key of
 * the same algorithm replaces the older one (rotation).
 * Invariants: signing only prepends DKIM-Signature fields; the message bytes are unchanged.
 */
import { createPrivateKey, createPublicKey, generateKeyPairSync, type KeyObject } from 'node:crypto';
import { mkdir, readdir, readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { dkimSign } from 'mailauth/lib/dkim/sign.js';

export type DkimAlgorithm = 'ed25519' | 'rsa';

export interface DkimKey {
  domain: string;
  selector: string;
  algorithm: DkimAlgorithm;
  /** PKCS#8 PEM. */
  privateKey: string;
}

export function generateDkimKey(domain: string, selector: string, algorithm: DkimAlgorithm): DkimKey {
  const pair = algorithm === 'ed25519' ? generateKeyPairSync('ed25519') : generateKeyPairSync('rsa', { modulusLength: 2048 });
  return { domain: domain.toLowerCase(), selector, algorithm, privateKey: pair.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString() };
}

function algorithmOf(key: KeyObject): DkimAlgorithm {
  const t = key.asymmetricKeyType;
  if (t === 'ed25519') return 'ed25519';
  if (t === 'rsa') return 'rsa';
  throw new Error(`unsupported DKIM key type ${t ?? 'unknown'}`);
}

/** The `p=` value: RSA as SubjectPublicKeyInfo DER (RFC 6376 §3.6.1), ed25519 as the raw
 *  32-octet public key (RFC 8463 §4.2). */
export function publicKeyData(privateKeyPem: string): string {
  const pub = createPublicKey(createPrivateKey(privateKeyPem));
  const der = pub.export({ type: 'spki', format: 'der' });
  return (algorithmOf(pub) === 'ed25519' ? der.subarray(der.length - 32) : der).toString('base64');
}

/** The DNS record to publish: its name and TXT text (RFC 6376 §3.6.2.1). */
export function dkimRecord(key: DkimKey): { name: string; text: string } {
  const k = key.algorithm === 'ed25519' ? 'ed25519' : 'rsa';
  return { name: `${key.selector}._domainkey.${key.domain}`, text: `v=DKIM1; k=${k}; p=${publicKeyData(key.privateKey)}` };
}

/** Splits TXT text into ≤255-octet strings as a zone file wants ("..." "..."). */
export function zoneFileText(text: string): string {
  const parts: string[] = [];
  for (let i = 0; i < text.length; i += 255) parts.push(`"${text.slice(i, i + 255)}"`);
  return parts.join(' ');
}

const SELECTOR = /^[A-Za-z0-9](?:[A-Za-z0-9_-]*[A-Za-z0-9])?$/;

/** Writes the key and its record text; refuses to overwrite an existing selector. */
export async function saveDkimKey(dataDir: string, key: DkimKey): Promise<string> {
  if (!SELECTOR.test(key.selector)) throw new Error(`invalid selector '${key.selector}'`);
  const dir = join(dataDir, 'dkim', key.domain);
  await mkdir(dir, { recursive: true, mode: 0o700 });
  const file = join(dir, `${key.selector}.key`);
  await writeFile(file, key.privateKey, { mode: 0o600, flag: 'wx' });
  const rec = dkimRecord(key);
  await writeFile(join(dir, `${key.selector}.txt`), `${rec.name}. IN TXT ${zoneFileText(rec.text)}\n`, { mode: 0o644 });
  return file;
}

/** Every domain's signing keys under DATA/dkim/ (newest of each algorithm), by domain. */
export async function loadDkimKeys(dataDir: string): Promise<Map<string, DkimKey[]>> {
  const out = new Map<string, DkimKey[]>();
  const root = join(dataDir, 'dkim');
  let domains: string[];
  try {
    domains = await readdir(root);
  } catch {
    return out;
  }
  for (const domain of domains) {
    const newest = new Map<DkimAlgorithm, { key: DkimKey; mtime: number }>();
    const files = await readdir(join(root, domain)).catch(() => [] as string[]);
    for (const f of files.filter((n) => n.endsWith('.key'))) {
      const path = join(root, domain, f);
      const [pem, st] = await Promise.all([readFile(path, 'utf8'), stat(path)]);
      const key: DkimKey = { domain: domain.toLowerCase(), selector: f.slice(0, -4), algorithm: algorithmOf(createPrivateKey(pem)), privateKey: pem };
      const cur = newest.get(key.algorithm);
      if (!cur || st.mtimeMs > cur.mtime) newest.set(key.algorithm, { key, mtime: st.mtimeMs });
    }
    if (newest.size > 0) out.set(domain.toLowerCase(), [...newest.values()].map((n) => n.key).sort((a, b) => a.algorithm.localeCompare(b.algorithm)));
  }
  return out;
}

/** The Header fields signed (RFC 6376 §5.4.1), From oversigned against added copies. */
const SIGNED_HEADERS = ['From', 'From', 'To', 'Cc', 'Subject', 'Date', 'Message-ID', 'Reply-To', 'In-Reply-To', 'References', 'MIME-Version', 'Content-Type', 'Content-Transfer-Encoding', 'List-Id', 'List-Unsubscribe'];

/** The message with DKIM-Signature field(s) prepended; `keys` may sign for several
 *  domains (e.g. the From domain and a list domain). */
export async function signMessage(message: Buffer, keys: DkimKey[], now: number = Date.now()): Promise<Buffer> {
  if (keys.length === 0) return message;
  const data = keys.map((k) => ({
    signingDomain: k.domain,
    selector: k.selector,
    privateKey: k.privateKey,
    algorithm: k.algorithm === 'ed25519' ? 'ed25519-sha256' : 'rsa-sha256',
    headerList: SIGNED_HEADERS,
  }));
  const res = await dkimSign(message, { ...data[0], canonicalization: 'relaxed/relaxed', signTime: new Date(now), signatureData: data });
  if (res.errors.length > 0) throw res.errors[0];
  return Buffer.concat([Buffer.from(res.signatures.replace(/\r?\n/g, '\r\n'), 'utf8'), message]);
}
