/**
 * Turns the command-line flags of `send` / `mail` and an optional account profile into the
 * server to talk to (INTERFACE.md "The client": `--account NAME` or explicit flags; explicit
 * flags win over the profile).
 */
import { ClientError } from './errors.js';
import { findAccount, type Account } from './accounts.js';
import { defaultSecurity, parseHostPort, type Security, type ServerSpec } from './endpoint.js';
import { passwordSource } from './password.js';

export interface ConnFlags {
  account?: string;
  user?: string;
  passwordStdin?: boolean;
  tls?: boolean;
  starttls?: boolean;
  insecure?: boolean;
  /** Seconds. */
  timeout?: string;
}

/** What the process gives: standard input (read once) and the environment. */
export interface ProcessInputs {
  readStdin: () => Promise<string>;
  env: Record<string, string | undefined>;
}

export interface Resolved {
  /** Profile name, or a name made from user@host for the cache when no profile is used. */
  name: string;
  account: Account | null;
  spec: ServerSpec;
}

function security(flags: ConnFlags, fromAccount: Security | undefined, port: number): Security {
  if (flags.tls) return 'tls';
  if (flags.starttls) return 'starttls';
  return fromAccount ?? defaultSecurity(port);
}

function build(p: ProcessInputs, flags: ConnFlags, found: [string, Account] | null, server: string, sec: Security | undefined, defaultPort: number, needUser: boolean): Resolved {
  const account = found?.[1] ?? null;
  const { host, port } = parseHostPort(server, defaultPort);
  const user = flags.user ?? account?.user ?? (needUser ? (account?.address ?? null) : null);
  if (needUser && !user) throw new ClientError('usage', 'no user name: give --user or --account');
  return {
    name: found?.[0] ?? `${user ?? 'anonymous'}@${host}:${port}`,
    account,
    spec: {
      host,
      port,
      security: security(flags, sec, port),
      insecure: flags.insecure ?? account?.insecure ?? false,
      user,
      password: passwordSource({ stdin: flags.passwordStdin ? p.readStdin : null, env: p.env }, account),
      timeoutMs: Number(flags.timeout ?? 30) * 1000,
    },
  };
}

export type ReadingKind = 'imap' | 'pop3';

export function resolveReading(p: ProcessInputs, flags: ConnFlags & { imap?: string; pop3?: string }): Resolved & { kind: ReadingKind } {
  const found = findAccount(flags.account);
  const a = found?.[1];
  if (flags.pop3 || (!flags.imap && !a?.imap && a?.pop3)) {
    const server = flags.pop3 ?? a?.pop3;
    if (!server) throw new ClientError('usage', 'no POP3 server');
    return { ...build(p, flags, found, server, a?.pop3_security, 110, true), kind: 'pop3' };
  }
  const server = flags.imap ?? a?.imap;
  if (!server) throw new ClientError('usage', 'no server: give --imap HOST:PORT, --pop3 HOST:PORT or --account NAME');
  return { ...build(p, flags, found, server, a?.imap_security, 143, true), kind: 'imap' };
}

export function resolveSending(p: ProcessInputs, flags: ConnFlags & { server?: string }): Resolved {
  const found = findAccount(flags.account);
  const a = found?.[1];
  const server = flags.server ?? a?.smtp;
  if (!server) throw new ClientError('usage', 'no SMTP server: give --server HOST:PORT or --account NAME');
  // Submission without a user name sends no AUTH (a relay that trusts this host).
  const r = build(p, flags, found, server, a?.smtp_security, 587, false);
  if (!flags.user && a && !a.user) r.spec.user = a.address;
  return r;
}
