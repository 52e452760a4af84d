/**
 * Where the password comes from (issue 7: never from a command-line flag, where `ps` and the
 * shell history would show it), first match wins:
 *   --password-stdin → $POSTHORN_PASSWORD → the account's password_env variable →
 *   its password_command (run by the shell, first line of output, like msmtp's passwordeval)
 *   → a password stored in accounts.toml (mode 0600).
 * It is asked for only when a server wants it, and once per run.
 */
import { execFileSync } from 'node:child_process';
import { ClientError } from './errors.js';
import type { Account } from './accounts.js';

export interface PasswordInputs {
  /** --password-stdin: the whole of standard input. */
  stdin: (() => Promise<string>) | null;
  env: Record<string, string | undefined>;
}

export function passwordSource(inputs: PasswordInputs, account: Account | null): () => Promise<string> {
  let cached: Promise<string> | null = null;
  return () => (cached ??= find(inputs, account));
}

async function find(inputs: PasswordInputs, account: Account | null): Promise<string> {
  if (inputs.stdin) return (await inputs.stdin()).replace(/\r?\n$/, '');
  if (inputs.env.POSTHORN_PASSWORD) return inputs.env.POSTHORN_PASSWORD;
  if (account?.password_env) {
    const v = inputs.env[account.password_env];
    if (v) return v;
  }
  if (account?.password_command) {
    try {
      const out = execFileSync('/bin/sh', ['-c', account.password_command], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
      return out.split(/\r?\n/)[0];
    } catch (e) {
      throw new ClientError('auth', `password_command failed: ${(e as Error).message.split('\n')[0]}`);
    }
  }
  if (account?.password) return account.password;
  throw new ClientError('auth', 'a password is needed: give --password-stdin, set POSTHORN_PASSWORD, or add password_command to the account');
}
