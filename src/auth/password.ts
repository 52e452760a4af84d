/**
 * Password hashing (argon2id, via @node-rs/argon2) and the strength rule for new passwords.
 * Verification is constant-time inside argon2. A hash string is self-describing
 * (`$argon2id$v=19$m=...`), so parameters can change without invalidating old hashes.
 */
import { hash, verify } from '@node-rs/argon2';
import { UserError } from '../lib/errors.js';

/** OWASP's argon2id minimum (m=19 MiB, t=2, p=1): a login costs ~20–40 ms here. */
const PARAMS = { algorithm: 2 /* Algorithm.Argon2id (an ambient const enum) */, memoryCost: 19456, timeCost: 2, parallelism: 1 };

export async function hashPassword(password: string): Promise<string> {
  return hash(password, PARAMS);
}

/** True when `password` matches `stored`; false for a malformed hash (never throws). */
export async function verifyPassword(stored: string, password: string): Promise<boolean> {
  try {
    return await verify(stored, password);
  } catch {
    return false;
  }
}

/** Rejects empty and weak passwords with a UserError that says why. */
export function checkPasswordStrength(password: string): void {
  if (password.length === 0) throw new UserError('password is empty', 'weak-password');
  if (password.length < 8) throw new UserError('password is too weak: use at least 8 characters', 'weak-password');
  if (/^(.)\1*$/.test(password) || /^(password|12345678|qwertyui)/i.test(password)) {
    throw new UserError('password is too weak: it is a well-known or repeated pattern', 'weak-password');
  }
}
