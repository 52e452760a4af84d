/**
 * The shapes the IMAP server's parts share: options, the session state (a discriminated
 * union: RFC 3501 §3 / RFC 9051 §3 states), what a command handler may use (Ctx), and the
 * command declaration every file in commands/ exports.
 */
import type { Account, Mailbox, Store } from '../../store/types.js';
import type { ChangeBus } from '../../mail/changes.js';
import type { AuthFailureTracker } from '../../mail/auth-failures.js';
import type { Logger } from '../../lib/log.js';
import type { BaseServerOptions } from '../types.js';
import type { Reader } from '../../protocol/imap/reader.js';
import type { Out } from '../../protocol/imap/writer.js';
import type { ReceiverLimits } from '../../protocol/imap/receiver.js';
import type { SelectedMailbox } from './selected.js';
import type { RecentTracker } from './recent.js';

/** Stores one message in a mailbox: parse once, blob + metadata + search text, publish. */
export type AppendFn = (
  ctx: { store: Store; bus: ChangeBus },
  mailbox: Pick<Mailbox, 'id' | 'accountId'>,
  raw: Buffer,
  opts?: { flags?: string[]; internalDate?: number },
) => Promise<{ uid: number; modseq: number }>;

export interface ImapServerOptions extends BaseServerOptions {
  /** Listener name for logs and RunningServer.name; default 'imap' or 'imaps'. */
  name?: string;
  /** How messages are stored by APPEND; default mail/deliver appendMessage (parse once, store, publish). */
  appendMessage?: AppendFn;
  limits?: Partial<ReceiverLimits>;
  /** Advertise SCRAM-SHA-256 and CRAM-MD5. They work only for accounts with a shared secret,
   *  and clients pick the strongest advertised mechanism without falling back, so the
   *  default is false (they are still accepted when a client asks for them). */
  advertiseSecretMechanisms?: boolean;
  /** Failed-login bookkeeping shared by every server of the process; default: a private one. */
  authFailures?: AuthFailureTracker;
  /** RFC 7889 APPENDLIMIT, octets; default 64 MiB. */
  appendLimit?: number;
  /** Autologout timer (RFC 3501 §5.4: at least 30 minutes); default 30 minutes. */
  idleTimeoutMs?: number;
  /** While IDLE, also look at the store this often (the bus is at-most-once); default 30 s. */
  idlePollMs?: number;
  /** Autologout before authentication; default 60 s. */
  preAuthTimeoutMs?: number;
}

export type SessionState =
  | { kind: 'not-authenticated' }
  | { kind: 'authenticated'; account: Account }
  | { kind: 'selected'; account: Account; mailbox: SelectedMailbox }
  | { kind: 'logout' };

export type StateKind = SessionState['kind'];

/** The tagged completion of a command (RFC 3501 §7.1). */
export interface Completion {
  status: 'OK' | 'NO' | 'BAD';
  /** Response code without brackets. */
  code?: string;
  text: string;
}

/** The server-wide environment of every session. */
export interface ServerEnv {
  readonly store: Store;
  readonly bus: ChangeBus;
  readonly log: Logger;
  readonly hostname: string;
  readonly appendMessage: AppendFn;
  readonly appendLimit: number;
  readonly allowPlaintextOnLoopback: boolean;
  readonly authFailures: AuthFailureTracker;
  readonly recent: RecentTracker;
  readonly advertiseSecretMechanisms: boolean;
  readonly idlePollMs: number;
}

/** A session's NOTIFY registration (notify.ts), as the connection holds it. */
export interface NotifyRegistration {
  /** Stops listening (NOTIFY NONE, a new NOTIFY SET, the end of the connection). */
  stop(): void;
}

/** What a command handler sees of its session and connection. */
export interface Ctx {
  readonly env: ServerEnv;
  readonly tls: boolean;
  readonly loopback: boolean;
  readonly remoteAddress: string;
  state: SessionState;
  /** Extensions switched on by ENABLE (upper-case): CONDSTORE, QRESYNC, UTF8=ACCEPT, IMAP4REV2. */
  readonly enabled: Set<string>;
  /** UTF-8 mailbox names and strings (UTF8=ACCEPT or IMAP4rev2 enabled). */
  readonly utf8: boolean;
  /** RFC 5182 SEARCHRES: the saved result ($), as UIDs. */
  savedSearch: number[];
  /** Writes an untagged response: "* " + the text + CRLF. */
  untagged(line: string | Out): void;
  /** Writes many untagged responses in one socket write (large FETCH results). */
  untaggedMany(lines: string[]): void;
  /** Output backpressure inside a long response: resolves when the socket has taken what
   *  was handed to it (output is handed over in OUT_FLUSH pieces, connection.ts). */
  drain(): Promise<void>;
  /** Writes a command continuation request "+ text". */
  continuation(text: string): void;
  /** Hands the next client line to `fn` (AUTHENTICATE responses, IDLE's DONE). */
  awaitLine(fn: (line: Buffer) => Promise<Completion | 'pending'>): void;
  /** RFC 4978: DEFLATE is on (COMPRESS succeeded). */
  readonly compressed: boolean;
  /** Sends the tagged OK for COMPRESS, then compresses both ways (RFC 4978 §3). */
  startCompression(tag: string): void;
  /** Sends the tagged OK for STARTTLS and upgrades the socket (RFC 3501 §6.2.1). */
  startTls(tag: string): Promise<void>;
  /** Ends the session with an untagged BYE carrying `bye`. */
  close(bye?: string): void;
  /** Plaintext passwords allowed now (TLS, or loopback when configured). */
  plaintextAllowed(): boolean;
  /** Capability list for the current state. */
  capabilities(): string[];
  /** Called while IDLE when the mailbox changed (see commands/idle.ts). */
  onIdleChange: (() => void) | null;
  /** RFC 5465 NOTIFY registration (notify.ts); null until NOTIFY SET. */
  notify: NotifyRegistration | null;
  /** A command is being run (its responses are being written). */
  readonly busy: boolean;
  /** Runs `fn` as soon as no command is in progress; commands wait until it is done. */
  between(fn: () => Promise<void>): void;
}

/** One IMAP command (one file in commands/). */
export interface ImapCommand<A> {
  /** Upper-case command name. */
  name: string;
  /** States the command is legal in (RFC 3501 §6: "Valid states"). */
  states: StateKind[];
  /** true if "UID <name>" is a command too (RFC 3501 §6.4.8, RFC 4315 UID EXPUNGE, RFC 6851). */
  uid?: boolean;
  /** Reads the arguments after the command name (reader stands just after it). */
  parse(r: Reader, ctx: Ctx): A;
  handle(ctx: Ctx, args: A, meta: { tag: string; uid: boolean }): Promise<Completion | 'pending'>;
}

/** A command with its argument type erased, as the registry holds it. */
export interface RegisteredCommand {
  name: string;
  states: StateKind[];
  uid: boolean;
  run(ctx: Ctx, r: Reader, meta: { tag: string; uid: boolean }): Promise<Completion | 'pending'>;
}

export function defineCommand<A>(c: ImapCommand<A>): RegisteredCommand {
  return {
    name: c.name,
    states: c.states,
    uid: c.uid ?? false,
    run: (ctx, r, meta) => c.handle(ctx, c.parse(r, ctx), meta),
  };
}

export function ok(text = 'completed', code?: string): Completion {
  return { status: 'OK', text, code };
}
