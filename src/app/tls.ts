/**
 * TLS material for every listener: the configured tls.cert / tls.key files, or else a
 * self-signed pair for the hostname, made once under DATA/tls/ and reused on later starts
 * (made again only when it is missing, expired or for another hostname).
 */
import { X509Certificate } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { isIP } from 'node:net';
import { join } from 'node:path';
import { generate } from 'selfsigned';
import type { Config } from '../config/schema.js';
import { ConfigError } from '../config/load.js';
import type { TlsMaterial } from '../server/types.js';

export interface LoadedTls extends TlsMaterial {
  /** 'configured' (tls.cert/tls.key) or 'self-signed' (DATA/tls/). */
  origin: 'configured' | 'self-signed';
  certPath: string;
}

export async function loadTls(config: Config, dataDir: string): Promise<LoadedTls> {
  const { cert, key } = config.tls;
  if (cert || key) {
    if (!cert || !key) throw new ConfigError(`tls.cert and tls.key go together: set both or neither`);
    return { cert: readPem(cert, 'tls.cert'), key: readPem(key, 'tls.key'), origin: 'configured', certPath: cert };
  }
  return selfSigned(config.hostname, join(dataDir, 'tls'));
}

function readPem(path: string, keyName: string): Buffer {
  try {
    return readFileSync(path);
  } catch (e) {
    throw new ConfigError(`${keyName}: cannot read ${path}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
}

async function selfSigned(hostname: string, dir: string): Promise<LoadedTls> {
  const certPath = join(dir, 'cert.pem');
  const keyPath = join(dir, 'key.pem');
  if (existsSync(certPath) && existsSync(keyPath)) {
    const cert = readFileSync(certPath);
    if (stillGood(cert, hostname)) return { cert, key: readFileSync(keyPath), origin: 'self-signed', certPath };
  }
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const now = Date.now();
  const altNames = isIP(hostname) ? [{ type: 7 as const, ip: hostname }] : [{ type: 2 as const, value: hostname }];
  const pems = await generate([{ name: 'commonName', value: hostname }], {
    // RSA: every client speaks it. (EC keys also fail here: the lockfile holds two copies of
    // @peculiar/asn1-schema and selfsigned's EC path trips over the mismatch.)
    keyType: 'rsa',
    keySize: 2048,
    algorithm: 'sha256',
    notBeforeDate: new Date(now - 86_400_000),
    notAfterDate: new Date(now + 10 * 365 * 86_400_000),
    extensions: [
      { name: 'basicConstraints', cA: false },
      { name: 'keyUsage', digitalSignature: true, keyEncipherment: true },
      { name: 'extKeyUsage', serverAuth: true },
      { name: 'subjectAltName', altNames },
    ],
  });
  // Key first, then the certificate: a half-written pair is detected (no cert) and made again.
  writeAtomic(keyPath, pems.private, 0o600);
  writeAtomic(certPath, pems.cert, 0o644);
  return { cert: Buffer.from(pems.cert), key: Buffer.from(pems.private), origin: 'self-signed', certPath };
}

function stillGood(pem: Buffer, hostname: string): boolean {
  try {
    const x = new X509Certificate(pem);
    const matches = isIP(hostname) ? x.checkIP(hostname) !== undefined : x.checkHost(hostname) !== undefined;
    return matches && Date.parse(x.validTo) > Date.now() + 86_400_000;
  } catch {
    return false;
  }
}

function writeAtomic(path: string, text: string, mode: number): void {
  const tmp = `${path}.${process.pid}.tmp`;
  writeFileSync(tmp, text, { mode });
  renameSync(tmp, path);
}
