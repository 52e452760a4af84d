/**
 * Errors that carry the reply a peer should see (STYLE.md habit 10). Deep code throws a
 * ProtocolError; the dispatcher of each server catches it once and renders it in its
 * protocol's form. Anything else that escapes becomes a generic temporary failure, so
 * internals never leak to the peer.
 */
export class ProtocolError extends Error {
  /** @param code SMTP-style reply code (e.g. 550); IMAP/POP3 map it to NO/BAD/-ERR.
   *  @param enhanced RFC 3463 enhanced status code, e.g. '5.7.1'.
   *  @param text human-readable text sent to the peer. */
  constructor(
    readonly code: number,
    readonly enhanced: string,
    readonly text: string,
  ) {
    super(`${code} ${enhanced} ${text}`);
    this.name = 'ProtocolError';
  }

  get permanent(): boolean {
    return this.code >= 500;
  }
}

/** A domain rule was broken (unknown domain, duplicate address, ...): a user-facing message. */
export class UserError extends Error {
  constructor(
    message: string,
    /** Stable machine-readable reason, e.g. 'duplicate', 'not-found', 'invalid'. */
    readonly reason: 'invalid' | 'not-found' | 'duplicate' | 'conflict' | 'quota' | 'weak-password' = 'invalid',
  ) {
    super(message);
    this.name = 'UserError';
  }
}

/** A write committed, but its fsync failed: what it wrote may or may not survive a crash. A
 *  batch that fails so must not be retried item by item (mail/group-commit.ts,
 *  store/sqlite/batched-tx.ts): everything in it is already written, and would be twice. */
export class UnsyncedCommitError extends Error {
  constructor(cause: unknown) {
    super(`committed but not synced to disk: ${cause instanceof Error ? cause.message : String(cause)}`, { cause });
    this.name = 'UnsyncedCommitError';
  }
}
