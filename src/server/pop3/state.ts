/**
 * POP3 session states (RFC 1939 §3) as a discriminated union, and what a command handler
 * may use of its connection. AUTHORIZATION holds the USER name given so far and the number
 * of failed logins; TRANSACTION holds the account, the maildrop snapshot and the maildrop
 * lock; UPDATE is entered by QUIT from TRANSACTION and ends the session.
 */
import type { Pop3Command, Pop3RespCode } from '../../protocol/pop3/index.js';
import type { Account, LockHandle } from '../../store/types.js';
import type { Maildrop } from './maildrop.js';
import type { ResolvedPop3Options } from './options.js';

export type Pop3State =
  | { kind: 'authorization'; user: string | null; failures: number }
  | { kind: 'transaction'; account: Account; maildrop: Maildrop; lock: LockHandle }
  | { kind: 'update' };

export type Pop3StateKind = Pop3State['kind'];

export interface Pop3Context {
  readonly options: ResolvedPop3Options;
  state: Pop3State;
  /** TLS is active (implicit or after STLS). */
  readonly secure: boolean;
  readonly remoteAddress: string;
  /** The greeting's APOP timestamp, `<pid.clock@hostname>` (RFC 1939 §7). */
  readonly timestamp: string;
  /** Plaintext passwords may be sent now: TLS, or loopback when allowed. */
  plaintextAllowed(): boolean;
  /** Queues output; resolves when the socket can take more (back-pressure). */
  write(data: string | Buffer | readonly Buffer[]): Promise<void>;
  ok(text?: string, code?: Pop3RespCode): Promise<void>;
  err(text: string, code?: Pop3RespCode): Promise<void>;
  /** Next client line (AUTH continuations), or null when the connection ended. `limit`
   *  raises the line limit for this read (SASL responses may exceed 255 octets). */
  readLine(limit?: number): Promise<string | null>;
  /** STLS: upgrade the socket after the +OK has been written. */
  startTls(): Promise<void>;
  /** Close once pending output is written. */
  end(): void;
}

/** One command, declared in its own file (STYLE.md habit 2). */
export interface Pop3CommandHandler {
  readonly name: string;
  readonly states: readonly Pop3StateKind[];
  handle(ctx: Pop3Context, cmd: Pop3Command): Promise<void>;
}
