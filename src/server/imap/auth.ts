/**
 * Password checks for LOGIN and AUTHENTICATE. An unknown user costs the same argon2
 * verification as a wrong password and gets the same answer, so neither replies nor timing
 * reveal which addresses exist. (To be replaced by mail/authenticate once it lands on main.)
 */
import { hashPassword, verifyPassword } from '../../auth/password.js';
import type { Account, Directory } from '../../store/types.js';

let dummy: Promise<string> | null = null;

export async function checkPassword(directory: Directory, username: string, password: string): Promise<Account | null> {
  const account = await directory.getAccount(username).catch(() => null);
  if (!account) {
    dummy ??= hashPassword('posthorn: no such user');
    await verifyPassword(await dummy, password);
    return null;
  }
  return (await verifyPassword(account.passwordHash, password)) ? account : null;
}
