/**
 * The id of an accepted message: in its Received field and in "250 OK: queued as ID", the
 * handle that ties a sender's report to our log. 48 random bits as 12 upper-case hex
 * digits. The bits come from a pool refilled 4 KiB at a time: crypto.randomBytes costs far
 * more per call than per byte, and one call per message showed at ~2 % of an SMTP burst.
 */
import { randomBytes } from 'node:crypto';

const ID_BYTES = 6;
const POOL_BYTES = 4096;

let pool = Buffer.alloc(0);
let at = 0;

export function transactionId(): string {
  if (at + ID_BYTES > pool.length) {
    pool = randomBytes(POOL_BYTES);
    at = 0;
  }
  const id = pool.toString('hex', at, at + ID_BYTES).toUpperCase();
  at += ID_BYTES;
  return id;
}
