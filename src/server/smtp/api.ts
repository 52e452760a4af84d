/**
 * What a command handler sees of its session (implemented by session.ts), and the shape
 * of a command module: commands/<verb>.ts exports one SmtpCommand { name, states, handle }.
 * Kept apart from session.ts so commands and the session do not import each other.
 */
import type { LineResult } from '../../protocol/smtp/input.js';
import type { BodyReceiver } from '../../protocol/smtp/body.js';
import type { ResolvedOptions } from './options.js';
import type { SessionState, StateKind } from './state.js';

export interface AuthIdentity {
  accountId: number;
  address: string;
}

export interface SessionApi {
  state: SessionState;
  helo: string | null;
  /** EHLO (true) or HELO (false) was used. */
  esmtp: boolean;
  auth: AuthIdentity | null;
  tls: { version: string; cipher: string } | null;
  readonly opts: ResolvedOptions;
  readonly ip: string;
  readonly secure: boolean;
  readonly isLoopback: boolean;
  reply(code: number, enhanced: string | null, text: string | string[]): void;
  flush(): void;
  readLine(max?: number): Promise<LineResult | null>;
  /** Feeds DATA to `body` until CRLF.CRLF, awaiting `pace` after each piece. */
  receiveData(body: BodyReceiver, pace?: () => Promise<void>): Promise<boolean>;
  /** Feeds exactly `size` octets to `sink`, awaiting what it returns (backpressure). */
  receiveChunk(size: number, sink: (b: Buffer) => void | Promise<void>): Promise<boolean>;
  startTls(): Promise<boolean>;
  close(code?: number, enhanced?: string, text?: string): void;
}

export interface SmtpCommand {
  /** Upper-case verb. */
  name: string;
  /** States in which the command is legal; elsewhere the dispatcher answers 503 5.5.1. */
  states: readonly StateKind[];
  /** Does the command; throws ProtocolError/CommandError for an error reply. */
  handle(s: SessionApi, arg: string): Promise<void> | void;
}
