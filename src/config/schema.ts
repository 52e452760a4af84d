/**
 * The configuration schema: every key Posthorn reads, with its type, default and a one-line
 * doc string. This file is the single source of truth — the loader (load.ts), the
 * environment mapping (keys.ts), `posthorn config show|docs` and docs/config.md are all
 * derived from it. Every object is strict: an unknown key is an error, never ignored.
 *
 * To add a key: add one leaf below with its default and doc, then run `npm run docs`.
 * Leaves carry meta { description, format, kind }: `format` is what the reference page
 * shows as the type; `kind` tells the environment/flag parser how to read a string.
 */
import { z } from 'zod';
import { durationMs, parseCidr, parseDomain, parseHostPort, parseListen, parseSize, parseStoreUrl, problem } from './values.js';

/** How a value is read from an environment variable or a flag (always a string there). */
export type ValueKind = 'string' | 'int' | 'size' | 'bool' | 'list' | 'table';

function meta<T extends z.ZodType>(t: T, description: string, format: string, kind: ValueKind): T {
  return t.meta({ description, format, kind });
}

/** A string checked by a throwing parser from values.ts. */
function checked(parse: (v: string) => unknown): z.ZodString {
  return z.string().superRefine((v, ctx) => {
    const p = problem(() => parse(v));
    if (p) ctx.addIssue({ code: 'custom', message: p });
  });
}

const listen = (def: string, doc: string) => meta(checked(parseListen).default(def), doc, 'ADDR:PORT | off', 'string');
const str = (def: string, doc: string, format = 'string') => meta(z.string().default(def), doc, format, 'string');
const int = (def: number, doc: string, min = 0, max = Number.MAX_SAFE_INTEGER) =>
  meta(z.number().int().min(min).max(max).default(def), doc, min > 0 ? `integer ≥ ${min}` : 'integer', 'int');
const bool = (def: boolean, doc: string) => meta(z.boolean().default(def), doc, 'boolean', 'bool');
const duration = (def: string, doc: string) => meta(checked(durationMs).default(def), doc, 'duration (30s, 5m, 4h, 5d)', 'string');
const durations = (def: string[], doc: string) => meta(z.array(checked(durationMs)).default(def), doc, 'list of durations', 'list');
/** Octets; a TOML integer or a string with a binary unit ("50M"). Always a number once loaded. */
const size = (def: number, doc: string) =>
  meta(
    z.union([z.number().int().min(0), checked(parseSize).transform(parseSize)]).default(def),
    doc,
    'size in octets (integer, or "512K", "50M", "2G")',
    'size',
  );
function oneOf<const T extends readonly [string, ...string[]]>(values: T, def: T[number], doc: string) {
  return meta(z.enum(values).default(def as never), doc, values.map((v) => `\`${v}\``).join(' | '), 'string');
}
/** A key of a per-destination table: a domain, `.domain` (its subdomains) or `*` (any). */
const destinationKey = () => checked((v) => v === '*' || parseDomain(v.replace(/^\./, '')));

function section<S extends z.ZodRawShape>(shape: S) {
  // Every leaf has a default, so an absent section is the empty table.
  return z.strictObject(shape).prefault({} as z.input<z.ZodObject<S, z.core.$strict>>);
}

export const configSchema = z.strictObject({
  hostname: meta(
    checked(parseDomain).default('localhost'),
    'The server\'s fully qualified domain name: SMTP greeting and HELO, Received fields, TLS certificate name.',
    'domain name',
    'string',
  ),

  store: section({
    url: meta(
      checked(parseStoreUrl).default('sqlite:DATA/posthorn.db'),
      'Where mail and accounts are kept: `sqlite:PATH` (DATA = the data folder) or `postgres://USER@HOST/DB` for several nodes.',
      'URL',
      'string',
    ),
  }),

  tls: section({
    cert: str('', 'PEM certificate chain file. Empty: a self-signed pair for `hostname` is made once under DATA/tls/.', 'file path'),
    key: str('', 'PEM private key file belonging to `tls.cert`.', 'file path'),
  }),

  auth: section({
    allow_plaintext_on_loopback: bool(true, 'Accept plaintext passwords (AUTH PLAIN/LOGIN, USER/PASS, LOGIN) without TLS from loopback addresses; elsewhere TLS is always required.'),
    max_failures: int(5, 'Failed authentication attempts allowed per connection before it is closed.', 1),
    dmarc_reject: oneOf(['reject', 'quarantine'] as const, 'reject', 'What a DMARC failure under `p=reject` (RFC 7489 §6.6.2) becomes when `smtp.sender_auth = "enforce"`: refused with 550 5.7.1, or delivered into the recipient\'s Junk folder. A `p=quarantine` failure always goes to Junk.'),
  }),

  smtp: section({
    listen: listen('127.0.0.1:2525', 'MX listener (standard port 25): mail for local domains from other servers.'),
    relay_networks: meta(z.array(checked(parseCidr)).default([]), 'Client networks allowed to relay without authenticating (CIDR). Empty: only authenticated users relay.', 'list of CIDR networks', 'list'),
    max_connections: int(200, 'Simultaneous SMTP connections in total (all SMTP listeners together); more get 421 4.7.0.', 1),
    max_connections_per_ip: int(20, 'Simultaneous SMTP connections from one client address (all SMTP listeners together); more get 421 4.7.0.', 1),
    max_message_size: size(52_428_800, 'Largest message accepted, advertised with SIZE (RFC 1870).'),
    max_recipients: int(100, 'RCPT TO commands accepted per message (RFC 5321 §4.5.3.1.8 requires at least 100).', 1),
    max_errors: int(10, 'Bad commands tolerated per connection before it is closed.', 1),
    timeout: duration('5m', 'Idle time allowed while waiting for the next command (RFC 5321 §4.5.3.2.7: at least 5 minutes).'),
    greeting_delay: duration('0s', 'Port 25: wait this long before the 220 greeting; a client that talks first is cut off with 554 5.5.0 (like Postfix postscreen\'s greet wait, e.g. "2s"). Bytes already there when the greeting goes out are always refused.'),
    sender_auth: oneOf(['off', 'record', 'enforce'] as const, 'enforce', 'SPF, DKIM, DMARC and ARC checks of mail from other servers: not done, recorded in one Authentication-Results field, or recorded and DMARC policies applied (`p=reject` per `auth.dmarc_reject`, `p=quarantine` into Junk).'),
  }),

  submission: section({
    listen: listen('127.0.0.1:2587', 'Submission listener with STARTTLS and AUTH (standard port 587, RFC 6409).'),
  }),

  submissions: section({
    listen: listen('127.0.0.1:2465', 'Submission listener with implicit TLS and AUTH (standard port 465, RFC 8314).'),
  }),

  pop3: section({
    listen: listen('127.0.0.1:2110', 'POP3 listener with STLS (standard port 110).'),
    idle_timeout: duration('10m', 'Inactivity autologout (RFC 1939 §3: at least 10 minutes).'),
    max_connections_per_ip: int(20, 'Simultaneous POP3 connections (both listeners) from one client address.', 1),
  }),

  pop3s: section({
    listen: listen('127.0.0.1:2995', 'POP3 listener with implicit TLS (standard port 995).'),
  }),

  imap: section({
    listen: listen('127.0.0.1:2143', 'IMAP4 listener with STARTTLS (standard port 143).'),
    idle_timeout: duration('30m', 'Inactivity autologout, IDLE included (RFC 9051 §5.4: at least 30 minutes).'),
    max_connections_per_ip: int(50, 'Simultaneous IMAP connections (both listeners) from one client address.', 1),
    max_literal_size: size(52_428_800, 'Largest APPEND literal accepted (advertised as APPENDLIMIT, RFC 7889).'),
  }),

  imaps: section({
    listen: listen('127.0.0.1:2993', 'IMAP4 listener with implicit TLS (standard port 993).'),
  }),

  http: section({
    listen: listen('127.0.0.1:8080', 'HTTP listener: webmail, JMAP, admin API, autoconfig, metrics.'),
  }),

  dns: section({
    servers: meta(z.array(checked(parseListen)).default([]), 'DNS resolvers (ADDR:PORT) for MX/A/AAAA/TXT look-ups. Empty: the system resolver.', 'list of ADDR:PORT', 'list'),
    timeout: duration('5s', 'Time allowed for one DNS query.'),
  }),

  outbound: section({
    port: int(25, 'Port the outbound SMTP client connects to on a remote MX.', 1, 65535),
    routes: meta(
      z.record(destinationKey(), checked(parseHostPort)).default({}),
      'Per-domain next hops that bypass MX look-up, e.g. `{ "example.test" = "127.0.0.1:2526" }`; a key `.example.test` matches its subdomains, `*` every domain.',
      'table: domain → HOST:PORT',
      'table',
    ),
    relay_host: meta(
      checked((v) => v === '' || parseHostPort(v)).default(''),
      'Smart host (HOST:PORT) that receives all outbound mail. Empty: deliver directly to each domain\'s MX.',
      'HOST:PORT',
      'string',
    ),
    relay_user: str('', 'User name for SMTP AUTH (RFC 4954, PLAIN or LOGIN) at `outbound.relay_host`. Empty: no AUTH.'),
    relay_password: str('', 'Password belonging to `outbound.relay_user`.'),
    tls: oneOf(['opportunistic', 'required', 'off'] as const, 'opportunistic', 'STARTTLS towards the next hop: used when offered without checking the certificate (RFC 7435), demanded with the certificate verified (else the attempt is deferred with 4.7.5), or never used.'),
    tls_policy: meta(
      z.record(destinationKey(), z.enum(['opportunistic', 'required', 'off'])).default({}),
      'Per-destination STARTTLS policy overriding `outbound.tls`, keyed like `outbound.routes` (a domain, `.parent` for its subdomains, `*`), e.g. `{ "bank.test" = "required" }`; `relay_host` is looked up by its own name.',
      'table: domain → opportunistic | required | off',
      'table',
    ),
    tls_ca_file: str('', 'Extra PEM CA certificates trusted (besides the system ones) when verifying a next hop under the `required` policy.', 'file path'),
    connect_timeout: duration('30s', 'Time allowed to open a TCP connection to a next hop.'),
    command_timeout: duration('5m', 'Time allowed for each reply of the next hop (RFC 5321 §4.5.3.2).'),
    max_connections: int(20, 'Simultaneous outbound SMTP connections.', 1),
  }),

  queue: section({
    retry: durations(['5m', '10m', '20m', '40m', '1h'], 'Waits between delivery attempts (5 minutes, doubling up to 1 hour); the last one repeats until `queue.max_age`.'),
    delay_warning: duration('4h', 'Age at which a delay notice (DSN "delayed", RFC 3464) goes to the sender; 0s: never.'),
    max_age: duration('5d', 'Age at which undelivered mail is bounced to the sender (RFC 5321 §4.5.4.1: 4–5 days).'),
    poll_interval: duration('5s', 'How often the queue looks for due messages (new mail is tried at once).'),
    lease: duration('15m', 'How long a node holds a claimed queue entry before another node may try it.'),
    node_id: str('', 'This node\'s name in queue leases. Empty: machine host name and process id.'),
  }),

  srs: section({
    enabled: bool(true, 'Rewrite the envelope sender of forwarded mail with SRS (Sender Rewriting Scheme) so the next hop\'s SPF check passes, and route bounces to SRS addresses back to the original sender.'),
    secret: str('', 'HMAC secret that signs SRS addresses. Empty: a random secret is made once in DATA/srs.secret. Changing it invalidates bounces of mail forwarded before; list the old one in `srs.old_secrets`.'),
    old_secrets: meta(z.array(z.string()).default([]), 'Former SRS secrets still accepted when a bounce comes back (rotation).', 'list of strings', 'list'),
    domain: meta(
      checked((v) => v === '' || parseDomain(v)).default(''),
      'Domain of rewritten senders (SRS0=…@domain); its MX must be this server. Empty: the parent of `hostname` when that is a local domain, else the first local domain.',
      'domain name',
      'string',
    ),
  }),

  delivery: section({
    recipient_delimiter: str('+', 'Separator of address extensions: alice+tag@ is delivered to alice@. Empty: none.'),
  }),

  log: section({
    level: oneOf(['trace', 'debug', 'info', 'warn', 'error', 'silent'] as const, 'info', 'Least severe log level written (JSON lines on stderr).'),
  }),
});

/** The loaded configuration: every key present, defaults filled in, sizes as numbers. */
export type Config = z.output<typeof configSchema>;
/** What a TOML file or an override may contain: every key optional. */
export type ConfigInput = z.input<typeof configSchema>;

/** The listeners `posthorn serve` knows, each under `<name>.listen`. */
export const LISTENERS = ['smtp', 'submission', 'submissions', 'pop3', 'pop3s', 'imap', 'imaps', 'http'] as const;
export type ListenerName = (typeof LISTENERS)[number];
