/**
 * Where and how the client talks to a server: host, port, TLS mode, credentials.
 * `auto` means STARTTLS when the server offers it; without TLS, credentials go only to a
 * loopback address (issue 7: never a password in the clear elsewhere).
 */
import { ClientError } from './errors.js';
import { Connection, isLoopback } from './connection.js';

export type Security = 'tls' | 'starttls' | 'auto';

export interface ServerSpec {
  host: string;
  port: number;
  security: Security;
  insecure: boolean;
  /** Login name; null for no authentication (SMTP relay on loopback). */
  user: string | null;
  /** Asked only when authentication happens. */
  password: () => Promise<string>;
  timeoutMs: number;
}

/** Ports where TLS starts with the first byte (RFC 8314 §3.3, §7). */
const IMPLICIT_TLS_PORTS = new Set([465, 993, 995]);

/** 'host:port', '[v6]:port' or 'host' (then `defaultPort`). */
export function parseHostPort(text: string, defaultPort: number): { host: string; port: number } {
  const m = /^\[([^\]]+)\](?::(\d+))?$/.exec(text) ?? /^([^:]+)(?::(\d+))?$/.exec(text);
  if (!m) throw new ClientError('usage', `not a HOST:PORT: ${text}`);
  const port = m[2] ? Number(m[2]) : defaultPort;
  if (!Number.isInteger(port) || port < 1 || port > 65535) throw new ClientError('usage', `bad port in ${text}`);
  return { host: m[1], port };
}

export function defaultSecurity(port: number): Security {
  return IMPLICIT_TLS_PORTS.has(port) ? 'tls' : 'auto';
}

/** Throws unless credentials may be sent on this connection. */
export function checkMaySendPassword(secure: boolean, spec: { host: string; port: number }, offeredTls: boolean): void {
  if (secure || isLoopback(spec.host)) return;
  throw new ClientError(
    'tls',
    `refusing to send a password to ${spec.host}:${spec.port} without TLS` +
      (offeredTls ? '' : ': the server offers no STARTTLS; try --tls with the implicit-TLS port'),
  );
}

/** Opens the connection `spec` asks for: TLS from the first byte, or plaintext to upgrade. */
export function openConnection(spec: ServerSpec): Promise<Connection> {
  return Connection.open({ host: spec.host, port: spec.port, implicitTls: spec.security === 'tls', insecure: spec.insecure, timeoutMs: spec.timeoutMs });
}

/**
 * Whether to upgrade a plaintext connection now (RFC 3207, RFC 2595, RFC 3501 §6.2.1): yes
 * whenever the server offers it; a profile that requires it fails when the server does not
 * (`verb` names the command in the message: STARTTLS or STLS).
 */
export function shouldStartTls(conn: Connection, spec: ServerSpec, offered: boolean, verb: string): boolean {
  if (conn.secure || spec.security === 'tls') return false;
  if (offered) return true;
  if (spec.security === 'starttls') throw new ClientError('tls', `${conn.where} does not offer ${verb}`);
  return false;
}
