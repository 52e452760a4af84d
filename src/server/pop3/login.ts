/**
 * What every way of logging in (USER/PASS, APOP, AUTH) does once the credentials were
 * checked. Success: check LOGIN-DELAY (RFC 2449 §8.1.2), take the exclusive maildrop lock
 * (RFC 1939 §8; `[IN-USE]`, RFC 2449 §8.1.1), snapshot the INBOX, enter TRANSACTION. Failure: wait the per-IP delay, answer
 * `-ERR [AUTH]` (RFC 3206 §4), and close after `maxAuthFailures` failures in the session.
 */
import type { Account } from '../../store/types.js';
import { Maildrop } from './maildrop.js';
import type { Pop3Context } from './state.js';

/** True (and already answered) when the client's address is locked out. */
export async function refuseIfLockedOut(ctx: Pop3Context): Promise<boolean> {
  if (ctx.options.authFailures.lockedOut(ctx.remoteAddress) === 0) return false;
  await ctx.err('too many failed logins from your address; try again later', 'SYS/TEMP');
  return true;
}

export async function loginSucceeded(ctx: Pop3Context, account: Account): Promise<void> {
  const { store, log } = ctx.options;
  ctx.options.authFailures.success(ctx.remoteAddress);
  const wait = ctx.options.loginDelay.remaining(account.id);
  // RFC 2449 §8.1.2: logged in too recently
  if (wait > 0) return ctx.err(`log in again in ${wait} seconds (LOGIN-DELAY ${ctx.options.loginDelay.seconds})`, 'LOGIN-DELAY');
  const lock = await store.locks.tryLock(`maildrop:${account.id}`);
  if (!lock) return ctx.err('maildrop already locked by another session', 'IN-USE');
  let maildrop: Maildrop | null;
  try {
    maildrop = await Maildrop.open(store, account.id);
  } catch (e) {
    await lock.release();
    throw e;
  }
  if (!maildrop) {
    await lock.release();
    return ctx.err('no INBOX for this account', 'SYS/PERM');
  }
  ctx.state = { kind: 'transaction', account, maildrop, lock };
  ctx.options.loginDelay.record(account.id);
  log.info({ account: account.address, ip: ctx.remoteAddress }, 'pop3 login');
  const { count, size } = maildrop.stat();
  return ctx.ok(`maildrop has ${count} message${count === 1 ? '' : 's'} (${size} octets)`);
}

export async function loginFailed(ctx: Pop3Context, text = 'invalid user name or password'): Promise<void> {
  const state = ctx.state;
  if (state.kind !== 'authorization') return;
  state.failures += 1;
  state.user = null;
  const delay = ctx.options.authFailures.failure(ctx.remoteAddress);
  await new Promise((r) => setTimeout(r, delay));
  if (state.failures < ctx.options.maxAuthFailures) return ctx.err(text, 'AUTH');
  await ctx.err(`${text}; too many failures, closing connection`, 'AUTH');
  ctx.end();
}
