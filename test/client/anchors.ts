/**
 * Dovecot (IMAP 127.0.0.1:10143, POP3 :10110) and Postfix (:10025, delivering userN@test
 * into Dovecot's maildirs), as /work/shared/anchors sets them up. Tests that need them skip
 * plainly when the ports do not answer (CI machines may lack them).
 */
import net from 'node:net';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const DOVECOT_IMAP = '127.0.0.1:10143';
export const DOVECOT_POP3 = '127.0.0.1:10110';
export const POSTFIX = '127.0.0.1:10025';

function answers(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = net.connect({ host: '127.0.0.1', port });
    const done = (ok: boolean) => {
      s.destroy();
      resolve(ok);
    };
    s.once('connect', () => done(true));
    s.once('error', () => done(false));
    s.setTimeout(1000, () => done(false));
  });
}

/** True when Dovecot and Postfix answer; otherwise prints why the tests are skipped. */
export async function anchorsUp(): Promise<boolean> {
  const ok = (await Promise.all([10143, 10110, 10025].map(answers))).every(Boolean);
  if (!ok) console.log('# SKIPPED: Dovecot/Postfix not answering on 127.0.0.1:10143/10110/10025; interop tests did not run');
  return ok;
}

/** Fresh XDG config and data folders for one test file; returns a cleanup function. */
export function freshHome(): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), 'posthorn-client-'));
  process.env.XDG_CONFIG_HOME = join(dir, 'config');
  process.env.XDG_DATA_HOME = join(dir, 'data');
  delete process.env.POSTHORN_PASSWORD;
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

/** A token unique to this run, to find our messages among others' in a shared mailbox. */
export function token(): string {
  return `t${Date.now().toString(36)}${Math.random().toString(36).slice(2, 8)}`;
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
