/**
 * Waiting for a quiet machine before a benchmark round (the SMTP and IMAP loads), so that one
 * server's after-work is not measured in the other's round.
 */
import { readFileSync } from 'node:fs';

/** Before each round the machine must be this idle (share of all CPUs busy over 0.5 s)… */
const QUIET_BUSY = 0.15;
/** …waiting at most this long for it. */
const QUIET_MAX_MS = 120_000;

/** The share of all CPUs' time that was busy over the next `ms` (/proc/stat); null off Linux. */
async function busyShare(ms: number): Promise<number | null> {
  const read = (): number[] | null => {
    try {
      return readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/).slice(1, 9).map(Number);
    } catch {
      return null;
    }
  };
  const a = read();
  await new Promise((r) => setTimeout(r, ms));
  const b = read();
  if (!a || !b) return null;
  const d = b.map((v, i) => v - a[i]);
  const total = d.reduce((x, y) => x + y, 0);
  return total === 0 ? 0 : 1 - (d[3] + d[4]) / total; // idle + iowait
}

/** Waits (up to QUIET_MAX_MS) until the machine is nearly idle: each server goes on working
 *  after a round — Posthorn indexes the burst's texts once deliveries pause, Postfix's queue
 *  manager delivers what it accepted, Dovecot's sessions log out and its processes end — and
 *  that work must not land in the other's round. */
export async function quiet(): Promise<void> {
  const t0 = performance.now();
  while (performance.now() - t0 < QUIET_MAX_MS) {
    const busy = await busyShare(500);
    if (busy === null || busy < QUIET_BUSY) return;
  }
  console.log(`  (the machine stayed busy for ${QUIET_MAX_MS / 1000} s; measuring anyway)`);
}
