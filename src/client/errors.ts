/**
 * Errors of the mail client that a person can act on, each with its own process exit code
 * (INTERFACE.md "The client"; issue 7 "Errors a person can act on"). Deep code throws a
 * ClientError with a message that names what failed (host:port, the certificate's subject
 * and issuer, the server's reply); the CLI prints the message and exits with `exitCode`.
 */

export type ClientErrorKind =
  | 'usage' // bad or missing options, unknown account
  | 'connect' // connection refused, timed out, host unknown, connection lost
  | 'tls' // certificate not verified, or TLS needed and not offered
  | 'auth' // the server refused the credentials
  | 'recipient' // an SMTP recipient was refused
  | 'size' // the message is larger than the server's SIZE
  | 'protocol' // the server answered something unexpected, or NO/BAD/-ERR
  | 'not-found' // no such message or folder
  | 'queued'; // not sent now, kept in the outbox for `send --flush` / `mail sync`

/** Exit codes, stable for scripts (documented in docs of `posthorn send --help`). */
export const EXIT_CODES: Record<ClientErrorKind, number> = {
  usage: 2,
  connect: 3,
  tls: 4,
  auth: 5,
  recipient: 6,
  size: 7,
  protocol: 8,
  'not-found': 9,
  queued: 75, // sysexits.h EX_TEMPFAIL, as sendmail uses for "queued, try later"
};

export class ClientError extends Error {
  constructor(
    readonly kind: ClientErrorKind,
    message: string,
  ) {
    super(message);
    this.name = 'ClientError';
  }

  get exitCode(): number {
    return EXIT_CODES[this.kind];
  }
}
