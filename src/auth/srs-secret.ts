/**
 * The SRS secret when `srs.secret` is not configured: 32 random bytes (base64) made once
 * in DATA/srs.secret (mode 0600), like a DKIM key under DATA/dkim/, so a newcomer gets SRS
 * without configuring anything and every later start — and every node sharing the data
 * folder — signs and verifies with the same secret.
 * Invariant: an existing file is never rewritten (bounces of mail already forwarded must
 * keep verifying); the file is created exclusively, so two processes starting at once end
 * up with one secret.
 */
import { randomBytes } from 'node:crypto';
import { mkdir, open, readFile } from 'node:fs/promises';
import { join } from 'node:path';

export const SRS_SECRET_FILE = 'srs.secret';

export async function loadOrCreateSrsSecret(dataDir: string): Promise<string> {
  const path = join(dataDir, SRS_SECRET_FILE);
  const read = async () => (await readFile(path, 'utf8')).trim();
  try {
    return await read();
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
  }
  await mkdir(dataDir, { recursive: true });
  try {
    const f = await open(path, 'wx', 0o600);
    try {
      await f.writeFile(`${randomBytes(32).toString('base64')}\n`);
      await f.sync(); // durable before any address is signed with it
    } finally {
      await f.close();
    }
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
  }
  return read();
}
