/**
 * Where the client keeps its files (XDG Base Directory Specification): profiles in
 * $XDG_CONFIG_HOME/posthorn (default ~/.config/posthorn), the mail cache, outbox and POP3
 * UIDL memory in $XDG_DATA_HOME/posthorn (default ~/.local/share/posthorn).
 */
import { homedir } from 'node:os';
import { join } from 'node:path';

export function configDir(): string {
  return join(process.env.XDG_CONFIG_HOME || join(homedir(), '.config'), 'posthorn');
}

export function dataDir(): string {
  return join(process.env.XDG_DATA_HOME || join(homedir(), '.local', 'share'), 'posthorn');
}

export function accountsFile(): string {
  return join(configDir(), 'accounts.toml');
}

/** A name safe as one path segment (account names, folder names in the cache). */
export function safeSegment(name: string): string {
  const s = name.replace(/[^A-Za-z0-9._@+-]/g, (c) => `%${c.codePointAt(0)?.toString(16)}`);
  return s === '.' || s === '..' || s === '' ? `%${s}` : s;
}
